"""RO-Crate provenance entities of a workflow and its files (tag ``ro_crate_entities``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.resources import ro_crate_entities


def check(conn: Connection, body: m.RoCrateEntityModel, workflow_id: int) -> None:
    """``file_id``, if given, must be a file of the workflow (``metadata`` is an object by
    the contract; a legacy string was decoded on parsing, ADR 0008)."""
    if body.file_id is not None:
        crud.require_member(conn, resources.files, body.file_id, workflow_id, field="file_id")


@operation("create_ro_crate_entity")
def create_ro_crate_entity(
    ctx: ServerContext, ro_crate_entity_model: m.RoCrateEntityModel
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        crud.require_workflow(conn, ro_crate_entity_model.workflow_id)
        check(conn, ro_crate_entity_model, ro_crate_entity_model.workflow_id)
        return ro_crate_entities.create(conn, ro_crate_entity_model)


@operation("update_ro_crate_entity")
def update_ro_crate_entity(
    ctx: ServerContext, id: int, ro_crate_entity_model: m.RoCrateEntityModel
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        workflow_id = ro_crate_entities.get_row(conn, id)["workflow_id"]
        check(conn, ro_crate_entity_model, workflow_id)
        return ro_crate_entities.update(conn, id, ro_crate_entity_model)


@operation("delete_ro_crate_entity")
def delete_ro_crate_entity(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        ro_crate_entities.delete(conn, id)
    return {"message": f"deleted RO-Crate entity {id}"}


@operation("delete_ro_crate_entities")
def delete_ro_crate_entities(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        count = ro_crate_entities.delete_all(conn, id)
    return {
        "deleted_count": count,
        "message": f"deleted {count} RO-Crate entities of workflow {id}",
    }


def where(file_id: int | None, entity_id: str | None) -> list[ColumnElement[bool]]:
    return crud.filters(ro_crate_entities.table, file_id=file_id, entity_id=entity_id)


register_crud(
    ro_crate_entities,
    get="get_ro_crate_entity",
    list_="list_ro_crate_entities",
    scope="id",
    where=where,
)
