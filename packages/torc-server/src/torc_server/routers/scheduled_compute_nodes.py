"""Allocations requested from a scheduler, e.g. Slurm jobs (tag ``scheduled_compute_nodes``)."""

from __future__ import annotations

from typing import Any

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import T, scheduled_compute_nodes

ALLOCATION = T["scheduled_compute_node"]


def integer(name: str, value: str | None) -> int | None:
    """The contract types these filters as strings; the columns hold integers."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise Unprocessable(f"query parameter '{name}' must be an integer, got {value!r}") from None


@operation("create_scheduled_compute_node")
def create_scheduled_compute_node(
    ctx: ServerContext, scheduled_compute_nodes_model: m.ScheduledComputeNodesModel
) -> dict[str, Any]:
    return crud.create_record(ctx.db, scheduled_compute_nodes, scheduled_compute_nodes_model)


@operation("get_scheduled_compute_node")
def get_scheduled_compute_node(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.get_record(ctx.db, scheduled_compute_nodes, id)


@operation("update_scheduled_compute_node")
def update_scheduled_compute_node(
    ctx: ServerContext, id: int, scheduled_compute_nodes_model: m.ScheduledComputeNodesModel
) -> dict[str, Any]:
    return crud.update_record(ctx.db, scheduled_compute_nodes, id, scheduled_compute_nodes_model)


@operation("delete_scheduled_compute_node")
def delete_scheduled_compute_node(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.delete_record(ctx.db, scheduled_compute_nodes, id)


@operation("delete_scheduled_compute_nodes")
def delete_scheduled_compute_nodes(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    return crud.delete_workflow_records(ctx.db, scheduled_compute_nodes, workflow_id)


@operation("list_scheduled_compute_nodes")
def list_scheduled_compute_nodes(
    ctx: ServerContext,
    workflow_id: int,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    scheduler_id: str | None,
    scheduler_config_id: str | None,
    status: str | None,
) -> dict[str, Any]:
    conditions = crud.filters(
        ALLOCATION,
        status=status,
        scheduler_id=integer("scheduler_id", scheduler_id),
        scheduler_config_id=integer("scheduler_config_id", scheduler_config_id),
    )
    return crud.list_workflow_records(
        ctx.db,
        scheduled_compute_nodes,
        workflow_id,
        conditions,
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        reverse_sort=reverse_sort,
    )
