"""``torc submit-slurm`` and ``torc workflows create-slurm``: generate Slurm schedulers for
a spec (as ``torc slurm generate`` does), create the workflow and, for ``submit-slurm``,
submit it as ``torc submit`` does.

The workflow records the generation settings (account, profile, grouping, walltime
strategy) in its ``metadata.slurm_generate``, so ``torc slurm regenerate`` can reuse them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from torc.cli.common import CliError, cli, current_user, emit
from torc.cli.slurm_generate import (
    Account,
    Force,
    GroupBy,
    GroupByOption,
    HpcProfileOption,
    Multiplier,
    SingleAllocation,
    Strategy,
    WalltimeStrategy,
    generate_for,
    submit_actions,
)
from torc.cli.submit import NO_SBATCH, OutputDir, PollInterval

if TYPE_CHECKING:
    from torc.api import TorcApi
    from torc.slurm.generate import Generated
    from torc.slurm.spec_file import SpecFile
    from torc.spec import WorkflowSpec

SkipChecks = Annotated[
    bool,
    typer.Option(
        "--skip-checks",
        help="Skip validation checks (e.g., scheduler node requirements). Use with caution.",
    ),
]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _rebuild(spec_file: SpecFile, generated: Generated) -> WorkflowSpec:
    from torc.spec import SpecError

    try:
        return spec_file.rebuild(generated.data)
    except SpecError as exc:
        raise CliError(f"the generated workflow is not valid: {exc}") from None


def _create(
    ctx: typer.Context,
    spec: WorkflowSpec,
    generated: Generated,
    *,
    user: str | None,
    skip_checks: bool,
    no_resource_monitoring: bool = False,
) -> tuple[TorcApi, int, int]:
    """Create the workflow with its generation settings; returns (api, workflow ID, jobs)."""
    from torc.cli.records import progress_bar
    from torc.slurm.generated_workflow import create_generated_workflow, generation_settings
    from torc.spec import SpecError

    api = cli(ctx).api
    try:
        with progress_bar() as progress:
            workflow_id, jobs = create_generated_workflow(
                api,
                spec,
                generation_settings(generated),
                user=user or current_user(),
                skip_checks=skip_checks,
                no_resource_monitoring=no_resource_monitoring,
                progress=progress,
            )
    except SpecError as exc:
        raise CliError(str(exc)) from None
    return api, workflow_id, jobs


def submit_slurm(
    ctx: typer.Context,
    workflow_spec: Annotated[
        Path, typer.Argument(help="Path to workflow spec file (JSON/JSON5/YAML/KDL).")
    ],
    account: Account = None,
    hpc_profile: HpcProfileOption = None,
    single_allocation: SingleAllocation = False,
    ignore_missing_data: Annotated[
        bool,
        typer.Option(
            "--ignore-missing-data", "-i", help="Ignore missing data (defaults to false)."
        ),
    ] = False,
    skip_checks: SkipChecks = False,
    group_by: GroupByOption = GroupBy.resource_requirements,
    walltime_strategy: Strategy = WalltimeStrategy.max_job_runtime,
    walltime_multiplier: Multiplier = 1.5,
    force: Force = False,
    output_dir: OutputDir = None,
    poll_interval: PollInterval = 60.0,
) -> None:
    """Submit a workflow to Slurm with auto-generated schedulers.

    Automatically generates Slurm schedulers based on job resource requirements and HPC
    profile (as torc slurm generate does), creates the workflow and submits the
    allocations of its on_workflow_start actions; later stages are submitted when their
    jobs become ready.

    WARNING: This command uses heuristics to generate schedulers and workflow actions. For
    complex workflows with unusual dependency patterns, the generated configuration may
    not be optimal and could waste allocation time.

    RECOMMENDED: Preview the generated configuration first with torc slurm generate
    --account <ACCOUNT> <WORKFLOW_SPEC>; you can save its output (-o FILE), review it and
    submit it with torc submit FILE.
    """
    from torc.slurm.schedule import MISSING_START_ACTION, is_start_action
    from torc.slurm.submit import can_submit
    from torc.workflows.operations import WorkflowError, initialize_workflow

    spec_file, generated = generate_for(
        ctx,
        workflow_spec,
        account=account,
        profile=hpc_profile,
        profile_option="--hpc-profile",
        group_by=group_by,
        walltime_strategy=walltime_strategy,
        walltime_multiplier=walltime_multiplier,
        single_allocation=single_allocation,
        force=force,
    )
    spec = _rebuild(spec_file, generated)
    if not any(is_start_action(action) for action in spec.actions):
        raise CliError(f"{MISSING_START_ACTION} (no job is ready at the start)")
    if not can_submit():
        raise CliError(NO_SBATCH)
    api, workflow_id, jobs = _create(ctx, spec, generated, user=None, skip_checks=skip_checks)
    try:
        initialize_workflow(api, workflow_id, force=ignore_missing_data)
    except WorkflowError as exc:
        message = str(exc).replace("pass --force", "pass --ignore-missing-data")
        raise CliError(
            f"created workflow {workflow_id}, but cannot initialize it: {message}"
        ) from None
    rows = submit_actions(ctx, api, workflow_id, output_dir=output_dir, poll_interval=poll_interval)
    lines = [
        f"Created workflow {workflow_id} with {_plural(jobs, 'job')}",
        f"Submitted to Slurm with {_plural(len(rows), 'allocation')}",
    ]
    report = {"workflow_id": workflow_id, "jobs": jobs, **generated.summary(), "allocations": rows}
    emit(ctx, report, text="\n".join(lines))


def create_slurm(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Path to specification file containing WorkflowSpec.")
    ],
    account: Account = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user", "-u", help="User that owns the workflow [default: the authenticated user]."
        ),
    ] = None,
    hpc_profile: HpcProfileOption = None,
    single_allocation: SingleAllocation = False,
    no_resource_monitoring: Annotated[
        bool,
        typer.Option(
            "--no-resource-monitoring",
            help="Disable resource monitoring (default: summary granularity, 5 s samples).",
        ),
    ] = False,
    skip_checks: SkipChecks = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate the workflow specification without creating it."),
    ] = False,
    group_by: GroupByOption = GroupBy.resource_requirements,
    walltime_strategy: Strategy = WalltimeStrategy.max_job_runtime,
    walltime_multiplier: Multiplier = 1.5,
    force: Force = False,
) -> None:
    """Create a workflow with auto-generated Slurm schedulers.

    Automatically generates Slurm schedulers based on job resource requirements and HPC
    profile (as torc slurm generate does). For Slurm workflows without pre-configured
    schedulers. Submit it with torc workflows submit <ID>.
    """
    from torc.spec import SpecError, expand_spec, format_summary, summarize

    spec_file, generated = generate_for(
        ctx,
        file,
        account=account,
        profile=hpc_profile,
        profile_option="--hpc-profile",
        group_by=group_by,
        walltime_strategy=walltime_strategy,
        walltime_multiplier=walltime_multiplier,
        single_allocation=single_allocation,
        force=force,
    )
    spec = _rebuild(spec_file, generated)
    if dry_run:
        try:
            summary = summarize(expand_spec(spec))
        except SpecError as exc:
            raise CliError(str(exc)) from None
        summary["slurm_generation"] = generated.summary()
        emit(ctx, summary, text=f"{format_summary(summary)}\n\n{generated.text()}")
        if not summary["valid"] and not skip_checks:
            raise typer.Exit(1)
        return
    api, workflow_id, jobs = _create(
        ctx,
        spec,
        generated,
        user=user,
        skip_checks=skip_checks,
        no_resource_monitoring=no_resource_monitoring,
    )
    emit(
        ctx,
        api.get_workflow(workflow_id),
        text=f"Created workflow {workflow_id} with {_plural(jobs, 'job')}",
    )
