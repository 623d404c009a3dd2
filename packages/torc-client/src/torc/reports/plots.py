"""Interactive plots of the resource samples the job runner records in ``time_series`` mode.

The runner writes one SQLite database per (host, workflow, run) under
``<output>/resource_utilization/``; ``torc plot-resources`` reads any number of them and
writes, per job, a timeline of CPU, memory and process count, plus CPU and memory overviews
of all jobs and a peak-versus-average summary. HTML files carry plotly.js inline so they open
offline (on a compute node, or attached to a ticket); ``json`` writes the plotly figure
JSON instead, for the dashboard to render with its own copy of plotly.js.

plotly is imported inside the functions that draw: it takes a tenth of a second to load,
which every other ``torc`` command would otherwise pay. Figures are plotly ``Figure``
objects (plotly ships no type information, hence ``Any``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal


class PlotFormat(StrEnum):
    html = "html"
    json = "json"


SAMPLES_TABLE = "job_resource_samples"
Metric = Literal["cpu", "memory"]
OVERVIEWS: dict[Metric, str] = {"cpu": "CPU", "memory": "Memory"}


class MetricsError(Exception):
    """A database that is missing, unreadable or not a resource metrics database."""


@dataclass
class JobSeries:
    """All samples of one job, merged over the databases given, in time order."""

    job_id: int
    name: str | None = None
    timestamps: list[float] = field(default_factory=list)
    cpu_percent: list[float] = field(default_factory=list)
    memory_bytes: list[int] = field(default_factory=list)
    num_processes: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Job {self.job_id} ({self.name})" if self.name else f"Job {self.job_id}"

    @property
    def peak_cpu(self) -> float:
        return max(self.cpu_percent)

    @property
    def avg_cpu(self) -> float:
        return sum(self.cpu_percent) / len(self.cpu_percent)

    @property
    def peak_memory(self) -> int:
        return max(self.memory_bytes)

    @property
    def avg_memory(self) -> float:
        return sum(self.memory_bytes) / len(self.memory_bytes)


@dataclass
class WrittenPlot:
    path: Path
    plot: str
    job_id: int | None = None


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only, so a mistyped path never leaves an empty database behind."""
    if not path.is_file():
        raise MetricsError(f"resource metrics database {path} does not exist")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise MetricsError(f"{path} is not a resource metrics database ({exc})") from None
    if SAMPLES_TABLE not in tables:
        conn.close()
        raise MetricsError(f"{path} is not a resource metrics database (no {SAMPLES_TABLE})")
    return conn


def load_series(paths: Sequence[Path], job_ids: Iterable[int] | None = None) -> list[JobSeries]:
    """Samples of every job (or of ``job_ids``) in ``paths``, one series per job ID.

    Several databases of one workflow (one per host or run) are merged by job ID, so a job
    that ran on two nodes or in two runs shows as one timeline.
    """
    wanted = set(job_ids) if job_ids is not None else None
    series: dict[int, JobSeries] = {}
    for path in paths:
        conn = _connect(path)
        try:
            has_names = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'job_metadata'"
            ).fetchone()
            names = (
                dict(conn.execute("SELECT job_id, job_name FROM job_metadata")) if has_names else {}
            )
            rows = conn.execute(
                "SELECT job_id, timestamp, cpu_percent, memory_bytes, num_processes "
                f"FROM {SAMPLES_TABLE} ORDER BY timestamp"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise MetricsError(f"cannot read {path}: {exc}") from None
        finally:
            conn.close()
        for job_id, timestamp, cpu, memory, processes in rows:
            if wanted is not None and job_id not in wanted:
                continue
            job = series.setdefault(job_id, JobSeries(job_id))
            job.name = job.name or names.get(job_id)
            job.timestamps.append(float(timestamp))
            job.cpu_percent.append(float(cpu or 0.0))
            job.memory_bytes.append(int(memory or 0))
            job.num_processes.append(int(processes or 0))
    for job in series.values():  # merged databases interleave: keep each job in time order
        order = sorted(range(len(job.timestamps)), key=job.timestamps.__getitem__)
        job.timestamps = [job.timestamps[i] for i in order]
        job.cpu_percent = [job.cpu_percent[i] for i in order]
        job.memory_bytes = [job.memory_bytes[i] for i in order]
        job.num_processes = [job.num_processes[i] for i in order]
    return [series[job_id] for job_id in sorted(series)]


def memory_unit(peak_bytes: float) -> tuple[float, str]:
    """MiB for small jobs, GiB from 1 GiB up: a 50 MB job should not plot as 0.05 GB."""
    return (2**30, "GiB") if peak_bytes >= 2**30 else (2**20, "MiB")


def _elapsed(timestamps: list[float], start: float) -> list[float]:
    return [round(t - start, 3) for t in timestamps]


def job_figure(job: JobSeries) -> Any:
    """CPU, memory and process count of one job on a shared time axis, stacked."""
    import plotly.graph_objects as go  # type: ignore[import-untyped]
    from plotly.subplots import make_subplots  # type: ignore[import-untyped]

    scale, unit = memory_unit(job.peak_memory)
    times = _elapsed(job.timestamps, job.timestamps[0])
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=("CPU", "Memory", "Processes"),
    )
    traces = (
        ("CPU %", job.cpu_percent, "CPU %"),
        (f"Memory ({unit})", [b / scale for b in job.memory_bytes], unit),
        ("Processes", job.num_processes, "count"),
    )
    for row, (name, values, axis) in enumerate(traces, start=1):
        figure.add_trace(go.Scatter(x=times, y=values, name=name, mode="lines"), row=row, col=1)
        figure.update_yaxes(title_text=axis, rangemode="tozero", row=row, col=1)
    figure.update_xaxes(title_text="Time since first sample (s)", row=3, col=1)
    figure.update_layout(
        title=(
            f"{job.label}: resource usage<br><sub>Peak {job.peak_cpu:.1f}% CPU, "
            f"{job.peak_memory / scale:.2f} {unit} | Average {job.avg_cpu:.1f}% CPU, "
            f"{job.avg_memory / scale:.2f} {unit} | {len(times)} samples</sub>"
        ),
        hovermode="x unified",
        height=800,
    )
    return figure


def overview_figure(jobs: Sequence[JobSeries], metric: Metric) -> Any:
    """One line per job on the workflow's clock, so jobs that ran together line up."""
    import plotly.graph_objects as go

    start = min(job.timestamps[0] for job in jobs)
    scale, unit = memory_unit(max(job.peak_memory for job in jobs))
    figure = go.Figure()
    for job in jobs:
        values = job.cpu_percent if metric == "cpu" else [b / scale for b in job.memory_bytes]
        figure.add_trace(
            go.Scatter(x=_elapsed(job.timestamps, start), y=values, name=job.label, mode="lines")
        )
    figure.update_layout(
        title=f"{OVERVIEWS[metric]} usage: all jobs",
        xaxis_title="Time since first sample (s)",
        yaxis_title="CPU %" if metric == "cpu" else f"Memory ({unit})",
        yaxis_rangemode="tozero",
        hovermode="closest",
    )
    return figure


def summary_figure(jobs: Sequence[JobSeries]) -> Any:
    """Peak against average CPU and memory per job: jobs with headroom stand out."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    scale, unit = memory_unit(max(job.peak_memory for job in jobs))
    labels = [job.label for job in jobs]
    figure = make_subplots(
        rows=2, cols=1, subplot_titles=("CPU %", f"Memory ({unit})"), vertical_spacing=0.15
    )
    bars = (
        (1, "Peak CPU %", [job.peak_cpu for job in jobs]),
        (1, "Average CPU %", [job.avg_cpu for job in jobs]),
        (2, f"Peak memory ({unit})", [job.peak_memory / scale for job in jobs]),
        (2, f"Average memory ({unit})", [job.avg_memory / scale for job in jobs]),
    )
    for row, name, values in bars:
        figure.add_trace(go.Bar(x=labels, y=values, name=name), row=row, col=1)
    figure.update_layout(
        title=f"Resource usage summary: {len(jobs)} job(s)", barmode="group", height=800
    )
    return figure


def _write(figure: Any, path: Path, fmt: PlotFormat) -> Path:
    if fmt == PlotFormat.json:
        path.write_text(figure.to_json())
    else:
        figure.write_html(
            path,
            include_plotlyjs=True,  # inline: the file works offline and can be mailed alone
            full_html=True,
            config={"displaylogo": False, "toImageButtonOptions": {"filename": path.stem}},
        )
    return path


def write_plots(
    jobs: Sequence[JobSeries], output_dir: Path, prefix: str, fmt: PlotFormat = PlotFormat.html
) -> list[WrittenPlot]:
    """Every plot for ``jobs`` (non-empty) into ``output_dir``; returns what was written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = [
        WrittenPlot(
            _write(job_figure(job), output_dir / f"{prefix}_job_{job.job_id}.{fmt}", fmt),
            f"timeline of {job.label}",
            job.job_id,
        )
        for job in jobs
    ]
    for metric, title in OVERVIEWS.items():
        figure = overview_figure(jobs, metric)
        path = _write(figure, output_dir / f"{prefix}_{metric}_all_jobs.{fmt}", fmt)
        written.append(WrittenPlot(path, f"{title}, all jobs"))
    path = _write(summary_figure(jobs), output_dir / f"{prefix}_summary.{fmt}", fmt)
    written.append(WrittenPlot(path, "peak vs average, all jobs"))
    return written
