"""``torc slurm regenerate``: new Slurm schedulers (and allocations) for a workflow's jobs
that are still to run; the logic is :mod:`torc.slurm.regenerate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from torc.cli.common import CliError, cli, emit
from torc.cli.slurm_generate import (
    GroupBy,
    Profile,
    SingleAllocation,
    WalltimeStrategy,
    choose_profile,
    submit_actions,
)

if TYPE_CHECKING:
    from torc.slurm.regenerate import Regeneration


def _jobs(count: int) -> str:
    return "1 job" if count == 1 else f"{count} jobs"


def _parse_ids(raw: str | None) -> tuple[int, ...]:
    if not raw:
        return ()
    try:
        return tuple(int(part) for part in raw.replace(",", " ").split())
    except ValueError:
        raise CliError(
            f"--include-job-ids must be job IDs separated by commas, not {raw!r}"
        ) from None


def _plan_lines(regeneration: Regeneration) -> list[str]:
    lines = []
    for group in regeneration.groups:
        scheduler = group.scheduler
        where = f" on partition {group.plan.partition.name}"
        created = f" (ID {group.scheduler_id})" if group.scheduler_id is not None else ""
        lines.append(
            f"Slurm scheduler {scheduler['name']}{created} for {_jobs(group.jobs)}{where}: "
            f"walltime {scheduler['walltime']}, mem {scheduler['mem']}"
            + (f", gres {scheduler['gres']}" if "gres" in scheduler else "")
        )
        for stage in group.stages:
            when = "when they become ready" if group.deferred else "now"
            lines.append(
                f"  {stage.allocations} allocation(s) for {_jobs(len(stage.job_ids))} {when}"
            )
    return lines


def regenerate(
    ctx: typer.Context,
    workflow_id: Annotated[int, typer.Argument(help="Workflow ID.")],
    account: Annotated[
        str | None,
        typer.Option(
            "--account",
            help="Slurm account to use [default: the one the workflow was generated with, "
            "else that of its Slurm schedulers].",
        ),
    ] = None,
    profile: Profile = None,
    single_allocation: SingleAllocation = False,
    submit: Annotated[
        bool, typer.Option("--submit", help="Submit the generated allocations immediately.")
    ] = False,
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir", "-o", help="Output directory for job output files (when submitting)."
        ),
    ] = Path("output"),
    poll_interval: Annotated[
        float,
        typer.Option("--poll-interval", "-p", help="Poll interval in seconds (when submitting)."),
    ] = 60.0,
    group_by: Annotated[
        GroupBy | None,
        typer.Option(
            "--group-by",
            help="resource-requirements or partition (default: as the workflow was generated, "
            "else resource-requirements).",
            show_default=False,
        ),
    ] = None,
    walltime_strategy: Annotated[
        WalltimeStrategy | None,
        typer.Option(
            "--walltime-strategy",
            metavar="STRATEGY",
            help="max-job-runtime or max-partition-time (default: as the workflow was "
            "generated, else max-job-runtime).",
            show_default=False,
        ),
    ] = None,
    walltime_multiplier: Annotated[
        float | None,
        typer.Option(
            "--walltime-multiplier",
            metavar="MULTIPLIER",
            help="Multiplier of the longest job runtime for max-job-runtime (default: as the "
            "workflow was generated, else 1.5).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be created without making changes.")
    ] = False,
    include_job_ids: Annotated[
        str | None,
        typer.Option(
            "--include-job-ids",
            metavar="JOB_IDS",
            help="Include these job IDs (comma-separated) in planning whatever their status "
            "(e.g. failed jobs, for a recovery dry run).",
        ),
    ] = None,
) -> None:
    """Regenerate Slurm schedulers for an existing workflow based on pending jobs.

    Plans for jobs that are uninitialized, ready or blocked: groups them by resource
    requirements (or partition) and by whether they wait for others, picks each group's
    partition from the HPC profile, creates <name>_scheduler / <name>_deferred_scheduler
    records and points the jobs at them. Each stage gets an on_jobs_ready recovery action
    (ready jobs: pending at once; --submit submits it), and the workflow's earlier
    schedule_nodes actions are marked executed so they cannot submit again. The account,
    profile and options default to those the workflow was generated with.
    """
    from torc.slurm.regenerate import (
        RegenerateOptions,
        apply_regeneration,
        initialize_first,
        plan_regeneration,
        recorded_settings,
    )
    from torc.slurm.sizing import GenerateError, Sizing

    api = cli(ctx).api
    recorded = recorded_settings(api.get_workflow(workflow_id))
    chosen = choose_profile(ctx, profile or recorded.get("profile"))
    sizing = Sizing(
        (walltime_strategy.value if walltime_strategy else None)
        or str(recorded.get("walltime_strategy") or "max-job-runtime"),
        walltime_multiplier
        if walltime_multiplier is not None
        else float(recorded.get("walltime_multiplier") or 1.5),
        single_allocation or bool(recorded.get("single_allocation")),
    )
    options = RegenerateOptions(
        account=account,
        group_by=(group_by.value if group_by else None)
        or str(recorded.get("group_by") or "resource-requirements"),
        sizing=sizing,
        include_job_ids=_parse_ids(include_job_ids),
    )
    typer.echo("Regenerating Slurm schedulers...", err=cli(ctx).json)
    try:
        if not dry_run:
            initialize_first(api, workflow_id, submit)
        regeneration = plan_regeneration(api, workflow_id, chosen, options)
        created = [] if dry_run else apply_regeneration(api, regeneration)
    except GenerateError as exc:
        raise CliError(str(exc)) from None
    rows: list[dict[str, Any]] = []
    if submit and not dry_run and created:
        rows = submit_actions(
            ctx,
            api,
            workflow_id,
            only=set(created),
            output_dir=output_dir,
            poll_interval=poll_interval,
        )

    def text() -> str:
        if not regeneration.groups:
            return f"Workflow {workflow_id} has no uninitialized, ready or blocked jobs"
        lines = ["Dry run: nothing was changed"] if dry_run else []
        lines += _plan_lines(regeneration) + _submitted_lines(rows)
        return "\n".join(lines)

    emit(ctx, {**regeneration.summary(), "dry_run": dry_run, "allocations": rows}, text=text)


def _submitted_lines(rows: list[dict[str, Any]]) -> list[str]:
    """``Submitted Slurm allocation with N jobs`` per action (with its Slurm jobs)."""
    by_action: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        by_action.setdefault(row["action_id"], []).append(row)
    lines = []
    for action_rows in by_action.values():
        ids = ", ".join(str(row["slurm_job_id"]) for row in action_rows)
        jobs = _jobs(action_rows[0]["jobs"])
        if len(action_rows) == 1:
            lines.append(f"Submitted Slurm allocation with {jobs} (Slurm job {ids})")
        else:
            lines.append(
                f"Submitted {len(action_rows)} Slurm allocations with {jobs} (Slurm jobs {ids})"
            )
    return lines
