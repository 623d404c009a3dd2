"""Long server operations run as tasks: start one, wait for it, show its progress.

``initialize_jobs?async=true`` answers at once with a task the server runs in the
background, so initializing a 300,000-job workflow is not cut short by an HTTP timeout.
:func:`wait_for_task` polls it until it ends; :class:`Background` is how the workflow
operations (:func:`torc.workflows.operations.initialize_workflow`,
:func:`torc.workflows.reinitialize.reinitialize`) are asked to run their initialize step
that way.
"""

from __future__ import annotations

from torc.tasks.wait import Background, Progress, TaskFailed, describe, wait_for_task

__all__ = ["Background", "Progress", "TaskFailed", "describe", "wait_for_task"]
