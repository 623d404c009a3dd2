"""Dynamic workflows: a running job adds jobs to its workflow (tag ``jobs``).

The transaction lives in :mod:`torc_server.lifecycle.spawn`; this handler only opens it
and wakes the unblocker when a spawned job was canceled at once (a job it waits for had
already failed), so that the cancellation reaches that job's own dependents.
"""

from __future__ import annotations

from typing import Any

import torc_models as m
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.lifecycle import spawn


@operation("spawn_jobs")
def spawn_jobs(
    ctx: ServerContext, id: int, spawn_jobs_request: m.SpawnJobsRequest
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        spawned = spawn.spawn_jobs(conn, id, spawn_jobs_request)
    if spawned.flagged:
        ctx.unblocker.wake(spawned.workflow_id)
    return spawned.response()
