"""Workflow actions: when each trigger fires, and claiming them so each runs once.

Triggers: ``on_workflow_start``, ``on_worker_start`` and ``on_worker_complete`` are armed
by initialization; ``on_jobs_ready`` fires when all its jobs have reached ready (or moved
on past it); ``on_jobs_complete`` when all its jobs are finished; ``on_workflow_complete``
when every job of the workflow is. Trigger counts are computed from job states when asked,
so reinitialization needs only to clear the executed flags. Persistent actions (the
worker triggers by default) may be claimed by every worker; others by the first only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, text

from torc_server.lifecycle.unblock import workflow_is_done
from torc_server.wire import DONE, PENDING, PENDING_FAILED, READY, RUNNING

TRIGGERS = (
    "on_workflow_start",
    "on_workflow_complete",
    "on_jobs_ready",
    "on_jobs_complete",
    "on_worker_start",
    "on_worker_complete",
)
ARMED_BY_INITIALIZATION = ("on_workflow_start", "on_worker_start", "on_worker_complete")
PERSISTENT_BY_DEFAULT = ("on_worker_start", "on_worker_complete")
REACHED_READY = (READY, PENDING, RUNNING, PENDING_FAILED, *DONE)


def reset_actions(conn: Connection, workflow_id: int) -> None:
    """Initialization re-arms every action and drops recovery actions."""
    params = {"w": workflow_id, "no": False, "yes": True}
    conn.execute(
        text("DELETE FROM workflow_action WHERE workflow_id = :w AND is_recovery = :yes"), params
    )
    conn.execute(
        text(
            "UPDATE workflow_action SET executed = :no, executed_at = NULL, executed_by = NULL, "
            "trigger_count = CASE WHEN trigger_type IN :armed THEN required_triggers ELSE 0 END "
            "WHERE workflow_id = :w"
        ).bindparams(bindparam("armed", expanding=True)),
        {**params, "armed": list(ARMED_BY_INITIALIZATION)},
    )


def _job_ids(action: Mapping[Any, Any]) -> list[int]:
    return list(orjson.loads(action["job_ids"])) if action["job_ids"] else []


def trigger_count(conn: Connection, action: Mapping[Any, Any]) -> int:
    """How many of the action's required triggers have happened so far."""
    kind = action["trigger_type"]
    if kind in ("on_jobs_ready", "on_jobs_complete"):
        ids = _job_ids(action)
        if not ids:
            return 0
        statuses = REACHED_READY if kind == "on_jobs_ready" else DONE
        statement = text("SELECT COUNT(*) FROM job WHERE id IN :ids AND status IN :statuses")
        statement = statement.bindparams(
            bindparam("ids", expanding=True), bindparam("statuses", expanding=True)
        )
        return int(conn.execute(statement, {"ids": ids, "statuses": list(statuses)}).scalar_one())
    if kind == "on_workflow_complete":
        return 1 if workflow_is_done(conn, action["workflow_id"]) else 0
    return int(action["trigger_count"])


def is_pending(conn: Connection, action: Mapping[Any, Any]) -> bool:
    if action["executed"] and not action["persistent"]:
        return False
    return trigger_count(conn, action) >= int(action["required_triggers"])


def default_required_triggers(trigger_type: str, job_ids: list[int] | None) -> int:
    if trigger_type in ("on_jobs_ready", "on_jobs_complete"):
        return max(1, len(job_ids or []))
    return 1


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
