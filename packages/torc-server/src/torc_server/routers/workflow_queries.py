"""Read-only views of a running workflow: its status at a glance, which job runs where,
and which Slurm job ran what (tag ``workflows``). Each is one SQL statement per answer
part, so they stay cheap on 100,000-job workflows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from torc_server.context import ServerContext
from torc_server.crud import MAX_LIMIT, page, require_workflow
from torc_server.db.sql import sql
from torc_server.dispatch import operation
from torc_server.lifecycle.unblock import workflow_is_done
from torc_server.lifecycle.workflow_state import status_row
from torc_server.wire import STATUS_NAMES

SLURM_JOB_ID = {
    "sqlite": "CAST(json_extract(n.scheduler, '$.slurm_job_id') AS TEXT)",
    "postgresql": "(n.scheduler::json ->> 'slurm_job_id')",
}
"""The Slurm job ID a runner records in its compute node's ``scheduler`` object."""


def slurm_job_id(conn: Connection) -> str:
    return SLURM_JOB_ID[conn.dialect.name]


def _paged(
    conn: Connection, query: str, workflow_id: int, offset: int, limit: int
) -> dict[str, Any]:
    """A page of ``query``'s rows, whose ``total`` column (a window count) gives the number
    of all rows; only a page past the end needs a second statement to count them."""
    params = {"w": workflow_id, "offset": offset, "limit": min(limit, MAX_LIMIT)}
    paged = f"{query} LIMIT :limit OFFSET :offset"
    rows = [dict(r) for r in conn.execute(sql(paged), params).mappings()]
    if rows:
        total = rows[0]["total"]
    else:
        total = conn.execute(sql(f"SELECT count(*) FROM ({query}) AS q"), params).scalar_one()
    for row in rows:
        del row["total"]
    return page(rows, offset, total)


@operation("get_running_jobs")
def get_running_jobs(ctx: ServerContext, id: int, offset: int, limit: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        require_workflow(conn, id)
        query = (
            "SELECT j.id AS job_id, j.name AS job_name, j.start_time, "
            "n.hostname AS compute_node_name, n.compute_node_type AS scheduler_type, "
            f"{slurm_job_id(conn)} AS scheduler_job_id, count(*) OVER () AS total "
            "FROM job j JOIN compute_node n ON n.id = j.active_compute_node_id "
            "WHERE j.workflow_id = :w AND j.status = 4 ORDER BY j.id"
        )
        return _paged(conn, query, id, offset, limit)


@operation("get_slurm_job_correlations")
def get_slurm_job_correlations(
    ctx: ServerContext, id: int, offset: int, limit: int
) -> dict[str, Any]:
    """From the results' compute nodes (where the runner recorded its Slurm job) and from
    the sacct records of ``slurm_stats``."""
    with ctx.db.read() as conn:
        require_workflow(conn, id)
        pairs = (
            f"SELECT r.job_id, {slurm_job_id(conn)} AS slurm_job_id FROM result r "
            "JOIN compute_node n ON n.id = r.compute_node_id WHERE r.workflow_id = :w "
            "UNION SELECT s.job_id, s.slurm_job_id FROM slurm_stats s WHERE s.workflow_id = :w"
        )
        query = (
            "SELECT p.job_id, j.name AS job_name, p.slurm_job_id, count(*) OVER () AS total "
            f"FROM ({pairs}) AS p JOIN job j ON j.id = p.job_id "
            "WHERE p.slurm_job_id IS NOT NULL ORDER BY p.job_id, p.slurm_job_id"
        )
        return _paged(conn, query, id, offset, limit)


@operation("get_workflow_status")
def get_workflow_status(ctx: ServerContext, id: int) -> dict[str, Any]:
    """Job counts, compute nodes and run state; also the fields of the 0.22 clients'
    WorkflowStatusModel (``id``, ``run_id`` ...), so both generations parse it."""
    with ctx.db.read() as conn:
        state = status_row(conn, id)
        workflow = (
            conn.execute(sql('SELECT name, "user" FROM workflow WHERE id = :w'), {"w": id})
            .mappings()
            .one()
        )
        counts = dict.fromkeys(STATUS_NAMES, 0)
        for code, count in conn.execute(
            sql("SELECT status, count(*) FROM job WHERE workflow_id = :w GROUP BY status"),
            {"w": id},
        ):
            counts[STATUS_NAMES[code]] = count
        allocations: dict[str, int] = dict(
            conn.execute(
                sql(
                    "SELECT status, count(*) FROM scheduled_compute_node "
                    "WHERE workflow_id = :w GROUP BY status"
                ),
                {"w": id},
            ).all()
        )
        active_nodes = conn.execute(
            sql("SELECT count(*) FROM compute_node WHERE workflow_id = :w AND is_active = :yes"),
            {"w": id, "yes": True},
        ).scalar_one()
        minutes = conn.execute(
            sql(
                "SELECT coalesce(sum(exec_time_minutes), 0) FROM result "
                "WHERE workflow_id = :w AND run_id = :run"
            ),
            {"w": id, "run": state["run_id"]},
        ).scalar_one()
        done = bool(state["is_canceled"]) or workflow_is_done(conn, id)
        walltime = _walltime(conn, id, active_nodes > 0)
    return {
        "workflow_id": id,
        "workflow_name": workflow["name"],
        "workflow_user": workflow["user"],
        "total_jobs": sum(counts.values()),
        "jobs_by_status": counts,
        "is_complete": done,
        "active_compute_nodes": active_nodes,
        "active_scheduled_nodes": allocations.get("active", 0),
        "pending_scheduled_nodes": allocations.get("pending", 0),
        "total_exec_time_minutes": float(minutes),
        "walltime_seconds": walltime,
        "id": id,
        "run_id": state["run_id"],
        "is_canceled": bool(state["is_canceled"]),
        "is_archived": bool(state["is_archived"]),
        "has_detected_need_to_run_completion_script": bool(
            state["has_detected_need_to_run_completion_script"]
        ),
    }


def _walltime(conn: Connection, workflow_id: int, running: bool) -> float | None:
    """Seconds from the first runner's start to the last one's end (to now while one
    runs); None before any runner started. Start times are the clients' text: those that
    are not ISO 8601 are left out rather than failing the status."""
    spans = []
    for start, duration in conn.execute(
        sql("SELECT start_time, duration_seconds FROM compute_node WHERE workflow_id = :w"),
        {"w": workflow_id},
    ):
        try:
            began = datetime.fromisoformat(start).timestamp()
        except ValueError:
            continue
        spans.append((began, began + (duration or 0.0)))
    if not spans:
        return None
    last = datetime.now(UTC).timestamp() if running else max(end for _, end in spans)
    return max(0.0, last - min(began for began, _ in spans))
