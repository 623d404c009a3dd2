"""Initialization: build the dependency graph and decide which jobs are ready.

Explicit dependencies are stored as given; implicit ones (a job reads a file or user-data
record that another job writes) are rebuilt here on every initialization. A cycle is
refused with the jobs that form it. Each uninitialized job then gets ``blocked_by`` (its
unfinished blockers) and becomes ``ready`` (none) or ``blocked``; a job whose blocker
already failed is canceled, unless it opted out with ``cancel_on_blocking_job_failure``.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from sqlalchemy import Connection, bindparam, text

from torc_server.errors import Conflict
from torc_server.lifecycle import events
from torc_server.lifecycle.actions import reset_actions
from torc_server.lifecycle.unblock import detect_completion, process_pending
from torc_server.wire import CANCELED, DISABLED, STATUS_NAMES

FLAGS = {"no": False, "yes": True}

IMPLICIT_EDGES = """
INSERT INTO job_depends_on (job_id, depends_on_job_id, workflow_id, implicit)
SELECT DISTINCT i.job_id, o.job_id, :w, :yes
FROM {inputs} i JOIN {outputs} o ON o.{column} = i.{column}
WHERE i.workflow_id = :w AND i.job_id <> o.job_id
ON CONFLICT DO NOTHING
"""

COUNT_BLOCKERS = """
UPDATE job SET blocked_by = (
    SELECT COUNT(*) FROM job_depends_on d JOIN job b ON b.id = d.depends_on_job_id
    WHERE d.job_id = job.id
      AND b.status NOT IN (5, 9)
      AND NOT (COALESCE(job.cancel_on_blocking_job_failure, :yes) = :no AND b.status IN (6, 7, 8)))
WHERE workflow_id = :w AND status = 0
"""

CANCEL_AFTER_FAILED_BLOCKER = f"""
UPDATE job SET status = {CANCELED}, unblocking_processed = :no
WHERE workflow_id = :w AND status = 0 AND COALESCE(cancel_on_blocking_job_failure, :yes) = :yes
  AND EXISTS (SELECT 1 FROM job_depends_on d JOIN job b ON b.id = d.depends_on_job_id
              WHERE d.job_id = job.id AND b.status IN (6, 7, 8))
"""

DECIDE = """
UPDATE job SET status = CASE WHEN blocked_by <= 0 THEN 2 ELSE 1 END, unblocking_processed = :yes
WHERE workflow_id = :w AND status = 0
"""


def rebuild_implicit_edges(conn: Connection, workflow_id: int) -> None:
    params = {"w": workflow_id, **FLAGS}
    conn.execute(
        text("DELETE FROM job_depends_on WHERE workflow_id = :w AND implicit = :yes"), params
    )
    for kind, column in (("file", "file_id"), ("user_data", "user_data_id")):
        sql = IMPLICIT_EDGES.format(
            inputs=f"job_input_{kind}", outputs=f"job_output_{kind}", column=column
        )
        conn.execute(text(sql), params)


def find_cycle(edges: list[tuple[int, int]]) -> list[int] | None:
    """Return job IDs along one dependency cycle, or None (Kahn's algorithm)."""
    blockers: dict[int, list[int]] = defaultdict(list)
    dependents: dict[int, list[int]] = defaultdict(list)
    for job, blocker in edges:
        blockers[job].append(blocker)
        dependents[blocker].append(job)
    waiting = {job: len(b) for job, b in blockers.items()}
    queue = deque(node for node in dependents if node not in waiting)
    while queue:
        for job in dependents[queue.popleft()]:
            waiting[job] -= 1
            if waiting[job] == 0:
                queue.append(job)
    stuck = {job for job, count in waiting.items() if count > 0}
    if not stuck:
        return None
    path: list[int] = []
    seen: dict[int, int] = {}
    node = min(stuck)
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(b for b in blockers[node] if b in stuck)
    cycle = path[seen[node] :]
    return [*reversed(cycle), cycle[-1]]


def check_cycles(conn: Connection, workflow_id: int) -> None:
    edges = conn.execute(
        text("SELECT job_id, depends_on_job_id FROM job_depends_on WHERE workflow_id = :w"),
        {"w": workflow_id},
    ).all()
    cycle = find_cycle([(row[0], row[1]) for row in edges])
    if cycle is None:
        return
    names = dict(_names(conn, sorted(set(cycle))))
    chain = " -> ".join(f"{names[j]} ({j})" for j in cycle)
    raise Conflict(
        f"workflow {workflow_id} has a dependency cycle: {chain}; each job waits for the next"
    )


def _names(conn: Connection, ids: list[int]) -> list[tuple[int, str]]:
    statement = text("SELECT id, name FROM job WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    return [(row.id, row.name) for row in conn.execute(statement, {"ids": ids})]


def settle_uninitialized(conn: Connection, workflow_id: int) -> None:
    """Give every uninitialized job of the workflow its blocker count and status."""
    params = {"w": workflow_id, **FLAGS}
    conn.execute(text(COUNT_BLOCKERS), params)
    conn.execute(text(CANCEL_AFTER_FAILED_BLOCKER), params)
    conn.execute(text(DECIDE), params)


def refresh_statistics(conn: Connection) -> None:
    """PostgreSQL plans claims from table statistics, which a bulk initialization leaves
    stale until autovacuum's next pass (a minute or more): meanwhile every claim sorts all
    ready jobs (~100 ms at 100,000) instead of reading a few from ``ix_job_claim``."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE job"))


def status_counts(conn: Connection, workflow_id: int) -> dict[str, int]:
    rows = conn.execute(
        text("SELECT status, COUNT(*) FROM job WHERE workflow_id = :w GROUP BY status"),
        {"w": workflow_id},
    ).all()
    return {STATUS_NAMES[status]: count for status, count in rows}


def initialize(
    conn: Connection, workflow_id: int, *, only_uninitialized: bool, clear_ephemeral: bool
) -> dict[str, Any]:
    process_pending(conn)  # counts below must not race with unapplied completions
    params = {"w": workflow_id, **FLAGS}
    if clear_ephemeral:
        conn.execute(
            text("UPDATE user_data SET data = NULL WHERE workflow_id = :w AND is_ephemeral = :yes"),
            params,
        )
    if not only_uninitialized:
        conn.execute(
            text(f"UPDATE job SET status = 0 WHERE workflow_id = :w AND status <> {DISABLED}"),
            params,
        )
    rebuild_implicit_edges(conn, workflow_id)
    check_cycles(conn, workflow_id)
    settle_uninitialized(conn, workflow_id)
    refresh_statistics(conn)
    reset_actions(conn, workflow_id)
    conn.execute(
        text(
            "UPDATE workflow_status SET is_canceled = :no, "
            "has_detected_need_to_run_completion_script = :no WHERE workflow_id = :w"
        ),
        params,
    )
    counts = status_counts(conn, workflow_id)
    events.record(
        conn,
        workflow_id,
        "workflow",
        "initialized",
        f"initialized jobs: {counts.get('ready', 0)} ready, {counts.get('blocked', 0)} blocked",
        job_counts=counts,
    )
    detect_completion(conn, workflow_id)
    return {"workflow_id": workflow_id, "message": "initialized", "job_counts": counts}
