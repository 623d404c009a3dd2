"""``torc recover``: one recovery pass over a workflow that finished with failures (the
logic is :func:`torc.recovery.recover.recover_workflow`, which ``torc watch`` shares)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from torc.cli.common import CliError, cli, emit
from torc.cli.slurm_generate import Profile, choose_profile

if TYPE_CHECKING:
    from torc.hpc.model import HpcProfile


def _profile(ctx: typer.Context, workflow_id: int, name: str | None) -> HpcProfile | None:
    """``--profile``; for a Slurm workflow else the one it was generated with, else the
    detected one. A local workflow without ``--profile`` gets none: no cap."""
    from torc.recovery.recover import uses_slurm
    from torc.slurm.regenerate import recorded_settings

    api = cli(ctx).api
    if name:
        return choose_profile(ctx, name)
    if not uses_slurm(api, workflow_id):
        return None
    recorded = recorded_settings(api.get_workflow(workflow_id)).get("profile")
    return choose_profile(ctx, recorded if isinstance(recorded, str) else None)


def _at_least_one(value: float, option: str) -> float:
    """A multiplier below 1 would shrink what a failed job had."""
    if not value >= 1:
        raise CliError(f"{option} must be at least 1.0, not {value:g}")
    return value


def recover(
    ctx: typer.Context,
    workflow_id: Annotated[int, typer.Argument(help="Workflow ID to recover.")],
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="Output directory for job files of submitted allocations [default: output].",
            show_default=False,
        ),
    ] = None,
    memory_multiplier: Annotated[
        float, typer.Option("--memory-multiplier", help="Memory multiplier for OOM failures.")
    ] = 1.5,
    runtime_multiplier: Annotated[
        float,
        typer.Option("--runtime-multiplier", help="Runtime multiplier for timeout failures."),
    ] = 1.4,
    retry_unknown: Annotated[
        bool, typer.Option("--retry-unknown", help="Also retry jobs with unknown failure causes.")
    ] = False,
    recovery_hook: Annotated[
        str | None,
        typer.Option(
            "--recovery-hook",
            help="Custom recovery script for unknown failures, run with the workflow ID as "
            "its argument and in TORC_WORKFLOW_ID; a non-zero exit stops recovery.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be done without making changes.")
    ] = False,
    profile: Profile = None,
) -> None:
    """Recover a workflow from failures (one-shot).

    Diagnoses job failures (OOM, timeout), adjusts resource requirements, and resets the
    failed jobs; a Slurm workflow gets new schedulers and allocations, a local one is
    rerun with `torc run`. Use after a workflow has completed with failures. Memory is
    sized from a job's measured peak when that asks for more than the multiplier, and is
    never raised beyond the largest partition of the HPC profile that fits the job.
    """
    from torc.recovery.recover import RecoveryError, RecoveryOptions, recover_workflow

    _at_least_one(memory_multiplier, "--memory-multiplier")
    _at_least_one(runtime_multiplier, "--runtime-multiplier")
    state = cli(ctx)
    options = RecoveryOptions(
        memory_multiplier=memory_multiplier,
        runtime_multiplier=runtime_multiplier,
        retry_unknown=retry_unknown,
        recovery_hook=recovery_hook,
        dry_run=dry_run,
        profile=_profile(ctx, workflow_id, profile),
        output_dir=output_dir or Path(state.config.get("client.run.output_dir")),
    )
    try:
        report = recover_workflow(
            state.api, workflow_id, options, echo=lambda line: typer.echo(line, err=state.json)
        )
    except RecoveryError as exc:
        raise CliError(str(exc)) from None
    if state.json:
        emit(ctx, report.as_dict())
