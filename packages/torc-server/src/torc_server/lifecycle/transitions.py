"""Single-job transitions: start, complete, retry and administrative status changes.

Every transition checks the workflow's current ``run_id`` (a runner from an earlier run
must not touch the new one) and the job's current status, answering 409 with what the job
is instead. Starting and completing are idempotent for a repeated request, so a client
that resends after a lost reply gets the same answer rather than an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

import torc_models as m
from torc_server.db.sql import sql
from torc_server.errors import Conflict
from torc_server.lifecycle import events, reports
from torc_server.lifecycle.initialize import settle_uninitialized
from torc_server.lifecycle.jobstore import get_job_row, to_wire
from torc_server.wire import (
    CANCELED,
    DONE,
    FAILED,
    PENDING_FAILED,
    READY,
    RUNNING,
    STATUS_NAMES,
    TERMINATED,
    UNINITIALIZED,
    load_json,
    status_code,
)

RETRYABLE = (RUNNING, FAILED, TERMINATED, PENDING_FAILED)


def job_for_transition(
    conn: Connection, job_id: int, run_id: int, workflow_id: int | None = None
) -> Mapping[Any, Any]:
    """The job with its workflow's current run, after checking the request may touch it;
    everything is checked before anything is written, so a refusal leaves no trace."""
    return reports.check(reports.read_jobs(conn, [job_id]).get(job_id), job_id, run_id, workflow_id)


def _set(conn: Connection, job_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    conn.execute(
        sql(f"UPDATE job SET {assignments} WHERE id = :job_id"), {**values, "job_id": job_id}
    )


def start(
    conn: Connection, job_id: int, run_id: int, compute_node_id: int, workflow_id: int | None = None
) -> dict[str, Any]:
    outcome = reports.start_jobs(conn, [job_id], run_id, compute_node_id, workflow_id)
    outcome.raise_refusal()
    return to_wire(outcome.jobs[0])


def complete(
    conn: Connection,
    job_id: int,
    status: m.JobStatus,
    run_id: int,
    result: m.ResultModel,
    workflow_id: int | None = None,
) -> dict[str, Any]:
    """Store the result and the final status; dependents are settled by the unblocker."""
    completion = reports.Completion(job_id, status, run_id, result)
    outcome = reports.complete_jobs(conn, [completion], workflow_id)
    outcome.raise_refusal()
    return to_wire(outcome.jobs[0])


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


DEFAULT_MAX_RETRIES = 3


def handler_max_retries(conn: Connection, job: Mapping[str, Any]) -> int:
    """The retry limit of the job's failure handler rule for its latest return code (the
    rule naming that code, else a match-all rule); 3 without one."""
    if job["failure_handler_id"] is None:
        return DEFAULT_MAX_RETRIES
    rules = conn.execute(
        sql("SELECT rules FROM failure_handler WHERE id = :id"), {"id": job["failure_handler_id"]}
    ).scalar()
    code = conn.execute(
        sql("SELECT return_code FROM result WHERE job_id = :id ORDER BY id DESC LIMIT 1"),
        {"id": job["id"]},
    ).scalar()
    parsed = load_json(rules) or []
    specific = [r for r in parsed if code is not None and code in (r.get("exit_codes") or [])]
    rule = next(iter(specific or [r for r in parsed if r.get("match_all_exit_codes")]), None)
    limit = rule.get("max_retries") if rule else None
    return DEFAULT_MAX_RETRIES if limit is None else int(limit)


def retry(conn: Connection, job_id: int, run_id: int, max_retries: int | None) -> dict[str, Any]:
    """Reserve the next attempt: back to ready with ``attempt_id + 1``, if attempts remain
    (``max_retries`` None: the limit of the job's failure handler)."""
    job = job_for_transition(conn, job_id, run_id)
    if max_retries is None:
        max_retries = handler_max_retries(conn, job)
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
