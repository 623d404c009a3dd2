"""``torc scheduled-compute-nodes``: the allocations requested from a scheduler (Slurm
jobs) for a workflow, and the jobs that ran in them.

``list-jobs`` joins through the compute nodes (job runners) of the allocation: a runner
records its allocation in its compute node's ``scheduler`` object, as
``scheduled_compute_node_id`` (exact; what ``compute-nodes list --scheduled-compute-node``
filters on) or, from runners that record only that, as ``slurm_job_id`` (the allocation's
``scheduler_id``, which Slurm may reuse after a reset, so it counts only for runners that
name no scheduled compute node and, where both say, of the same scheduler config). The
jobs are those with a result from one of those runners (any run), and those running on
one now.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import cli, fetch_all
from torc.cli.groups import new_group
from torc.cli.records import add_get, add_list, show_list

app = new_group()
COLUMNS = ["id", "workflow_id", "scheduler_id", "scheduler_config_id", "scheduler_type", "status"]
JOB_COLUMNS = ["id", "name", "status", "command"]
FEW_JOBS = 50
"""Up to this many jobs are fetched one by one; more, with the workflow's job list."""

add_get(app, "scheduled compute node", TorcApi.get_scheduled_compute_node)


def _query(values: dict[str, Any]) -> dict[str, Any]:
    """The API takes the IDs as text (a Slurm job ID is a number here, as stored)."""
    for key in ("scheduler_id", "scheduler_config_id"):
        if values[key] is not None:
            values[key] = str(values[key])
    return values


add_list(
    app,
    TorcApi.list_scheduled_compute_nodes,
    key="scheduled_compute_nodes",
    columns=COLUMNS,
    doc="List scheduled compute nodes for a workflow.",
    paging="short",
    filters={
        "scheduler_id": (
            Annotated[
                int | None,
                typer.Option("--scheduler-id", help="Filter by scheduler ID (Slurm job ID)."),
            ],
            None,
        ),
        "scheduler_config_id": (
            Annotated[
                int | None,
                typer.Option("--scheduler-config-id", help="Filter by scheduler config ID."),
            ],
            None,
        ),
        "status": (
            Annotated[
                str | None,
                typer.Option("--status", help="Filter by status (pending, active, complete)."),
            ],
            None,
        ),
    },
    adapt=_query,
)


def in_allocation(
    node: m.ComputeNodeModel, allocation: m.ScheduledComputeNodesModel, exact: set[int]
) -> bool:
    """Whether a runner ran in the allocation: see the module's docstring."""
    if node.id in exact:
        return True
    recorded = node.scheduler if isinstance(node.scheduler, dict) else {}
    if recorded.get("scheduled_compute_node_id") is not None:
        return False  # it names another allocation
    same_config = node.scheduler_config_id in (None, allocation.scheduler_config_id)
    job_id = recorded.get("slurm_job_id")
    return same_config and job_id is not None and str(job_id) == str(allocation.scheduler_id)


def allocation_runners(api: TorcApi, allocation: m.ScheduledComputeNodesModel) -> list[int]:
    """IDs of the compute nodes (job runners) that ran in the allocation."""
    workflow_id, allocation_id = allocation.workflow_id, allocation.id
    named = fetch_all(
        lambda o: api.list_compute_nodes(
            workflow_id, offset=o, scheduled_compute_node_id=allocation_id
        )
    )
    exact = {node.id for node in named if node.id is not None}
    nodes = fetch_all(lambda o: api.list_compute_nodes(workflow_id, offset=o))
    return [n.id for n in nodes if n.id is not None and in_allocation(n, allocation, exact)]


def runner_jobs(api: TorcApi, workflow_id: int, node_id: int) -> set[int]:
    """Jobs with a result from the runner (any run), and jobs running on it now."""
    results = fetch_all(
        lambda o: api.list_results(workflow_id, compute_node_id=node_id, all_runs=True, offset=o)
    )
    running = fetch_all(
        lambda o: api.list_jobs(workflow_id, active_compute_node_id=node_id, offset=o)
    )
    return {r.job_id for r in results} | {j.id for j in running if j.id is not None}


def allocation_jobs(api: TorcApi, allocation: m.ScheduledComputeNodesModel) -> list[m.JobModel]:
    workflow_id = allocation.workflow_id
    job_ids: set[int] = set()
    for node_id in allocation_runners(api, allocation):
        job_ids |= runner_jobs(api, workflow_id, node_id)
    if len(job_ids) <= FEW_JOBS:
        return [api.get_job(job_id) for job_id in sorted(job_ids)]
    jobs = fetch_all(lambda o: api.list_jobs(workflow_id, offset=o))
    return sorted((job for job in jobs if job.id in job_ids), key=lambda job: job.id or 0)


@app.command("list-jobs")
def list_jobs(
    ctx: typer.Context,
    id: Annotated[int, typer.Argument(help="ID of the scheduled compute node.", metavar="ID")],
) -> None:
    """List jobs that ran under a scheduled compute node."""
    api = cli(ctx).api
    allocation = api.get_scheduled_compute_node(id)
    show_list(ctx, allocation_jobs(api, allocation), key="jobs", columns=JOB_COLUMNS)
