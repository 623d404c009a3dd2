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


# One query for all three parts (a few hundred microseconds less per completing request
# than three); per job, the command comes first, then files, then user data, by ID.
INPUTS = """
SELECT id AS job_id, 0 AS kind, 0 AS ref, command AS text, invocation_script AS extra,
       CAST(NULL AS DOUBLE PRECISION) AS mtime
FROM job WHERE id IN :ids
UNION ALL
SELECT l.job_id, 1, f.id, NULL, NULL, f.st_mtime
FROM job_input_file l JOIN file f ON f.id = l.file_id WHERE l.job_id IN :ids
UNION ALL
SELECT l.job_id, 2, u.id, u.data, NULL, NULL
FROM job_input_user_data l JOIN user_data u ON u.id = l.user_data_id WHERE l.job_id IN :ids
ORDER BY job_id, kind, ref
"""


def _part(row: Any) -> str:
    if row.kind == 0:
        return f"cmd:{row.text}\x00{row.extra or ''}"
    if row.kind == 1:
        return f"file:{row.ref}:{row.mtime!r}"
    return f"data:{row.ref}:{row.text}"


def current_input_hashes(conn: Connection, job_ids: list[int]) -> dict[int, str]:
    parts: dict[int, list[str]] = defaultdict(list)
    for row in _query(conn, INPUTS, job_ids):
        parts[row.job_id].append(_part(row))
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
