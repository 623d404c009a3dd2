"""Apply finished jobs to their dependents, in batches (run by the unblocker thread).

Each blocked job keeps ``blocked_by``, the number of its blockers whose finish has not
been applied yet. A pass takes every job flagged ``unblocking_processed = False`` and:

* cancels blocked dependents of failed, canceled or terminated jobs (unless the dependent
  set ``cancel_on_blocking_job_failure`` to false), flagging them in turn so the
  cancellation cascades in the next round of the same pass;
* decrements the counters of the other dependents, and makes those at zero ``ready``;
* records the input hash of each completed job, for change detection on reinitialize;
* detects workflows that are now complete.

The batch is an explicit list of job IDs in a temporary table, so completions that
arrive while a pass runs are left for the next pass, never half-applied.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection

from torc_server.db.sql import sql
from torc_server.lifecycle import events
from torc_server.wire import (
    CANCELED,
    COMPLETED,
    DISABLED,
    FAILED,
    NOT_DONE,
    PENDING,
    READY,
    RUNNING,
    TERMINATED,
)

logger = logging.getLogger(__name__)

FAILED_LIKE = (FAILED, CANCELED, TERMINATED)
SATISFYING = (COMPLETED, DISABLED)
MAX_ROUNDS = 10_000


def _in(values: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def _prepare_batch_table(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS torc_batch "
            "(id INTEGER PRIMARY KEY, status INTEGER, workflow_id INTEGER)"
        )
    else:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS torc_batch "
            "(id BIGINT PRIMARY KEY, status INTEGER, workflow_id INTEGER) ON COMMIT DELETE ROWS"
        )


def _take_batch(conn: Connection) -> list[Any]:
    lock = " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""
    rows = conn.execute(
        sql(f"SELECT id, status, workflow_id FROM job WHERE unblocking_processed = :no{lock}"),
        {"no": False},
    ).all()
    if rows:
        conn.exec_driver_sql("DELETE FROM torc_batch")
        conn.execute(
            sql("INSERT INTO torc_batch (id, status, workflow_id) VALUES (:id, :status, :wf)"),
            [{"id": r.id, "status": r.status, "wf": r.workflow_id} for r in rows],
        )
    return list(rows)


# "IN (SELECT id FROM torc_batch)" steers SQLite to look the batch's edges up through the
# index on depends_on_job_id; a plain join made it scan every edge of the database on each
# pass (100,000 of them in seed 004's workflow: ~10 ms per statement, most of its run).
IN_BATCH = "d.depends_on_job_id IN (SELECT id FROM torc_batch)"
DEPENDENTS = f"SELECT d.job_id FROM job_depends_on d WHERE {IN_BATCH}"

CANCEL_DEPENDENTS = f"""
UPDATE job SET status = {CANCELED}, unblocking_processed = :no
WHERE status = 1 AND COALESCE(cancel_on_blocking_job_failure, :yes) = :yes
  AND id IN (SELECT d.job_id FROM job_depends_on d JOIN torc_batch t
             ON t.id = d.depends_on_job_id WHERE {IN_BATCH} AND t.status IN {_in(FAILED_LIKE)})
"""

# Driven from the batch: each finished job finds its dependents through the index on
# depends_on_job_id, so a barrier with 25,000 blockers costs per finished blocker, not per
# edge of the barrier.
DECREMENT_DEPENDENTS = f"""
UPDATE job SET blocked_by = job.blocked_by - c.n FROM (
    SELECT d.job_id, COUNT(*) AS n FROM torc_batch t
    JOIN job_depends_on d ON d.depends_on_job_id = t.id
    JOIN job j ON j.id = d.job_id
    WHERE {IN_BATCH} AND j.status = 1
      AND (t.status IN {_in(SATISFYING)} OR j.cancel_on_blocking_job_failure = :no)
    GROUP BY d.job_id
) AS c
WHERE job.id = c.job_id
"""

READY_DEPENDENTS = (
    f"UPDATE job SET status = 2 WHERE status = 1 AND blocked_by <= 0 AND id IN ({DEPENDENTS})"
)

MARK_PROCESSED = (
    "UPDATE job SET unblocking_processed = :yes WHERE id IN (SELECT id FROM torc_batch)"
)


def process_pending(conn: Connection, check: Collection[int] = ()) -> set[int]:
    """Apply every pending finish; return the IDs of the workflows touched. The workflows
    in ``check`` are also checked for completion."""
    started = time.perf_counter()
    flags = {"no": False, "yes": True}
    touched: set[int] = set(check)
    processed = 0
    _prepare_batch_table(conn)
    for _ in range(MAX_ROUNDS):
        batch = _take_batch(conn)
        if not batch:
            break
        processed += len(batch)
        touched.update(row.workflow_id for row in batch)
        cascades = any(row.status in FAILED_LIKE for row in batch)
        if cascades:
            conn.execute(sql(CANCEL_DEPENDENTS), flags)
        conn.execute(sql(DECREMENT_DEPENDENTS), flags)
        conn.execute(sql(READY_DEPENDENTS))
        conn.execute(sql(MARK_PROCESSED), flags)
        if not cascades:  # only cancellations flag more jobs within a pass
            break
    for workflow_id in sorted(touched):
        detect_completion(conn, workflow_id)
    if processed:
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("unblocked after %d finished jobs in %.1f ms", processed, elapsed)
    return touched


def workflow_is_done(conn: Connection, workflow_id: int) -> bool:
    remaining = conn.execute(
        sql(f"SELECT 1 FROM job WHERE workflow_id = :w AND status IN {_in(NOT_DONE)} LIMIT 1"),
        {"w": workflow_id},
    ).first()
    return remaining is None


def workflow_is_stalled(conn: Connection, workflow_id: int) -> bool:
    """No job can make progress: none ready, claimed or running, and no finish unapplied."""
    return not (
        active_jobs(conn, workflow_id, (READY, PENDING, RUNNING)) or unapplied(conn, workflow_id)
    )


def active_jobs(conn: Connection, workflow_id: int, statuses: tuple[int, ...]) -> bool:
    """Some job of the workflow has one of ``statuses`` (an index lookup)."""
    found = conn.execute(
        sql(f"SELECT 1 FROM job WHERE workflow_id = :w AND status IN {_in(statuses)} LIMIT 1"),
        {"w": workflow_id},
    ).first()
    return found is not None


def unapplied(conn: Connection, workflow_id: int) -> bool:
    """Some finish of the workflow awaits the unblocker. Asked apart from the statuses:
    joined by OR, the two made SQLite scan the workflow's jobs from the oldest."""
    found = conn.execute(
        sql("SELECT 1 FROM job WHERE unblocking_processed = :no AND workflow_id = :w LIMIT 1"),
        {"w": workflow_id, "no": False},
    ).first()
    return found is not None


def detect_completion(conn: Connection, workflow_id: int) -> None:
    """Record, once per run, that every job of the workflow has finished."""
    if not workflow_is_done(conn, workflow_id):
        return
    flipped = conn.execute(
        sql(
            "UPDATE workflow_status SET has_detected_need_to_run_completion_script = :yes "
            "WHERE workflow_id = :w AND has_detected_need_to_run_completion_script = :no"
        ),
        {"w": workflow_id, "yes": True, "no": False},
    ).rowcount
    if flipped:
        logger.info("workflow_id=%d is complete", workflow_id)
        events.record(conn, workflow_id, "workflow", "complete", "all jobs have finished")
