"""What job runners report, applied in batches: jobs that started and jobs that finished.

A runner reports several jobs per request; each batch reads its jobs in one query and
writes them in one statement per kind of change, so a request's cost barely grows with
the jobs it carries. Every job is checked before anything is written (its workflow's
current ``run_id``, its status), and a refused job is returned with the reason while the
others apply. Repeating a start or a completion is accepted (a client that resends after
a lost reply gets the same answer), so a request can safely be retried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

import torc_models as m
from torc_server.db.sql import sql
from torc_server.errors import Conflict, NotFound, TorcError, Unprocessable
from torc_server.lifecycle.hashing import chunks, store_input_hashes
from torc_server.wire import (
    COMPLETED,
    DONE,
    FINAL_RESULT_STATUSES,
    PENDING,
    RUNNING,
    STATUS_NAMES,
    status_code,
)

JOBS_AND_RUNS = """
SELECT j.*, s.run_id AS current_run_id FROM job j
JOIN workflow_status s ON s.workflow_id = j.workflow_id WHERE j.id IN :ids
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
    "oom_killed",
)
INSERT_RESULT = (
    f"INSERT INTO result ({', '.join(RESULT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in RESULT_COLUMNS)})"
)
NODE_EXISTS = "SELECT 1 FROM compute_node WHERE id = :id"
DEPENDED_ON = (
    "SELECT DISTINCT depends_on_job_id FROM job_depends_on WHERE depends_on_job_id IN :ids"
)
SAME_RESULT = "SELECT 1 FROM result WHERE job_id = :job AND run_id = :run AND attempt_id = :attempt"


@dataclass
class Completion:
    job_id: int
    status: m.JobStatus
    run_id: int
    result: m.ResultModel


@dataclass
class Outcome:
    """The jobs a batch changed (rows as they are now) and the ones it refused."""

    jobs: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[int, TorcError]] = field(default_factory=list)
    flagged: bool = False
    """Some finished job is left for the unblocker (a job waits for it)."""

    def raise_refusal(self) -> None:
        if self.refused:
            raise self.refused[0][1]


def read_jobs(
    conn: Connection, job_ids: Iterable[int], *, lock: bool = False
) -> dict[int, Mapping[Any, Any]]:
    """The jobs with their workflow's current run. ``lock``: on PostgreSQL, hold their rows
    until commit, so that a spawn_jobs adding dependents to one of them applies wholly
    before or after this transaction reads the dependents (SQLite has one writer anyway)."""
    query = JOBS_AND_RUNS
    if lock and conn.dialect.name == "postgresql":
        query += " ORDER BY j.id FOR UPDATE OF j"
    rows: dict[int, Mapping[Any, Any]] = {}
    for part in chunks(sorted(set(job_ids))):
        for row in conn.execute(sql(query, "ids"), {"ids": part}).mappings():
            rows[row["id"]] = row
    return rows


def check(
    row: Mapping[Any, Any] | None, job_id: int, run_id: int, workflow_id: int | None
) -> Mapping[Any, Any]:
    """The job, if a request for ``run_id`` (and ``workflow_id``, when given) may touch it."""
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


def start_jobs(
    conn: Connection,
    job_ids: Sequence[int],
    run_id: int,
    compute_node_id: int,
    workflow_id: int | None = None,
    *,
    node_checked: bool = False,
) -> Outcome:
    """Claimed (``pending``) jobs are now running on ``compute_node_id`` (whose existence
    the caller may have checked already: ``node_checked``)."""
    outcome = Outcome()
    if not job_ids:
        return outcome
    if not node_checked and conn.execute(sql(NODE_EXISTS), {"id": compute_node_id}).first() is None:
        missing = NotFound(f"compute node {compute_node_id} does not exist")
        return Outcome(refused=[(job_id, missing) for job_id in job_ids])
    rows = read_jobs(conn, job_ids)
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    to_start: list[int] = []
    for job_id in job_ids:
        try:
            row = check(rows.get(job_id), job_id, run_id, workflow_id)
            if row["status"] == RUNNING and row["active_compute_node_id"] == compute_node_id:
                outcome.jobs.append(dict(row))  # a resent start
                continue
            if row["status"] != PENDING:
                raise Conflict(
                    f"job {job_id} is {STATUS_NAMES[row['status']]}; only a pending (claimed) "
                    "job can start"
                )
        except TorcError as exc:
            outcome.refused.append((job_id, exc))
            continue
        started = {
            **row,
            "status": RUNNING,
            "active_compute_node_id": compute_node_id,
            "start_time": now,
        }
        rows[job_id] = started
        to_start.append(job_id)
        outcome.jobs.append(started)
    for part in chunks(to_start):
        conn.execute(
            sql(
                f"UPDATE job SET status = {RUNNING}, active_compute_node_id = :node, "
                "start_time = :now WHERE id IN :ids",
                "ids",
            ),
            {"ids": part, "node": compute_node_id, "now": now},
        )
    return outcome


def _refuse_completion(completion: Completion, code: int) -> None:
    if code not in FINAL_RESULT_STATUSES:
        finals = ", ".join(STATUS_NAMES[c] for c in FINAL_RESULT_STATUSES)
        raise Unprocessable(
            f"cannot complete job {completion.job_id} as {completion.status.value}; use one of "
            f"{finals}"
        )
    if completion.result.job_id != completion.job_id:
        raise Unprocessable(
            f"result is for job {completion.result.job_id}, not job {completion.job_id}"
        )


def _result_values(row: Mapping[Any, Any], completion: Completion, code: int) -> dict[str, Any]:
    result = completion.result
    return {
        "workflow_id": row["workflow_id"],
        "job_id": completion.job_id,
        "run_id": completion.run_id,
        "attempt_id": row["attempt_id"],
        "compute_node_id": result.compute_node_id,
        "return_code": result.return_code,
        "status": code,
        "exec_time_minutes": result.exec_time_minutes,
        "completion_time": result.completion_time,
        "peak_cpu_percent": result.peak_cpu_percent,
        "avg_cpu_percent": result.avg_cpu_percent,
        "peak_memory_bytes": result.peak_memory_bytes,
        "avg_memory_bytes": result.avg_memory_bytes,
        "oom_killed": result.oom_killed,
    }


def complete_jobs(
    conn: Connection, completions: Sequence[Completion], workflow_id: int | None = None
) -> Outcome:
    """Store each result and final status, and what each completed job ran with (so a
    later change of an input is seen however soon it follows); dependents are settled by
    the unblocker."""
    outcome = Outcome()
    rows = read_jobs(conn, (c.job_id for c in completions), lock=True)
    results: list[dict[str, Any]] = []
    by_status: dict[int, list[int]] = defaultdict(list)
    stored: set[int] = set()
    for completion in completions:
        job_id = completion.job_id
        try:
            code = status_code(completion.status)
            _refuse_completion(completion, code)
            row = check(rows.get(job_id), job_id, completion.run_id, workflow_id)
            if row["status"] == code and (
                job_id in stored or _is_resent(conn, row, completion.run_id)
            ):
                outcome.jobs.append(dict(row))
                continue
            if row["status"] not in (PENDING, RUNNING):
                raise Conflict(
                    f"job {job_id} is {STATUS_NAMES[row['status']]}; only a pending or running "
                    "job can be completed"
                )
        except TorcError as exc:
            outcome.refused.append((job_id, exc))
            continue
        results.append(_result_values(row, completion, code))
        by_status[code].append(job_id)
        stored.add(job_id)
        finished = {**row, "status": code, "active_compute_node_id": None, "start_time": None}
        rows[job_id] = finished
        outcome.jobs.append(finished)
    if results:
        conn.execute(sql(INSERT_RESULT), results)
    waited_for = _with_dependents(
        conn, [i for code, ids in by_status.items() if code in DONE for i in ids]
    )
    for code, ids in by_status.items():
        # Only a finish someone waits for needs the unblocker (see torc_server.unblocker).
        for processed in (True, False):
            group = [i for i in ids if (code not in DONE or i not in waited_for) == processed]
            outcome.flagged = outcome.flagged or (bool(group) and not processed)
            for part in chunks(group):
                conn.execute(
                    sql(
                        "UPDATE job SET status = :status, unblocking_processed = :processed, "
                        "active_compute_node_id = NULL, start_time = NULL WHERE id IN :ids",
                        "ids",
                    ),
                    {"ids": part, "status": code, "processed": processed},
                )
    store_input_hashes(conn, by_status.get(COMPLETED, []))
    return outcome


def _with_dependents(conn: Connection, job_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(job_ids):
        rows = conn.execute(sql(DEPENDED_ON, "ids"), {"ids": part})
        found.update(row.depends_on_job_id for row in rows)
    return found


def _is_resent(conn: Connection, row: Mapping[Any, Any], run_id: int) -> bool:
    """This completion was already stored (same job, run and attempt)."""
    params = {"job": row["id"], "run": run_id, "attempt": row["attempt_id"]}
    return conn.execute(sql(SAME_RESULT), params).first() is not None
