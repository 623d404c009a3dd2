"""``torc workflows sync-status``: fail the jobs of allocations Slurm no longer runs (the
logic is :func:`torc.slurm.sync.sync_status`, which ``torc recover`` runs first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from torc.cli.common import CliError, choose_workflow, cli, emit

if TYPE_CHECKING:
    from torc.slurm.sync import SyncReport

commands = typer.Typer()
HELP = """Synchronize job statuses with Slurm (detect and fail orphaned jobs).

This command detects jobs that are stuck in "running" status because their Slurm
allocation terminated unexpectedly (e.g., due to timeout, node failure, or admin
intervention). It marks these orphaned jobs as failed so the workflow can be recovered or
restarted. Pending allocations that left Slurm's queue without starting are marked
complete, and queued allocations with no job left for them are canceled.

Use this when `torc recover` reports "there are active Slurm allocations" but squeue
shows none, when jobs appear stuck in "running" status after a Slurm allocation ended, or
to clean up workflow state before running `torc recover`.

\b
Examples:
  # Preview what would be cleaned up
  torc workflows sync-status 123 --dry-run
  # Clean up orphaned jobs
  torc workflows sync-status 123
  # Get JSON output for scripting
  torc -f json workflows sync-status 123
"""


def report_text(report: SyncReport) -> str:
    """The seed's summary; a dry run says what would happen instead."""
    workflow_id, dry = report.workflow_id, report.dry_run
    lines = [f"Synchronizing job statuses for workflow {workflow_id}..."]
    if dry:
        lines[0] += " (dry run: nothing is changed)"
    if not report.changed:
        lines.append("No orphaned jobs found: Slurm runs every allocation the workflow expects.")
        return "\n".join(lines)
    lines.append("Would clean up orphaned jobs:" if dry else "Cleaned up orphaned jobs:")
    lines.append(f"  - {len(report.allocation_jobs)} job(s) from terminated Slurm allocations")
    lines.append(f"  - {len(report.vanished)} pending allocation(s) that no longer exist in Slurm")
    nodeless = len(report.failed_jobs) - len(report.allocation_jobs)
    if nodeless:
        lines.append(f"  - {nodeless} job(s) whose job runner is gone")
    if report.idle_allocations:
        verb = "would be canceled" if dry else "canceled"
        lines.append(
            f"  - {len(report.idle_allocations)} queued allocation(s) {verb}: no job is left "
            "for them"
        )
    if report.failed_jobs:
        lines.append("Affected jobs:")
        lines += [f"  - Job {j.job_id} ({j.name}): {j.reason}" for j in report.failed_jobs]
    marked = "would be marked" if dry else "marked"
    lines.append(f"Total: {len(report.failed_jobs)} job(s) {marked} as failed")
    if dry:
        lines.append("Run without --dry-run to apply these changes.")
    elif report.failed_jobs:
        lines.append(f"You can now run `torc recover {workflow_id}` to retry failed jobs.")
    return "\n".join(lines)


@commands.command("sync-status", help=HELP)
def sync_status(
    ctx: typer.Context,
    workflow_id: Annotated[
        int | None,
        typer.Argument(
            help="ID of the workflow to sync (optional - will prompt if not provided).",
            metavar="WORKFLOW_ID",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Preview changes without applying them.")
    ] = False,
) -> None:
    from torc.slurm import sync

    chosen = choose_workflow(ctx, workflow_id)
    api = cli(ctx).api
    api.get_workflow(chosen)  # a clear error for a workflow that does not exist
    try:
        report = sync.sync_status(api, chosen, dry_run=dry_run)
    except sync.SlurmError as exc:
        raise CliError(f"cannot check workflow {chosen} against Slurm: {exc}") from None
    emit(ctx, report.as_dict(), text=lambda: report_text(report))
