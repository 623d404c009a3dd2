"""Named resource profiles that jobs refer to (tag ``resource_requirements``).

Memory and runtime are stored both as given and parsed (``memory_bytes``,
``runtime_seconds``); jobs mirror the parsed values in their ``rr_*`` columns, so an
update is propagated to every job that uses the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, select, update

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import T, resource_requirements
from torc_server.units import duration_seconds, memory_bytes

REQUIREMENTS, JOB = T["resource_requirements"], T["job"]
MINIMUM = {"num_cpus": 1, "num_gpus": 0, "num_nodes": 1}
DEFAULT_MEMORY, DEFAULT_RUNTIME = "1m", "PT1M"
LARGEST = 2**63 - 1


def parsed_values(body: m.ResourceRequirementsModel) -> dict[str, Any]:
    """Checked counts and the parsed memory and runtime (422 naming a bad value)."""
    for field, minimum in MINIMUM.items():
        value = getattr(body, field)
        if value is not None and value < minimum:
            raise Unprocessable(f"{field} must be at least {minimum}, got {value}")
    memory = DEFAULT_MEMORY if body.memory is None else body.memory
    runtime = DEFAULT_RUNTIME if body.runtime is None else body.runtime
    return {
        "memory": memory,
        "runtime": runtime,
        "memory_bytes": bounded("memory", memory, memory_bytes),
        "runtime_seconds": bounded("runtime", runtime, duration_seconds),
    }


def bounded(field: str, given: str, parse: Callable[[str], int]) -> int:
    """``parse(given)``, refused if it does not fit a 64-bit column."""
    value = parse(given)
    if value > LARGEST:
        raise Unprocessable(f"{field} {given!r} is too large")
    return value


def propagate_to_jobs(conn: Connection, record: dict[str, Any]) -> None:
    conn.execute(
        update(JOB)
        .where(JOB.c.resource_requirements_id == record["id"])
        .values(
            rr_num_cpus=record["num_cpus"],
            rr_num_gpus=record["num_gpus"],
            rr_num_nodes=record["num_nodes"],
            rr_memory_bytes=record["memory_bytes"],
            rr_runtime_seconds=record["runtime_seconds"],
        )
    )


@operation("create_resource_requirements")
def create_resource_requirements(
    ctx: ServerContext, resource_requirements_model: m.ResourceRequirementsModel
) -> dict[str, Any]:
    body = resource_requirements_model
    values = parsed_values(body)
    with ctx.db.write() as conn:
        crud.require_workflow(conn, body.workflow_id)
        crud.require_unique_name(conn, resource_requirements, body.workflow_id, body.name)
        return resource_requirements.create(conn, body, **values)


@operation("update_resource_requirements")
def update_resource_requirements(
    ctx: ServerContext, id: int, resource_requirements_model: m.ResourceRequirementsModel
) -> dict[str, Any]:
    body = resource_requirements_model
    values = parsed_values(body)
    with ctx.db.write() as conn:
        current = resource_requirements.get_row(conn, id)
        crud.require_unique_name(
            conn, resource_requirements, current["workflow_id"], body.name, exclude=id
        )
        resource_requirements.update(conn, id, body, **values)
        propagate_to_jobs(conn, dict(resource_requirements.get_row(conn, id)))
        return resource_requirements.get(conn, id)


def where(
    job_id: int | None,
    name: str | None,
    memory: str | None,
    num_cpus: int | None,
    num_gpus: int | None,
    num_nodes: int | None,
    runtime: int | None,
) -> list[ColumnElement[bool]]:
    """``memory`` matches by size (``2g`` finds ``2048m``); ``runtime`` is in seconds."""
    conditions = crud.filters(
        REQUIREMENTS,
        name=name,
        num_cpus=num_cpus,
        num_gpus=num_gpus,
        num_nodes=num_nodes,
        memory_bytes=None if memory is None else bounded("memory", memory, memory_bytes),
        runtime_seconds=runtime,
    )
    if job_id is not None:
        used = select(JOB.c.resource_requirements_id).where(JOB.c.id == job_id)
        conditions.append(REQUIREMENTS.c.id.in_(used))
    return conditions


register_crud(
    resource_requirements,
    get="get_resource_requirements",
    delete="delete_resource_requirement",
    delete_all="delete_resource_requirements",
    list_="list_resource_requirements",
    where=where,
)
