"""RO-Crate provenance entities of a workflow and its files (tag ``ro_crate_entities``)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import ro_crate_entities


def check(conn: Connection, body: m.RoCrateEntityModel, workflow_id: int) -> None:
    """``metadata`` must be a JSON object; ``file_id``, if given, a file of the workflow."""
    try:
        metadata = orjson.loads(body.metadata)
    except orjson.JSONDecodeError as exc:
        raise Unprocessable(f"metadata must be a JSON-encoded object: {exc}") from None
    if not isinstance(metadata, dict):
        raise Unprocessable(f"metadata must be a JSON-encoded object, got {body.metadata!r}")
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


register_crud(
    ro_crate_entities,
    get="get_ro_crate_entity",
    list_="list_ro_crate_entities",
    scope="id",
)
