"""The progress of ``torc run``: a live table on a terminal, else a line now and then."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import typer
from rich.live import Live
from rich.table import Table

from torc.runner import RunSummary

STATUS_LINE_SECONDS = 5.0
"""Off a terminal, a status line this often (the first one after as long: a short run
prints none)."""


class ProgressView:
    """A live table on a terminal; otherwise a status line every few seconds."""

    def __init__(self, count_jobs: Callable[[], int]) -> None:
        self._count_jobs = count_jobs
        self._total: int | None = None
        self.started = self.last_line = time.monotonic()
        self.live = (
            Live(self._table(RunSummary(0), 0), refresh_per_second=4, transient=True)
            if sys.stderr.isatty()
            else None
        )

    @property
    def total(self) -> int:
        """Asked of the server when first shown: a run shorter than a status line never asks."""
        if self._total is None:
            self._total = self._count_jobs()
        return self._total

    def _table(self, summary: RunSummary, running: int) -> Table:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        done = summary.completed + summary.failed + summary.canceled + summary.terminated
        table = Table(title="torc run", show_header=True)
        for column in ("done", "failed", "running", "remaining", "jobs/s"):
            table.add_column(column, justify="right")
        table.add_row(
            str(summary.completed),
            str(summary.failed),
            str(running),
            str(max(0, self.total - done)),
            f"{done / elapsed:.1f}",
        )
        return table

    def update(self, summary: RunSummary, running: int) -> None:
        if self.live is not None:
            self.live.update(self._table(summary, running))
        elif time.monotonic() - self.last_line >= STATUS_LINE_SECONDS:
            self.last_line = time.monotonic()
            done = summary.completed + summary.failed + summary.canceled + summary.terminated
            typer.echo(
                f"progress: {summary.completed} completed, {summary.failed} failed, "
                f"{running} running, {max(0, self.total - done)} remaining",
                err=True,
            )
