"""``torc slurm sacct`` and ``torc slurm parse-logs``: what Slurm accounted for a
workflow's allocations, and the known errors in their logs (registered on ``torc slurm``
by :mod:`torc.cli.slurm`)."""

from __future__ import annotations

import signal
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from torc.cli.common import CliError, choose_workflow, cli, console, emit
from torc.cli.records import WorkflowIdArg

if TYPE_CHECKING:
    from torc.slurm.accounting import Accounting
    from torc.slurm.log_patterns import LogReport
    from torc.slurm.sacct_json import Step

SACCT_COLUMNS = (
    "Slurm Job", "Job Step", "State", "Exit Code", "Elapsed", "Max RSS", "CPU Time", "Nodes"
)  # fmt: skip
LOG_COLUMNS = ("File", "Slurm Job ID", "Line", "Pattern", "Severity", "Affected Torc Jobs")
SHOWN_JOBS = 3
"""Affected jobs named in a table cell; the JSON lists them all."""


def short_duration(seconds: float | None) -> str:
    """The two largest units: ``2h 15m``, ``45m 30s``, ``1m 30s``, ``5s``, ``1d 2h``."""
    if seconds is None:
        return ""
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


def exit_code(step: Step) -> str:
    """The return code, or the signal that ended the step: ``signal 9 (SIGKILL)``."""
    if step.signal:
        try:
            return f"signal {step.signal} ({signal.Signals(step.signal).name})"
        except ValueError:
            return f"signal {step.signal}"
    return "" if step.exit_code is None else str(step.exit_code)


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A rich table as text (cells are plain text, never markup)."""
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    out = console()
    with out.capture() as captured:
        out.print(table)
    return captured.get().rstrip("\n")


def sacct_text(result: Accounting) -> str:
    from torc.reports.results import format_size

    rows = [
        [
            s.slurm_job_id,
            s.name,
            s.state,
            exit_code(s),
            short_duration(s.elapsed_seconds),
            format_size(s.max_rss_bytes),
            short_duration(s.cpu_time_seconds),
            s.nodes or "",
        ]
        for s in result.steps
    ]
    lines = [f"Slurm Accounting Summary for Workflow {result.workflow_id}"]
    lines += [_table(SACCT_COLUMNS, rows), f"Total: {len(result.steps)} job steps"]
    for s in (s for s in result.steps if s.out_of_memory):
        limit = format_size(s.memory_limit_bytes)
        lines.append(
            f"Out of memory: step {s.name} of Slurm job {s.slurm_job_id} peaked at "
            f"{format_size(s.max_rss_bytes) or '?'}"
            + (f", over its {limit} limit" if limit else "")
            + f" ({s.state}, exit {exit_code(s)})"
        )
    lines += [f"Saved {path}" for path in result.saved]
    if result.stats_recorded:
        lines.append(f"Recorded Slurm stats for {result.stats_recorded} job run(s)")
    return "\n".join(lines)


def sacct(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir",
            "-o",
            help="Output directory for sacct JSON files (only used with --save-json).",
        ),
    ] = Path("output"),
    save_json: Annotated[
        bool,
        typer.Option(
            "--save-json", help="Save full JSON output to files in addition to displaying summary."
        ),
    ] = False,
) -> None:
    """Call sacct for scheduled compute nodes and display summary."""
    from torc.slurm.accounting import AccountingError, collect

    chosen = choose_workflow(ctx, workflow_id)
    try:
        result = collect(cli(ctx).api, chosen, save_dir=output_dir if save_json else None)
    except AccountingError as exc:
        raise CliError(str(exc)) from None
    if result.missing:
        typer.echo(
            f"Warning: sacct has no record yet of Slurm job(s) {', '.join(result.missing)} "
            "(pending, or ended seconds ago: run again shortly)",
            err=True,
        )
    if result.placeholders:
        typer.echo(
            f"Warning: Slurm job(s) {', '.join(result.placeholders)} are not fully accounted "
            "yet (states may lag): run again in a few seconds",
            err=True,
        )
    emit(ctx, result.to_json(), text=lambda: sacct_text(result))


def _jobs_cell(jobs: Sequence[object]) -> str:
    shown = ", ".join(str(j) for j in jobs[:SHOWN_JOBS])
    return shown + (f" (+{len(jobs) - SHOWN_JOBS} more)" if len(jobs) > SHOWN_JOBS else "")


def parse_logs_text(report: LogReport) -> str:
    lines = ["Slurm Log Analysis Results", "=========================="]
    if not report.findings:
        lines.append(f"No known error patterns found in {report.files_scanned} log file(s).")
        return "\n".join(lines)
    rows = [
        [
            f.file,
            f.slurm_job_id,
            str(f.line),
            f.pattern,
            f.severity,
            _jobs_cell(f.affected_jobs),
        ]
        for f in report.findings
    ]
    lines += [f"Found {len(report.findings)} error(s) in log files:", _table(LOG_COLUMNS, rows)]
    lines += [
        f"... {count} more matching line(s) in {file} not shown"
        for file, count in report.omitted.items()
    ]
    return "\n".join(lines)


def parse_logs(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    output_dir: Annotated[
        Path,
        typer.Option("--output-dir", "-o", help="Output directory containing Slurm log files."),
    ] = Path("output"),
    errors_only: Annotated[
        bool, typer.Option("--errors-only", help="Only show errors (skip warnings).")
    ] = False,
) -> None:
    """Parse Slurm log files for known error messages."""
    from torc.slurm.log_patterns import ParseLogsError
    from torc.slurm.log_patterns import parse_logs as scan_logs

    chosen = choose_workflow(ctx, workflow_id)
    try:
        report = scan_logs(cli(ctx).api, chosen, output_dir, errors_only=errors_only)
    except ParseLogsError as exc:
        raise CliError(str(exc)) from None
    emit(ctx, report.to_json(), text=lambda: parse_logs_text(report))
