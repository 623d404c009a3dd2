"""A workflow's status row (run ID, canceled and archived flags)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from torc_server.crud import require_workflow
from torc_server.errors import Conflict
from torc_server.resources import T

STATUS = T["workflow_status"]


def status_row(conn: Connection, workflow_id: int) -> Any:
    require_workflow(conn, workflow_id)
    return conn.execute(select(STATUS).where(STATUS.c.workflow_id == workflow_id)).mappings().one()


def require_not_archived(conn: Connection, workflow_id: int, message: str) -> Any:
    status = status_row(conn, workflow_id)
    if status["is_archived"]:
        raise Conflict(message)
    return status
