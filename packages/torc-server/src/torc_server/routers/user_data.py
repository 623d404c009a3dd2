"""Named JSON values that jobs consume and produce (tag ``user_data``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, insert, select

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.resources import T, user_data

USER_DATA, INPUT, OUTPUT = T["user_data"], T["job_input_user_data"], T["job_output_user_data"]


@operation("create_user_data")
def create_user_data(
    ctx: ServerContext,
    consumer_job_id: int | None,
    producer_job_id: int | None,
    user_data_model: m.UserDataModel,
) -> dict[str, Any]:
    """Create the record and link it as input of ``consumer_job_id`` and/or output of
    ``producer_job_id``; both jobs must belong to the record's workflow."""
    workflow_id = user_data_model.workflow_id
    links = [
        (field, job_id, table)
        for field, job_id, table in (
            ("consumer_job_id", consumer_job_id, INPUT),
            ("producer_job_id", producer_job_id, OUTPUT),
        )
        if job_id is not None
    ]
    with ctx.db.write() as conn:
        for field, job_id, _ in links:
            crud.require_member(conn, resources.jobs, job_id, workflow_id, field=field)
        record = user_data.create(conn, user_data_model)
        for _, job_id, table in links:
            conn.execute(
                insert(table).values(
                    job_id=job_id, user_data_id=record["id"], workflow_id=workflow_id
                )
            )
        return record


@operation("create_user_data_list")
def create_user_data_list(
    ctx: ServerContext, user_data_list_model: m.UserDataListModel
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return {"user_data": user_data.create_many(conn, user_data_list_model.user_data)}


def where(
    consumer_job_id: int | None,
    producer_job_id: int | None,
    name: str | None,
    is_ephemeral: bool | None,
) -> list[ColumnElement[bool]]:
    conditions = crud.filters(USER_DATA, name=name, is_ephemeral=is_ephemeral)
    for job_id, table in ((consumer_job_id, INPUT), (producer_job_id, OUTPUT)):
        if job_id is not None:
            linked = select(table.c.user_data_id).where(table.c.job_id == job_id)
            conditions.append(USER_DATA.c.id.in_(linked))
    return conditions


register_crud(
    user_data,
    get="get_user_data",
    update="update_user_data",
    delete="delete_user_data",
    delete_all="delete_all_user_data",
    list_="list_user_data",
    where=where,
)
