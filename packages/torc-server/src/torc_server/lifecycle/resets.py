"""Resets and reinitialization: running (parts of) a workflow again.

* ``reset_job_status`` puts jobs back to ``uninitialized`` (all, or only the failed ones
  and the jobs their failure canceled); initialization then decides ready/blocked.
* ``reset_workflow_status`` starts a new run: ``run_id + 1``, canceled flag cleared.
* ``process_changed_job_inputs`` finds completed jobs whose inputs changed since they ran
  (input hash), whose outputs are missing (``st_mtime`` unset), and the canceled and
  terminated jobs (a wall-time end: they resume from their checkpoints), and resets them
  together with everything downstream of them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, bindparam, text

from torc_server.errors import Conflict
from torc_server.lifecycle import events
from torc_server.lifecycle.hashing import chunks, current_input_hashes
from torc_server.lifecycle.unblock import process_pending
from torc_server.lifecycle.workflow_state import require_not_archived
from torc_server.wire import (
    CANCELED,
    COMPLETED,
    DISABLED,
    FAILED,
    PENDING,
    PENDING_FAILED,
    RUNNING,
    TERMINATED,
)

RESET_WITH_FAILED = (FAILED, TERMINATED, PENDING_FAILED, CANCELED)


def _set_uninitialized(conn: Connection, job_ids: list[int]) -> None:
    statement = text(
        "UPDATE job SET status = 0, unblocking_processed = :yes WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    for part in chunks(job_ids):
        conn.execute(statement, {"ids": part, "yes": True})


def _require_not_archived(conn: Connection, workflow_id: int) -> Any:
    return require_not_archived(
        conn, workflow_id, "Cannot reset archived workflow status. Unarchive the workflow first."
    )


def reset_jobs(conn: Connection, workflow_id: int, failed_only: bool) -> dict[str, Any]:
    _require_not_archived(conn, workflow_id)
    process_pending(conn)
    statuses = RESET_WITH_FAILED if failed_only else tuple(s for s in range(11) if s != DISABLED)
    ids = list(
        conn.execute(
            text("SELECT id FROM job WHERE workflow_id = :w AND status IN :s").bindparams(
                bindparam("s", expanding=True)
            ),
            {"w": workflow_id, "s": list(statuses)},
        ).scalars()
    )
    _set_uninitialized(conn, ids)
    kind = "failed_only" if failed_only else "all"
    events.record(conn, workflow_id, "workflow", "reset_jobs", f"reset {len(ids)} jobs ({kind})")
    return {
        "workflow_id": workflow_id,
        "status": "uninitialized",
        "updated_count": len(ids),
        "reset_type": kind,
    }


def reset_workflow(conn: Connection, workflow_id: int, force: bool) -> dict[str, Any]:
    status = _require_not_archived(conn, workflow_id)
    active = conn.execute(
        text(
            f"SELECT COUNT(*) FROM job WHERE workflow_id = :w AND status IN ({PENDING}, {RUNNING})"
        ),
        {"w": workflow_id},
    ).scalar_one()
    if active and not force:
        raise Conflict(
            f"workflow {workflow_id} has {active} pending or running jobs; stop its runners "
            "first or reset with force=true"
        )
    run_id = status["run_id"] + 1
    conn.execute(
        text(
            "UPDATE workflow_status SET run_id = :run, is_canceled = :no, "
            "has_detected_need_to_run_completion_script = :no WHERE workflow_id = :w"
        ),
        {"run": run_id, "no": False, "w": workflow_id},
    )
    events.record(conn, workflow_id, "workflow", "reset", f"started run {run_id}", run_id=run_id)
    return {
        "workflow_id": workflow_id,
        "run_id": run_id,
        "message": f"workflow reset to run {run_id}",
    }


def _downstream(conn: Connection, workflow_id: int, roots: set[int]) -> set[int]:
    dependents: dict[int, list[int]] = defaultdict(list)
    edges = conn.execute(
        text("SELECT job_id, depends_on_job_id FROM job_depends_on WHERE workflow_id = :w"),
        {"w": workflow_id},
    )
    for job, blocker in edges:
        dependents[blocker].append(job)
    found, frontier = set(roots), list(roots)
    while frontier:
        for job in dependents[frontier.pop()]:
            if job not in found:
                found.add(job)
                frontier.append(job)
    return found


def changed_jobs(conn: Connection, workflow_id: int, dry_run: bool) -> dict[str, Any]:
    process_pending(conn)  # completed jobs get their input hashes first
    rows = conn.execute(
        text(
            "SELECT id, status, input_hash FROM job WHERE workflow_id = :w AND status IN :s"
        ).bindparams(bindparam("s", expanding=True)),
        {"w": workflow_id, "s": [COMPLETED, CANCELED, TERMINATED]},
    ).all()
    completed = {row.id: row.input_hash for row in rows if row.status == COMPLETED}
    marked = {row.id for row in rows if row.status != COMPLETED}
    current = current_input_hashes(conn, list(completed))
    marked.update(job for job, stored in completed.items() if stored and current.get(job) != stored)
    missing_outputs = conn.execute(
        text(
            "SELECT DISTINCT o.job_id FROM job_output_file o JOIN file f ON f.id = o.file_id "
            "JOIN job j ON j.id = o.job_id "
            f"WHERE o.workflow_id = :w AND f.st_mtime IS NULL AND j.status = {COMPLETED}"
        ),
        {"w": workflow_id},
    ).scalars()
    marked.update(missing_outputs)
    affected = _downstream(conn, workflow_id, marked) if marked else set()
    jobs = conn.execute(
        text("SELECT id, name, status FROM job WHERE workflow_id = :w"), {"w": workflow_id}
    )
    names: dict[int, str] = {}
    statuses: dict[int, int] = {}
    for row in jobs:
        names[row.id], statuses[row.id] = row.name, row.status
    affected = {job for job in affected if statuses.get(job) not in (DISABLED, 0)}
    if not dry_run and affected:
        _set_uninitialized(conn, sorted(affected))
        events.record(
            conn,
            workflow_id,
            "workflow",
            "inputs_changed",
            f"reset {len(affected)} jobs due to changed inputs",
        )
    return {"reinitialized_jobs": [names[job] for job in sorted(affected)]}
