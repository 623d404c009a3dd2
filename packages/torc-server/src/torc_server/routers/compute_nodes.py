"""Job runner processes and the resources they offer (tag ``compute_nodes``)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, select

import torc_models as m
from torc_server import crud
from torc_server.crud_routes import register_crud
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


def where(
    conn: Connection,
    workflow_id: int,
    hostname: str | None,
    is_active: bool | None,
    scheduled_compute_node_id: int | None,
) -> list[ColumnElement[bool]]:
    conditions = crud.filters(NODE, hostname=hostname, is_active=is_active)
    if scheduled_compute_node_id is not None:
        ids = in_allocation(conn, workflow_id, scheduled_compute_node_id)
        conditions.append(NODE.c.id.in_(ids))
    return conditions


register_crud(
    compute_nodes,
    create="create_compute_node",
    get="get_compute_node",
    update="update_compute_node",
    delete="delete_compute_node",
    delete_all="delete_compute_nodes",
    list_="list_compute_nodes",
    check=checked,
    where=where,
)
