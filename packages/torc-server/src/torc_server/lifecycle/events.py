"""Workflow events: the audit log that ``torc events`` and the dashboard read."""

from __future__ import annotations

import time
from typing import Any

import orjson
from sqlalchemy import Connection, text


def now_ms() -> int:
    return int(time.time() * 1000)


def record(
    conn: Connection, workflow_id: int, category: str, kind: str, message: str, **data: Any
) -> None:
    payload = {"category": category, "type": kind, "message": message, **data}
    conn.execute(
        text(
            "INSERT INTO event (workflow_id, timestamp, category, data) "
            "VALUES (:w, :ts, :category, :data)"
        ),
        {
            "w": workflow_id,
            "ts": now_ms(),
            "category": category,
            "data": orjson.dumps(payload).decode(),
        },
    )
