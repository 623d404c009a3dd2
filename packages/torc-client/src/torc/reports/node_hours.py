"""Node-hours a workflow's Slurm allocations used: what the cluster charges for them.

For each allocation (scheduled compute node of type slurm) the figure is sacct's elapsed
time (end minus start; so far, for one still running; zero for one that never left the
queue) times its node count: it counts the whole allocation, from when Slurm gave the
nodes until it took them back, including the runner's start-up and any idle wait. Where
sacct has no record (no accounting, or the report runs off the cluster) the allocation's
job runners stand in: each runner's duration (until now while it runs) times the nodes
it held, which leaves out the time before the runner started and after it ended.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc.slurm import states
from torc.slurm.sync import allocation_of


def _runner_seconds(node: m.ComputeNodeModel, now: datetime) -> float:
    if node.duration_seconds is not None:
        return node.duration_seconds
    if not node.is_active:
        return 0.0  # ended without saying how long it ran
    try:
        started = datetime.fromisoformat(node.start_time.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return max(0.0, (now - started).total_seconds())


def node_hours(api: TorcApi, workflow_id: int) -> dict[str, Any]:
    """``slurm_allocations``, ``node_hours`` and ``node_hours_source`` (sacct,
    compute_nodes, both, or None without allocations)."""
    records = fetch_all(lambda o: api.list_scheduled_compute_nodes(workflow_id, offset=o))
    slurm = [r for r in records if r.scheduler_type == "slurm" and r.scheduler_id is not None]
    if not slurm:
        return {"slurm_allocations": 0, "node_hours": 0.0, "node_hours_source": None}
    try:
        accounted = states.accounting(str(r.scheduler_id) for r in slurm)
    except states.SlurmError:
        accounted = {}
    seconds = 0.0
    sources: set[str] = set()
    runners: dict[int, float] = {}
    if len(accounted) < len(slurm):
        now = datetime.now(UTC)
        for node in fetch_all(lambda o: api.list_compute_nodes(workflow_id, offset=o)):
            allocation = allocation_of(node)
            if allocation is not None:
                used = _runner_seconds(node, now) * (node.num_nodes or 1)
                runners[allocation] = runners.get(allocation, 0.0) + used
    for record in slurm:
        found = accounted.get(str(record.scheduler_id))
        if found is not None:
            seconds += found.elapsed_seconds * found.nodes
            sources.add("sacct")
        elif record.id in runners:
            seconds += runners[record.id]
            sources.add("compute_nodes")
    source = " and ".join(sorted(sources)) if sources else None
    return {
        "slurm_allocations": len(slurm),
        "node_hours": round(seconds / 3600, 4),
        "node_hours_source": source,
    }


def node_hours_text(summary: dict[str, Any]) -> str | None:
    """``Node Hours: 1.25 (3 Slurm allocations, from sacct)``; None without allocations."""
    count = summary.get("slurm_allocations") or 0
    if not count:
        return None
    source = summary.get("node_hours_source") or "no record"
    return f"Node Hours: {summary['node_hours']:.2f} ({count} Slurm allocation(s), from {source})"
