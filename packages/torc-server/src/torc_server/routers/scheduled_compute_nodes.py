"""Allocations requested from a scheduler, e.g. Slurm jobs (tag ``scheduled_compute_nodes``)."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from torc_server import crud
from torc_server.crud_routes import register_crud
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


def where(
    scheduler_id: str | None, scheduler_config_id: str | None, status: str | None
) -> list[ColumnElement[bool]]:
    return crud.filters(
        ALLOCATION,
        status=status,
        scheduler_id=integer("scheduler_id", scheduler_id),
        scheduler_config_id=integer("scheduler_config_id", scheduler_config_id),
    )


register_crud(
    scheduled_compute_nodes,
    create="create_scheduled_compute_node",
    get="get_scheduled_compute_node",
    update="update_scheduled_compute_node",
    delete="delete_scheduled_compute_node",
    delete_all="delete_scheduled_compute_nodes",
    list_="list_scheduled_compute_nodes",
    where=where,
)
