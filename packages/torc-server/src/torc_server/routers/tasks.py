"""Asynchronous tasks and their progress (tag ``tasks``); they run in :mod:`torc_server.tasks`.

Both are reads: they answer while a task's transaction holds SQLite's write lock.
"""

from __future__ import annotations

from typing import Any

from torc_server import tasks
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.lifecycle.workflow_state import status_row


@operation("get_task")
def get_task(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return tasks.get_task(conn, id)


@operation("get_active_task_for_workflow")
def get_active_task_for_workflow(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        status_row(conn, id)  # 404 for an unknown workflow
        return {"task": tasks.active_task(conn, id)}
