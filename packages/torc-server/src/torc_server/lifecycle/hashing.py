"""What a job ran with, as one SHA-256: command, input files' mtimes, input user data.

Stored when a job completes; ``process_changed_job_inputs`` recomputes it and reruns the
jobs whose inputs changed since.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection

from torc_server.db.sql import sql

CHUNK = 500


def chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _query(conn: Connection, statement: str, ids: list[int]) -> Iterable[Any]:
    for part in chunks(ids):
        yield from conn.execute(sql(statement, "ids"), {"ids": part})


def current_input_hashes(conn: Connection, job_ids: list[int]) -> dict[int, str]:
    if not job_ids:
        return {}
    parts: dict[int, list[str]] = defaultdict(list)
    for row in _query(
        conn, "SELECT id, command, invocation_script FROM job WHERE id IN :ids", job_ids
    ):
        parts[row.id].append(f"cmd:{row.command}\x00{row.invocation_script or ''}")
    files = (
        "SELECT l.job_id, f.id, f.st_mtime FROM job_input_file l JOIN file f ON f.id = l.file_id "
        "WHERE l.job_id IN :ids ORDER BY l.job_id, f.id"
    )
    for row in _query(conn, files, job_ids):
        parts[row.job_id].append(f"file:{row.id}:{row.st_mtime!r}")
    data = (
        "SELECT l.job_id, u.id, u.data FROM job_input_user_data l "
        "JOIN user_data u ON u.id = l.user_data_id WHERE l.job_id IN :ids ORDER BY l.job_id, u.id"
    )
    for row in _query(conn, data, job_ids):
        parts[row.job_id].append(f"data:{row.id}:{row.data}")
    return {
        job_id: hashlib.sha256("\x01".join(items).encode()).hexdigest()
        for job_id, items in parts.items()
    }


def store_input_hashes(conn: Connection, job_ids: list[int]) -> None:
    hashes = current_input_hashes(conn, job_ids)
    if hashes:
        conn.execute(
            sql("UPDATE job SET input_hash = :h WHERE id = :id"),
            [{"h": h, "id": job_id} for job_id, h in hashes.items()],
        )
