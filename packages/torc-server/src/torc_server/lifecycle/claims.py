"""Claiming: atomically hand ready jobs to one runner (``ready`` -> ``pending``).

Claims run inside a write transaction (SQLite: the write lock is taken up front;
PostgreSQL: the rows are locked with ``FOR UPDATE SKIP LOCKED``), so a job is never handed
to two runners. Both claims read ready jobs in index order: priority first (higher first),
then the sort method, then queue order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import Connection

import torc_models as m
from torc_server.db.sql import sql
from torc_server.errors import Conflict, NotFound, Unprocessable
from torc_server.lifecycle.jobstore import to_wire
from torc_server.lifecycle.unblock import active_jobs, unapplied
from torc_server.units import duration_seconds

SORT_ORDERS = {
    "gpus_runtime_memory": "rr_num_gpus DESC, rr_runtime_seconds DESC, rr_memory_bytes DESC, ",
    "gpus_memory_runtime": "rr_num_gpus DESC, rr_memory_bytes DESC, rr_runtime_seconds DESC, ",
    "none": "",
}
DEFAULT_SORT = "gpus_runtime_memory"
GIB = 1024**3
NONE_FITS_NODE = "no ready job fits this compute node"
"""The claim's reason when no ready job fits even the whole node: only then are the ready
jobs worth searching for ones that never will (a runner merely waiting for capacity asks
on every round)."""
SCAN_FACTOR = 8
"""A resource claim reads at most this many candidates per job it may return."""


def _claimable(conn: Connection, workflow_id: int) -> Mapping[Any, Any] | None:
    """The workflow row, or None when it is canceled (nothing to hand out)."""
    row = (
        conn.execute(
            sql(
                "SELECT w.execution_config, s.is_canceled, s.is_archived FROM workflow w "
                "JOIN workflow_status s ON s.workflow_id = w.id WHERE w.id = :w"
            ),
            {"w": workflow_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"workflow {workflow_id} does not exist")
    if row["is_archived"]:
        raise Conflict(f"workflow {workflow_id} is archived; unarchive it to run jobs")
    return None if row["is_canceled"] else row


def sort_method(workflow: Mapping[Any, Any]) -> str:
    config = workflow["execution_config"]
    if not config:
        return DEFAULT_SORT
    try:
        method = orjson.loads(config).get("jobs_sort_method") or DEFAULT_SORT
    except (orjson.JSONDecodeError, AttributeError):
        return DEFAULT_SORT
    return str(method) if method in SORT_ORDERS else DEFAULT_SORT


def _lock_suffix(conn: Connection) -> str:
    return " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""


def _mark_pending(
    conn: Connection, rows: list[Mapping[Any, Any]], compute_node_id: int | None
) -> list[dict[str, Any]]:
    """Claimed; the claiming runner is recorded so its death releases them."""
    if rows:
        conn.execute(
            sql(
                "UPDATE job SET status = 3, active_compute_node_id = :node "
                "WHERE id IN :ids AND status = 2",
                "ids",
            ),
            {"ids": [row["id"] for row in rows], "node": compute_node_id},
        )
    return [{**to_wire(row), "status": "pending"} for row in rows]


def claim_next(
    conn: Connection, workflow_id: int, limit: int, *, compute_node_id: int | None = None
) -> list[dict[str, Any]]:
    if _claimable(conn, workflow_id) is None:
        return []
    rows = (
        conn.execute(
            sql(
                "SELECT * FROM job WHERE workflow_id = :w AND status = 2 "
                f"ORDER BY priority DESC, id LIMIT :limit{_lock_suffix(conn)}"
            ),
            {"w": workflow_id, "limit": limit},
        )
        .mappings()
        .all()
    )
    return _mark_pending(conn, list(rows), compute_node_id)


def claim_by_resources(
    conn: Connection,
    workflow_id: int,
    limit: int,
    capacity: m.ComputeNodesResources,
    strict_scheduler_match: bool,
    *,
    compute_node_id: int | None = None,
    job_limits: m.ComputeNodesResources | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Pick ready jobs that fit together into ``capacity``, each within ``job_limits`` (the
    node's size; ``capacity`` may be larger, to claim ahead); return them and, when none
    fit, why."""
    workflow = _claimable(conn, workflow_id)
    if workflow is None:
        return [], f"workflow {workflow_id} is canceled"
    each = job_limits or capacity
    for given in (capacity, each):
        if min(given.num_cpus, given.num_gpus, given.num_nodes) < 0 or given.memory_gb < 0:
            raise Unprocessable("resources must not be negative")
    cpus, gpus = capacity.num_cpus, capacity.num_gpus
    memory = int(capacity.memory_gb * GIB)
    conditions, params = _fit_conditions(each, strict_scheduler_match)
    params.update(w=workflow_id, scan=max(limit * SCAN_FACTOR, 64))
    order = f"priority DESC, {SORT_ORDERS[sort_method(workflow)]}id"
    candidates = conn.execute(
        sql(
            f"SELECT * FROM job WHERE workflow_id = :w AND status = 2 AND "
            f"{' AND '.join(conditions)} ORDER BY {order} LIMIT :scan{_lock_suffix(conn)}"
        ),
        params,
    )
    chosen: list[Mapping[Any, Any]] = []
    any_candidate = False
    for row in candidates.mappings():
        any_candidate = True
        if len(chosen) >= limit or cpus < 1:
            break
        if (
            row["rr_num_cpus"] <= cpus
            and row["rr_memory_bytes"] <= memory
            and row["rr_num_gpus"] <= gpus
        ):
            chosen.append(row)
            cpus -= row["rr_num_cpus"]
            memory -= row["rr_memory_bytes"]
            gpus -= row["rr_num_gpus"]
    candidates.close()
    reason = None
    if not chosen:
        reason = "no ready job fits the available resources" if any_candidate else NONE_FITS_NODE
    return _mark_pending(conn, chosen, compute_node_id), reason


def _fit_conditions(
    each: m.ComputeNodesResources, strict_scheduler_match: bool
) -> tuple[list[str], dict[str, Any]]:
    """SQL conditions (and their parameters) for a job that fits one node of ``each``."""
    conditions = [
        "rr_num_cpus <= :cpus",
        "rr_num_gpus <= :gpus",
        "rr_memory_bytes <= :memory",
        "rr_num_nodes <= :nodes",
    ]
    params: dict[str, Any] = {
        "cpus": each.num_cpus,
        "gpus": each.num_gpus,
        "memory": int(each.memory_gb * GIB),
        "nodes": each.num_nodes,
    }
    if each.time_limit:
        conditions.append("rr_runtime_seconds <= :seconds")
        params["seconds"] = duration_seconds(each.time_limit)
    if each.scheduler_config_id is not None:
        params["scheduler"] = each.scheduler_config_id
        conditions.append(
            "scheduler_id = :scheduler"
            if strict_scheduler_match
            else "(scheduler_id = :scheduler OR scheduler_id IS NULL)"
        )
    return conditions, params


UNFIT_LISTED = 20


def unfit_jobs(
    conn: Connection,
    workflow_id: int,
    each: m.ComputeNodesResources,
    strict_scheduler_match: bool,
) -> list[tuple[int, str]]:
    """Ready jobs that can never run on a node of ``each``, with why (at most 20)."""
    conditions, params = _fit_conditions(each, strict_scheduler_match)
    rows = conn.execute(
        sql(
            "SELECT id, name, rr_num_cpus, rr_num_gpus, rr_memory_bytes, rr_num_nodes, "
            "rr_runtime_seconds, scheduler_id FROM job WHERE workflow_id = :w AND status = 2 "
            f"AND NOT ({' AND '.join(conditions)}) ORDER BY id LIMIT {UNFIT_LISTED}"
        ),
        {**params, "w": workflow_id},
    ).mappings()
    return [(row["id"], _why_unfit(row, each, params)) for row in rows]


def _why_unfit(
    row: Mapping[Any, Any], each: m.ComputeNodesResources, params: Mapping[str, Any]
) -> str:
    needs = []
    if row["rr_num_cpus"] > each.num_cpus:
        needs.append(f"{row['rr_num_cpus']} CPUs (this node has {each.num_cpus})")
    if row["rr_memory_bytes"] > params["memory"]:
        needs.append(
            f"{row['rr_memory_bytes'] / GIB:.1f} GiB of memory (this node has {each.memory_gb:.1f})"
        )
    if row["rr_num_gpus"] > each.num_gpus:
        needs.append(f"{row['rr_num_gpus']} GPUs (this node has {each.num_gpus})")
    if row["rr_num_nodes"] > each.num_nodes:
        needs.append(f"{row['rr_num_nodes']} nodes (this runner has {each.num_nodes})")
    if "seconds" in params and row["rr_runtime_seconds"] > params["seconds"]:
        needs.append(
            f"a runtime of {row['rr_runtime_seconds']} s (this node's time limit is "
            f"{params['seconds']} s)"
        )
    what = f"job {row['id']} ({row['name']})"
    if not needs:
        return f"{what} is bound to scheduler {row['scheduler_id']}, not this node's"
    return f"{what} needs " + " and ".join(needs)


def nothing_fits(
    conn: Connection, workflow_id: int, each: m.ComputeNodesResources, strict_scheduler_match: bool
) -> bool:
    """No job is claimed or running, no finish awaits the unblocker, and no ready job fits
    a node of ``each``: a runner of that size can never make progress. (Three indexed
    questions: joined by OR, SQLite would scan the workflow's jobs.)"""
    if active_jobs(conn, workflow_id, (3, 4)) or unapplied(conn, workflow_id):
        return False
    conditions, params = _fit_conditions(each, strict_scheduler_match)
    fitting = conn.execute(
        sql(
            f"SELECT 1 FROM job WHERE workflow_id = :w AND status = 2 AND "
            f"{' AND '.join(conditions)} LIMIT 1"
        ),
        {**params, "w": workflow_id},
    ).first()
    return fitting is None


def nothing_left(
    conn: Connection, workflow_id: int, each: m.ComputeNodesResources, strict_scheduler_match: bool
) -> bool:
    """No finish awaits the unblocker and no uninitialized, blocked or ready job fits a node
    of ``each`` (its scheduler or none, its size and time left): a runner of that node can
    never claim another job. Jobs claimed or running elsewhere are their runners' to finish
    (or retry)."""
    if unapplied(conn, workflow_id):
        return False
    conditions, params = _fit_conditions(each, strict_scheduler_match)
    waiting = conn.execute(
        sql(
            "SELECT 1 FROM job WHERE workflow_id = :w AND status IN (0, 1, 2) AND "
            f"{' AND '.join(conditions)} LIMIT 1"
        ),
        {**params, "w": workflow_id},
    ).first()
    return waiting is None
