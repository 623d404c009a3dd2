"""Waiting for a server task, and running a step as one.

The wait has no deadline: a large initialize takes as long as it takes, and a task never
stays active forever (the server fails the ones a restart interrupted). Polls back off
from a twentieth of a second, so a quick task is seen done at once, to two seconds, so a
long one costs the server next to nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.workflows.operations import WorkflowError

FIRST_DELAY_SECONDS = 0.05
MAX_DELAY_SECONDS = 2.0
GROWTH = 1.5
ENDED = frozenset({m.TaskStatus.succeeded, m.TaskStatus.failed})

Progress = Callable[[m.TaskModel], None]
"""Called with the task as each poll finds it (the last call sees it ended)."""


def describe(task: m.TaskModel) -> str:
    """``task 5 (initialize_jobs of workflow 3)``: how messages name a task."""
    return f"task {task.id} ({task.operation} of workflow {task.workflow_id})"


class TaskFailed(WorkflowError):
    """The server ran the task and it failed; ``task.error`` says why."""

    def __init__(self, task: m.TaskModel) -> None:
        super().__init__(f"{describe(task)} failed: {task.error or 'the server gave no reason'}")
        self.task = task


def wait_for_task(api: TorcApi, task_id: int, *, progress: Progress | None = None) -> m.TaskModel:
    """Poll ``get_task`` until the task ends; returns it succeeded, raises
    :class:`TaskFailed` when it failed (and :class:`~torc.errors.ApiError` when the server
    does not answer or knows no such task)."""
    delay = FIRST_DELAY_SECONDS
    while True:
        task = api.get_task(task_id)
        if progress is not None:
            progress(task)
        if task.status == m.TaskStatus.failed:
            raise TaskFailed(task)
        if task.status in ENDED:
            return task
        time.sleep(delay)
        delay = min(delay * GROWTH, MAX_DELAY_SECONDS)


@dataclass(frozen=True)
class Background:
    """Run a step as a server task: wait for it (showing ``progress``) or, without
    ``wait``, return once it is queued. ``on_queued`` hears the task first, to name it."""

    wait: bool = True
    on_queued: Callable[[m.TaskModel], None] | None = None
    progress: Progress | None = None

    def run(self, api: TorcApi, submit: Callable[[], Any]) -> Any:
        """``submit()`` asks for the operation with ``async=true``; returns the ended (or,
        without ``wait``, the queued) task, or the outcome of a server that predates tasks
        and ran it at once."""
        task = submit()
        if not isinstance(task, m.TaskModel):
            return task
        if self.on_queued is not None:
            self.on_queued(task)
        if not self.wait:
            return task
        return wait_for_task(api, task.id, progress=self.progress)
