"""``torc submit`` and ``torc workflows submit``: start a workflow on Slurm.

Create the workflow (``torc submit`` of a spec file), initialize it if its jobs are not
yet, then submit the allocations of its pending ``schedule_nodes`` actions (see
:mod:`torc.slurm.schedule`): right after initialization those of on_workflow_start (and
of on_jobs_ready for jobs ready from the start). Each action is claimed first, so running
the command again submits nothing twice. The workflow must have an on_workflow_start
schedule_nodes action, and sbatch must be here: both are checked before anything is
created or changed.

The modules behind the command load inside it, as in :mod:`torc.cli.run_cmd`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from torc.cli.common import CliError, choose_workflow, cli, emit
from torc.cli.run_cmd import create_from_spec

if TYPE_CHECKING:
    from torc.api import TorcApi

WorkflowIdArg = Annotated[
    int | None,
    typer.Argument(
        help="ID of the workflow to submit (optional: prompts on a terminal if not given).",
        metavar="WORKFLOW_ID",
        show_default=False,
    ),
]

OutputDir = Annotated[
    Path | None,
    typer.Option(
        "--output-dir",
        "-o",
        help="Output directory of the allocations' job runners (default: client.run.output_dir).",
    ),
]
PollInterval = Annotated[
    float,
    typer.Option("--poll-interval", "-p", help="Poll interval of the allocations' job runners."),
]
NO_SBATCH = "sbatch not found: submit from a machine where Slurm is installed"


def _require_sbatch() -> None:
    from torc.slurm.submit import can_submit

    if not can_submit():
        raise CliError(NO_SBATCH)


def _require_start_action(api: TorcApi, workflow_id: int) -> None:
    from torc.slurm.schedule import ScheduleError, require_start_action

    try:
        require_start_action(api.get_workflow_actions(workflow_id))
    except ScheduleError as exc:
        raise CliError(str(exc)) from None


def submit_workflow(
    ctx: typer.Context,
    workflow_id: int,
    *,
    force: bool,
    force_flag: str,
    output_dir: Path | None,
    poll_interval: float,
    created: bool = False,
) -> None:
    """Initialize if needed, then claim and submit the pending schedule_nodes actions."""
    from torc.cli.slurm import submitted_lines, submitted_rows
    from torc.slurm import schedule
    from torc.slurm.submit import SubmitError
    from torc.workflows.operations import WorkflowError, initialize_workflow

    state = cli(ctx)
    api = state.api
    if poll_interval <= 0:
        raise CliError(f"--poll-interval must be positive, not {poll_interval:g}")
    if created or api.is_workflow_uninitialized(workflow_id).is_uninitialized:
        try:
            initialize_workflow(api, workflow_id, force=force)
        except WorkflowError as exc:
            message = str(exc).replace("pass --force", f"pass {force_flag}")
            raise CliError(f"cannot initialize workflow {workflow_id}: {message}") from None
    options = schedule.Options(
        output_dir=output_dir or Path(state.config.get("client.run.output_dir")),
        poll_interval=poll_interval,
    )
    rows: list[dict[str, Any]] = []
    try:
        for action in schedule.pending_schedule_actions(api, workflow_id):
            submission = schedule.schedule_action(api, workflow_id, action, options=options)
            if submission is not None:
                rows += submitted_rows(
                    submission.submitted,
                    action_id=action.id,
                    trigger_type=action.trigger_type,
                    scheduler_config_id=submission.scheduler.id,
                )
    except (schedule.ScheduleError, SubmitError) as exc:
        done = ", ".join(str(row["slurm_job_id"]) for row in rows)
        raise CliError(
            f"{exc}{f' (already submitted: Slurm jobs {done})' if done else ''}"
        ) from None

    def text() -> str:
        if rows:
            return submitted_lines(rows)
        return (
            f"Workflow {workflow_id}: no pending schedule_nodes actions (already submitted? "
            f"see torc workflows list-actions {workflow_id})"
        )

    emit(ctx, {"workflow_id": workflow_id, "allocations": rows}, text=text)


def submit(
    ctx: typer.Context,
    workflow_spec_or_id: Annotated[
        str,
        typer.Argument(help="Path to workflow spec file (JSON/JSON5/YAML/KDL) or workflow ID."),
    ],
    ignore_missing_data: Annotated[
        bool,
        typer.Option(
            "--ignore-missing-data", "-i", help="Ignore missing data (defaults to false)."
        ),
    ] = False,
    skip_checks: Annotated[
        bool,
        typer.Option(
            "--skip-checks",
            help="Skip validation checks (e.g., scheduler node requirements). Use with caution.",
        ),
    ] = False,
    output_dir: OutputDir = None,
    poll_interval: PollInterval = 60.0,
) -> None:
    """Submit a workflow to scheduler (create from spec file or submit existing workflow by ID).

    Requires workflow to have an on_workflow_start action with schedule_nodes.
    """
    created = not workflow_spec_or_id.isdigit()
    if created:
        from torc.slurm.schedule import MISSING_START_ACTION, is_start_action
        from torc.spec import SpecError, load_spec

        try:
            spec = load_spec(Path(workflow_spec_or_id))
        except SpecError as exc:
            raise CliError(str(exc)) from None
        if not any(is_start_action(action) for action in spec.actions):
            raise CliError(MISSING_START_ACTION)
        _require_sbatch()
        workflow_id = create_from_spec(ctx, spec, skip_checks=skip_checks)
    else:
        workflow_id = int(workflow_spec_or_id)
        _require_start_action(cli(ctx).api, workflow_id)
        _require_sbatch()
    submit_workflow(
        ctx,
        workflow_id,
        force=ignore_missing_data,
        force_flag="--ignore-missing-data",
        output_dir=output_dir,
        poll_interval=poll_interval,
        created=created,
    )


def workflows_submit(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="If false, fail the operation if missing data is present (defaults to false).",
        ),
    ] = False,
    output_dir: OutputDir = None,
    poll_interval: PollInterval = 60.0,
) -> None:
    """Submit a workflow: initialize if needed and schedule nodes for on_workflow_start actions.

    This command requires the workflow to have an on_workflow_start action with
    schedule_nodes.
    """
    chosen = choose_workflow(ctx, workflow_id)
    _require_start_action(cli(ctx).api, chosen)
    _require_sbatch()
    submit_workflow(
        ctx,
        chosen,
        force=force,
        force_flag="--force",
        output_dir=output_dir,
        poll_interval=poll_interval,
    )
