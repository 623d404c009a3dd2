"""Job runner processes and the resources they offer (tag ``compute_nodes``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import T, compute_nodes
from torc_server.wire import load_json

NODE = T["compute_node"]
COUNTS = ("num_cpus", "num_gpus", "num_nodes", "memory_gb")


def checked(body: m.ComputeNodeModel) -> m.ComputeNodeModel:
    for field in COUNTS:
        if getattr(body, field) < 0:
            raise Unprocessable(f"{field} must not be negative, got {getattr(body, field)}")
    if body.scheduler is not None and not isinstance(body.scheduler, dict):
        raise Unprocessable("scheduler must be a JSON object or null")
    return body


def in_allocation(conn: Connection, workflow_id: int, scheduled_compute_node_id: int) -> list[int]:
    """IDs of the workflow's nodes whose ``scheduler`` object names the allocation (the
    JSON is stored as text, so it is read here rather than queried per database dialect)."""
    rows = conn.execute(
        select(NODE.c.id, NODE.c.scheduler).where(
            NODE.c.workflow_id == workflow_id, NODE.c.scheduler.is_not(None)
        )
    )
    wanted = (scheduled_compute_node_id, str(scheduled_compute_node_id))
    return [
        node_id
        for node_id, text in rows
        if isinstance(scheduler := load_json(text), dict)
        and scheduler.get("scheduled_compute_node_id") in wanted
    ]


@operation("create_compute_node")
def create_compute_node(
    ctx: ServerContext, compute_node_model: m.ComputeNodeModel
) -> dict[str, Any]:
    return crud.create_record(ctx.db, compute_nodes, checked(compute_node_model))


@operation("get_compute_node")
def get_compute_node(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.get_record(ctx.db, compute_nodes, id)


@operation("update_compute_node")
def update_compute_node(
    ctx: ServerContext, id: int, compute_node_model: m.ComputeNodeModel
) -> dict[str, Any]:
    return crud.update_record(ctx.db, compute_nodes, id, checked(compute_node_model))


@operation("delete_compute_node")
def delete_compute_node(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.delete_record(ctx.db, compute_nodes, id)


@operation("delete_compute_nodes")
def delete_compute_nodes(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    return crud.delete_workflow_records(ctx.db, compute_nodes, workflow_id)


@operation("list_compute_nodes")
def list_compute_nodes(
    ctx: ServerContext,
    workflow_id: int,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    hostname: str | None,
    is_active: bool | None,
    scheduled_compute_node_id: int | None,
) -> dict[str, Any]:
    conditions = crud.filters(NODE, hostname=hostname, is_active=is_active)
    with ctx.db.read() as conn:
        if scheduled_compute_node_id is not None:
            ids = in_allocation(conn, workflow_id, scheduled_compute_node_id)
            conditions.append(NODE.c.id.in_(ids))
        return crud.list_in_workflow(
            conn,
            compute_nodes,
            workflow_id,
            conditions,
            offset=offset,
            limit=limit,
            sort_by=sort_by,
            reverse_sort=reverse_sort,
        )
