"""A workflow's status row (run ID, canceled and archived flags)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from torc_server.db.sql import sql
from torc_server.errors import Conflict, NotFound
from torc_server.resources import T

STATUS = T["workflow_status"]


def status_row(conn: Connection, workflow_id: int) -> Any:
    """The status row (created with its workflow, so none means no such workflow)."""
    row = (
        conn.execute(
            sql("SELECT * FROM workflow_status WHERE workflow_id = :w"), {"w": workflow_id}
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"workflow {workflow_id} does not exist")
    return row


def require_not_archived(conn: Connection, workflow_id: int, message: str) -> Any:
    status = status_row(conn, workflow_id)
    if status["is_archived"]:
        raise Conflict(message)
    return status
