"""``torc slurm generate`` and ``torc slurm regenerate``, and what ``torc submit-slurm`` and
``torc workflows create-slurm`` share with them: the generation options, choosing the HPC
profile and the account, and submitting schedule_nodes actions.

The logic is in :mod:`torc.slurm.generate`, :mod:`torc.slurm.regenerate` and
:mod:`torc.slurm.sizing`; they load inside the commands.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from torc.cli.common import CliError, cli, emit

if TYPE_CHECKING:
    from torc.api import TorcApi
    from torc.hpc.model import HpcProfile
    from torc.slurm.generate import Generated
    from torc.slurm.spec_file import SpecFile


class GroupBy(StrEnum):
    resource_requirements = "resource-requirements"
    by_partition = "partition"


class WalltimeStrategy(StrEnum):
    max_job_runtime = "max-job-runtime"
    max_partition_time = "max-partition-time"


Account = Annotated[
    str | None,
    typer.Option(
        "--account", help="Slurm account to use [default: the HPC profile's default_account]."
    ),
]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile", help="HPC profile to use (if not specified, tries to detect the system)."
    ),
]
HpcProfileOption = Annotated[
    str | None,
    typer.Option("--hpc-profile", help="HPC profile to use (auto-detected if not specified)."),
]
SingleAllocation = Annotated[
    bool,
    typer.Option(
        "--single-allocation",
        help="Bundle all nodes into a single Slurm allocation per scheduler (1xN) instead of "
        "one allocation per node (Nx1, the default: jobs start as nodes become available).",
    ),
]
GroupByOption = Annotated[
    GroupBy,
    typer.Option(
        "--group-by",
        help="One scheduler per resource_requirements name, or one per matched partition "
        "(sized for the largest needs of its jobs).",
    ),
]
Strategy = Annotated[
    WalltimeStrategy,
    typer.Option(
        "--walltime-strategy",
        metavar="STRATEGY",
        help="max-job-runtime: the longest runtime x --walltime-multiplier, capped at the "
        "partition's limit; max-partition-time: the partition's limit.",
    ),
]
Multiplier = Annotated[
    float,
    typer.Option(
        "--walltime-multiplier",
        metavar="MULTIPLIER",
        help="Multiplier of the longest job runtime (max-job-runtime); 1.5 asks 50% more.",
    ),
]
NoActions = Annotated[
    bool, typer.Option("--no-actions", help="Don't add workflow actions for scheduling nodes.")
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        "--overwrite",
        help="Replace the workflow's own Slurm schedulers and schedule_nodes actions "
        "(default: keep them and the jobs bound to them).",
    ),
]


def choose_profile(ctx: typer.Context, name: str | None, option: str = "--profile") -> HpcProfile:
    from torc.hpc.profiles import detect_profile, get_profile

    config = cli(ctx).config
    try:
        if name:
            return get_profile(name, config)
        found = detect_profile(config)
    except ValueError as exc:  # ProfileError, ConfigError
        raise CliError(str(exc)) from None
    if found is None:
        raise CliError(
            f"no HPC profile matches this system: name one with {option} (torc hpc list shows "
            "the known profiles; custom ones go in [client.hpc.custom_profiles.<name>])"
        )
    return found


def choose_account(account: str | None, profile: HpcProfile) -> str:
    chosen = account or profile.default_account
    if not chosen:
        raise CliError(
            f"Missing option '--account': the Slurm account to charge (profile "
            f"'{profile.name}' has no default_account)"
        )
    return chosen


def generate_for(
    ctx: typer.Context,
    file: Path,
    *,
    account: str | None,
    profile: str | None,
    profile_option: str = "--profile",
    group_by: GroupBy = GroupBy.resource_requirements,
    walltime_strategy: WalltimeStrategy = WalltimeStrategy.max_job_runtime,
    walltime_multiplier: float = 1.5,
    single_allocation: bool = False,
    actions: bool = True,
    force: bool = False,
) -> tuple[SpecFile, Generated]:
    """Read the spec and generate its schedulers; every problem is a CliError."""
    from torc.slurm.generate import GenerateOptions, generate
    from torc.slurm.sizing import GenerateError, Sizing
    from torc.slurm.spec_file import read_spec_file
    from torc.spec import SpecError

    chosen = choose_profile(ctx, profile, profile_option)
    options = GenerateOptions(
        account=choose_account(account, chosen),
        group_by=group_by.value,
        sizing=Sizing(walltime_strategy.value, walltime_multiplier, single_allocation),
        actions=actions,
        force=force,
    )
    try:
        spec_file = read_spec_file(file)
        return spec_file, generate(spec_file, chosen, options)
    except (SpecError, GenerateError) as exc:
        raise CliError(str(exc)) from None


def generate(
    ctx: typer.Context,
    workflow_file: Annotated[
        Path,
        typer.Argument(help="Path to workflow specification file (YAML, JSON, JSON5, or KDL)."),
    ],
    account: Account = None,
    profile: Profile = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Output file path (if not specified, stdout)."),
    ] = None,
    single_allocation: SingleAllocation = False,
    group_by: GroupByOption = GroupBy.resource_requirements,
    walltime_strategy: Strategy = WalltimeStrategy.max_job_runtime,
    walltime_multiplier: Multiplier = 1.5,
    no_actions: NoActions = False,
    force: Force = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be generated; write nothing.")
    ] = False,
) -> None:
    """Generate Slurm schedulers for a workflow based on job resource requirements.

    Prints the complete workflow plus slurm_schedulers (<resource_requirements>_scheduler,
    or <partition>_scheduler), each job's scheduler and staged schedule_nodes actions:
    on_workflow_start for the jobs ready at the start, on_jobs_ready for each later stage.
    Output is JSON for .json/.json5 input (or -o FILE.json), else YAML.

    Allocations: each scheduler runs as many of its jobs per node as fit on one node of
    the matched partition (CPUs, memory, GPUs), at most as many as it has at one stage,
    and asks for that (mem, gres gpu:N, ntasks_per_node). A stage's jobs divided by what
    one allocation runs in its walltime (jobs per node x runtimes that fit in the
    walltime), rounded up, is its number of single-node allocations (or the nodes of one
    allocation with --single-allocation).
    """
    from torc.slurm.spec_file import dump, output_format

    spec_file, generated = generate_for(
        ctx,
        workflow_file,
        account=account,
        profile=profile,
        group_by=group_by,
        walltime_strategy=walltime_strategy,
        walltime_multiplier=walltime_multiplier,
        single_allocation=single_allocation,
        actions=not no_actions,
        force=force,
    )
    if dry_run:
        emit(ctx, generated.summary(), text=generated.text())
        return
    if not generated.schedulers:
        typer.echo(
            "Nothing to generate: every job has a scheduler already (--force replaces them)",
            err=True,
        )
    fmt = "json" if output is None and cli(ctx).json else output_format(spec_file, output)
    text = dump(generated.data, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc}") from None
    emit(
        ctx,
        {"output": str(output), **generated.summary()},
        text=f"Wrote {output}: {generated.text()}",
    )


def submit_actions(
    ctx: typer.Context,
    api: TorcApi,
    workflow_id: int,
    *,
    only: set[int] | None = None,
    output_dir: Path | None,
    poll_interval: float,
) -> list[dict[str, Any]]:
    """Claim and submit the workflow's pending schedule_nodes actions (those in ``only``)."""
    from torc.cli.slurm import submitted_rows
    from torc.slurm import schedule
    from torc.slurm.submit import SubmitError

    if poll_interval <= 0:
        raise CliError(f"--poll-interval must be positive, not {poll_interval:g}")
    options = schedule.Options(
        output_dir=output_dir or Path(cli(ctx).config.get("client.run.output_dir")),
        poll_interval=poll_interval,
    )
    rows: list[dict[str, Any]] = []
    try:
        for action in schedule.pending_schedule_actions(api, workflow_id):
            if only is not None and action.id not in only:
                continue
            submission = schedule.schedule_action(api, workflow_id, action, options=options)
            if submission is not None:
                rows += submitted_rows(
                    submission.submitted,
                    action_id=action.id,
                    trigger_type=action.trigger_type,
                    scheduler_config_id=submission.scheduler.id,
                    jobs=len(action.job_ids or []),
                )
    except (schedule.ScheduleError, SubmitError) as exc:
        done = ", ".join(str(row["slurm_job_id"]) for row in rows)
        already = f" (already submitted: Slurm jobs {done})" if done else ""
        raise CliError(f"{exc}{already}") from None
    return rows
