"""Single-job transitions: start, complete, retry and administrative status changes.

Every transition checks the workflow's current ``run_id`` (a runner from an earlier run
must not touch the new one) and the job's current status, answering 409 with what the job
is instead. Starting and completing are idempotent for a repeated request, so a client
that resends after a lost reply gets the same answer rather than an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

import torc_models as m
from torc_server.db.sql import sql
from torc_server.errors import Conflict, NotFound, Unprocessable
from torc_server.lifecycle import events
from torc_server.lifecycle.hashing import store_input_hashes
from torc_server.lifecycle.initialize import settle_uninitialized
from torc_server.lifecycle.jobstore import get_job_row, to_wire
from torc_server.resources import T
from torc_server.wire import (
    CANCELED,
    DONE,
    FAILED,
    FINAL_RESULT_STATUSES,
    PENDING,
    PENDING_FAILED,
    READY,
    RUNNING,
    STATUS_NAMES,
    TERMINATED,
    UNINITIALIZED,
    status_code,
)

JOB_AND_RUN = """
SELECT j.*, s.run_id AS current_run_id, s.is_archived AS workflow_archived
FROM job j JOIN workflow_status s ON s.workflow_id = j.workflow_id WHERE j.id = :id
"""
RESULT_COLUMNS = (
    "workflow_id",
    "job_id",
    "run_id",
    "attempt_id",
    "compute_node_id",
    "return_code",
    "status",
    "exec_time_minutes",
    "completion_time",
    "peak_cpu_percent",
    "avg_cpu_percent",
    "peak_memory_bytes",
    "avg_memory_bytes",
)
INSERT_RESULT = (
    f"INSERT INTO result ({', '.join(RESULT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in RESULT_COLUMNS)})"
)
RETRYABLE = (RUNNING, FAILED, TERMINATED, PENDING_FAILED)


def job_for_transition(
    conn: Connection, job_id: int, run_id: int, workflow_id: int | None = None
) -> Mapping[Any, Any]:
    """The job with its workflow's current run, after checking the request may touch it;
    everything is checked before anything is written, so a refusal leaves no trace."""
    row = conn.execute(sql(JOB_AND_RUN), {"id": job_id}).mappings().first()
    if row is None:
        raise NotFound(f"job {job_id} does not exist")
    if workflow_id is not None and row["workflow_id"] != workflow_id:
        raise Unprocessable(f"job {job_id} is not in workflow {workflow_id}")
    if row["current_run_id"] != run_id:
        raise Conflict(
            f"job {job_id}: run_id {run_id} is stale; workflow {row['workflow_id']} is on run "
            f"{row['current_run_id']}"
        )
    return row


def _set(conn: Connection, job_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    conn.execute(
        sql(f"UPDATE job SET {assignments} WHERE id = :job_id"), {**values, "job_id": job_id}
    )


def start(
    conn: Connection, job_id: int, run_id: int, compute_node_id: int, workflow_id: int | None = None
) -> dict[str, Any]:
    job = job_for_transition(conn, job_id, run_id, workflow_id)
    if job["status"] == RUNNING and job["active_compute_node_id"] == compute_node_id:
        return to_wire(job)
    if job["status"] != PENDING:
        raise Conflict(
            f"job {job_id} is {STATUS_NAMES[job['status']]}; only a pending (claimed) job can start"
        )
    exists = sql("SELECT 1 FROM compute_node WHERE id = :id")
    if conn.execute(exists, {"id": compute_node_id}).first() is None:
        raise NotFound(f"compute node {compute_node_id} does not exist")
    _set(conn, job_id, status=RUNNING, active_compute_node_id=compute_node_id)
    return {**to_wire(job), "status": "running", "active_compute_node_id": compute_node_id}


def _same_result_exists(conn: Connection, job: Mapping[Any, Any], run_id: int) -> bool:
    result = T["result"]
    found = conn.execute(
        select(result.c.id).where(
            result.c.job_id == job["id"],
            result.c.run_id == run_id,
            result.c.attempt_id == job["attempt_id"],
        )
    ).first()
    return found is not None


def complete(
    conn: Connection,
    job_id: int,
    status: m.JobStatus,
    run_id: int,
    result: m.ResultModel,
    workflow_id: int | None = None,
) -> dict[str, Any]:
    """Store the result and the final status; dependents are settled by the unblocker."""
    code = status_code(status)
    if code not in FINAL_RESULT_STATUSES:
        finals = ", ".join(STATUS_NAMES[c] for c in FINAL_RESULT_STATUSES)
        raise Unprocessable(f"cannot complete job {job_id} as {status.value}; use one of {finals}")
    if result.job_id != job_id:
        raise Unprocessable(f"result is for job {result.job_id}, not job {job_id}")
    job = job_for_transition(conn, job_id, run_id, workflow_id)
    if job["status"] == code and _same_result_exists(conn, job, run_id):
        return to_wire(job)  # a resent completion
    if job["status"] not in (PENDING, RUNNING):
        raise Conflict(
            f"job {job_id} is {STATUS_NAMES[job['status']]}; only a pending or running job can "
            "be completed"
        )
    conn.execute(
        sql(INSERT_RESULT),
        {
            "workflow_id": job["workflow_id"],
            "job_id": job_id,
            "run_id": run_id,
            "attempt_id": job["attempt_id"],
            "compute_node_id": result.compute_node_id,
            "return_code": result.return_code,
            "status": code,
            "exec_time_minutes": result.exec_time_minutes,
            "completion_time": result.completion_time,
            "peak_cpu_percent": result.peak_cpu_percent,
            "avg_cpu_percent": result.avg_cpu_percent,
            "peak_memory_bytes": result.peak_memory_bytes,
            "avg_memory_bytes": result.avg_memory_bytes,
        },
    )
    _set(conn, job_id, status=code, unblocking_processed=code not in DONE)
    return {**to_wire(job), "status": status.value}


def record_inputs(conn: Connection, jobs: list[dict[str, Any]]) -> None:
    """Remember what completed jobs ran with, in the transaction that completes them, so
    that a later change of an input is seen however soon it follows."""
    store_input_hashes(conn, [job["id"] for job in jobs if job["status"] == "completed"])


def revive_dependents(conn: Connection, job_id: int) -> None:
    """A failed job runs again: the dependents its failure canceled wait for it again."""
    revived: set[int] = set()
    frontier = [job_id]
    statement = sql(
        "SELECT j.id FROM job_depends_on d JOIN job j ON j.id = d.job_id "
        f"WHERE d.depends_on_job_id IN :ids AND j.status = {CANCELED}",
        "ids",
    )
    while frontier:
        found = [
            row.id for row in conn.execute(statement, {"ids": frontier}) if row.id not in revived
        ]
        revived.update(found)
        frontier = found
    if revived:
        conn.execute(
            sql(f"UPDATE job SET status = {UNINITIALIZED} WHERE id IN :ids", "ids"),
            {"ids": sorted(revived)},
        )
        workflow_id = get_job_row(conn, job_id)["workflow_id"]
        settle_uninitialized(conn, workflow_id)


def retry(conn: Connection, job_id: int, run_id: int, max_retries: int) -> dict[str, Any]:
    """Reserve the next attempt: back to ready with ``attempt_id + 1``, if attempts remain."""
    job = job_for_transition(conn, job_id, run_id)
    if job["status"] not in RETRYABLE:
        allowed = ", ".join(STATUS_NAMES[s] for s in RETRYABLE)
        raise Conflict(
            f"job {job_id} is {STATUS_NAMES[job['status']]}; only {allowed} jobs can be retried"
        )
    if job["attempt_id"] >= max_retries:
        raise Conflict(
            f"job {job_id} has used attempt {job['attempt_id']} of max_retries={max_retries}; "
            "no retry left"
        )
    attempt = job["attempt_id"] + 1
    _set(conn, job_id, status=READY, attempt_id=attempt, unblocking_processed=True)
    if job["status"] in (FAILED, TERMINATED) and job["unblocking_processed"]:
        revive_dependents(conn, job_id)
    events.record(
        conn,
        job["workflow_id"],
        "job",
        "retry",
        f"job {job_id} retried (attempt {attempt})",
        job_id=job_id,
        attempt_id=attempt,
    )
    return {**to_wire(job), "status": "ready", "attempt_id": attempt}


def change_status(
    conn: Connection, job_id: int, status: m.JobStatus, run_id: int
) -> dict[str, Any]:
    """An administrative change (e.g. classifying a pending_failed job); completions of
    running jobs go through :func:`complete` instead, which stores their result."""
    job = job_for_transition(conn, job_id, run_id)
    code = status_code(status)
    apply_status(conn, job, code)
    events.record(
        conn,
        job["workflow_id"],
        "job",
        "status_change",
        f"job {job_id}: {STATUS_NAMES[job['status']]} -> {status.value}",
        job_id=job_id,
        old_status=STATUS_NAMES[job["status"]],
        new_status=status.value,
    )
    return {**to_wire(job), "status": status.value}


def apply_status(conn: Connection, job: Mapping[Any, Any], code: int) -> None:
    """Set a status and keep dependents consistent with it."""
    old = job["status"]
    if code == old:
        return
    _set(conn, job["id"], status=code, unblocking_processed=code not in DONE)
    if old in DONE and code not in DONE:
        revive_dependents(conn, job["id"])
