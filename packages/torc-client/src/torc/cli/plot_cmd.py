"""``torc plot-resources``: interactive plots from time-series resource databases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from torc.cli.common import CliError, emit
from torc.reports import plots


def parse_job_ids(raw: str | None) -> list[int] | None:
    if raw is None:
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise CliError(f"--job-ids must be comma-separated integers, not '{raw}'") from None


def plot_resources(
    ctx: typer.Context,
    db_paths: Annotated[
        list[Path], typer.Argument(help="Path(s) to the resource metrics database file(s).")
    ],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Output directory for generated plots.")
    ] = Path("."),
    job_ids: Annotated[
        str | None,
        typer.Option("--job-ids", "-j", help="Only plot specific job IDs (comma-separated)."),
    ] = None,
    prefix: Annotated[
        str, typer.Option("--prefix", "-p", help="Prefix for output filenames.")
    ] = "resource_plot",
    plot_format: Annotated[
        plots.PlotFormat, typer.Option("--format", "-f", help="Output format: html or json.")
    ] = plots.PlotFormat.html,
) -> None:
    """Generate interactive HTML plots from resource monitoring data."""
    wanted = parse_job_ids(job_ids)
    try:
        series = plots.load_series(db_paths, wanted)
    except plots.MetricsError as exc:
        raise CliError(str(exc)) from None
    if not series:
        which = f"for job(s) {job_ids} " if wanted else ""
        raise CliError(f"no resource samples {which}in {', '.join(map(str, db_paths))}")
    missing = sorted(set(wanted or ()) - {job.job_id for job in series})
    if missing:
        typer.echo(f"Warning: no samples for job(s) {', '.join(map(str, missing))}", err=True)
    try:
        written = plots.write_plots(series, output_dir, prefix, plot_format)
    except OSError as exc:
        raise CliError(f"cannot write plots to {output_dir}: {exc.strerror or exc}") from None
    rows = [{"file": str(w.path), "plot": w.plot, "job_id": w.job_id} for w in written]
    emit(ctx, rows, columns=["file", "plot"], key="files")
