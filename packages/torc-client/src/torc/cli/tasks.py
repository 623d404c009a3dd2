"""``torc tasks``: the server's asynchronous tasks, and how commands wait for one.

``torc workflows initialize --async`` (and ``reinitialize --async``) run their initialize
step as a server task: :class:`TaskWatch` names the task as soon as it is queued and
shows its progress on stderr, a spinner on a terminal and otherwise a line every few
seconds, so stdout keeps only the command's result (and stays parseable with ``-f json``).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Annotated

import typer

from torc.cli.common import choose_workflow, cli, emit
from torc.cli.groups import new_group
from torc.cli.records import WorkflowIdArg, user_errors

if TYPE_CHECKING:
    from rich.status import Status

    import torc_models as m
    from torc.tasks import Background

app = new_group()
STATUS_LINE_SECONDS = 5.0
"""Off a terminal, a line this often while waiting, as ``torc run`` prints its status (not
imported from :mod:`torc.cli.progress`, which loads the runner)."""
TaskIdArg = Annotated[int, typer.Argument(help="ID of the task.", metavar="TASK_ID")]
AsyncOption = Annotated[
    bool,
    typer.Option(
        "--async",
        help="Run the initialize step as a server task and wait for it, showing progress "
        "(no HTTP timeout, however many jobs).",
    ),
]
NoWaitOption = Annotated[
    bool,
    typer.Option(
        "--no-wait",
        help="With --async (implied): print the task ID and return once it is queued.",
    ),
]


class TaskWatch:
    """The CLI's side of a server task: announces it, shows its progress, remembers it."""

    def __init__(self, wait: bool = True) -> None:
        from torc.tasks import Background

        self.task: m.TaskModel | None = None
        self.background: Background = Background(wait, self.announce, self.progress)
        self._started = time.monotonic()
        self._last_line = self._started
        self._spinner: Status | None = None

    @classmethod
    def of(cls, run_async: bool, no_wait: bool) -> TaskWatch | None:
        """The watch that ``--async`` / ``--no-wait`` ask for, or None to run in-request."""
        return cls(wait=not no_wait) if run_async or no_wait else None

    @property
    def task_id(self) -> int | None:
        return None if self.task is None else self.task.id

    def announce(self, task: m.TaskModel) -> None:
        """The task is queued: name it (when waiting for it) and start the spinner."""
        from torc.tasks import describe

        self.task = task
        self._started = self._last_line = time.monotonic()
        if not self.background.wait:
            return
        typer.echo(f"Waiting for {describe(task)}", err=True)
        if sys.stderr.isatty():
            from rich.console import Console

            self._spinner = Console(stderr=True).status(self._line(task))
            self._spinner.start()

    def _line(self, task: m.TaskModel) -> str:
        elapsed = time.monotonic() - self._started
        return f"task {task.id}: {task.status.value} for {elapsed:.0f} s"

    def progress(self, task: m.TaskModel) -> None:
        self.task = task
        if self._spinner is not None:
            self._spinner.update(self._line(task))
        elif time.monotonic() - self._last_line >= STATUS_LINE_SECONDS:
            self._last_line = time.monotonic()
            typer.echo(self._line(task), err=True)

    def __enter__(self) -> TaskWatch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def queued_text(self, what: str) -> str:
        """``what`` goes on in server task N: how ``--no-wait`` tells the user what to run."""
        t = self.task_id
        return f"{what} in server task {t}; follow it with `torc tasks wait {t}`"


@app.command()
def show(ctx: typer.Context, task_id: TaskIdArg) -> None:
    """Show a server task: its operation, status, times (ms since the epoch) and error."""
    emit(ctx, cli(ctx).api.get_task(task_id))


@app.command()
def active(ctx: typer.Context, workflow_id: WorkflowIdArg = None) -> None:
    """Show the workflow's queued or running task, if it has one."""
    chosen = choose_workflow(ctx, workflow_id)
    answer = cli(ctx).api.get_active_task_for_workflow(chosen)
    if cli(ctx).json or answer.task is not None:
        emit(ctx, answer if cli(ctx).json else answer.task)
    else:
        typer.echo(f"Workflow {chosen} has no active task")


@app.command()
def wait(ctx: typer.Context, task_id: TaskIdArg) -> None:
    """Wait for a server task to end, showing its progress; exits 1 if it failed."""
    from torc.tasks import wait_for_task

    watch = TaskWatch()
    api = cli(ctx).api
    with user_errors(), watch:
        watch.announce(api.get_task(task_id))
        task = wait_for_task(api, task_id, progress=watch.progress)
    emit(ctx, task)
