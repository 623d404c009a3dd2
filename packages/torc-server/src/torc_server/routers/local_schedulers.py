"""Resource limits for running jobs on the local machine (tag ``local_schedulers``)."""

from __future__ import annotations

from typing import Any

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import T, local_schedulers
from torc_server.units import memory_bytes

LOCAL = T["local_scheduler"]


def checked(body: m.LocalSchedulerModel) -> m.LocalSchedulerModel:
    if body.memory is not None:
        memory_bytes(body.memory)
    if body.num_cpus is not None and body.num_cpus < 1:
        raise Unprocessable(f"num_cpus must be at least 1, got {body.num_cpus}")
    return body


@operation("create_local_scheduler")
def create_local_scheduler(
    ctx: ServerContext, local_scheduler_model: m.LocalSchedulerModel
) -> dict[str, Any]:
    return crud.create_record(ctx.db, local_schedulers, checked(local_scheduler_model))


@operation("get_local_scheduler")
def get_local_scheduler(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.get_record(ctx.db, local_schedulers, id)


@operation("update_local_scheduler")
def update_local_scheduler(
    ctx: ServerContext, id: int, local_scheduler_model: m.LocalSchedulerModel
) -> dict[str, Any]:
    return crud.update_record(ctx.db, local_schedulers, id, checked(local_scheduler_model))


@operation("delete_local_scheduler")
def delete_local_scheduler(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.delete_record(ctx.db, local_schedulers, id)


@operation("delete_local_schedulers")
def delete_local_schedulers(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    return crud.delete_workflow_records(ctx.db, local_schedulers, workflow_id)


@operation("list_local_schedulers")
def list_local_schedulers(
    ctx: ServerContext,
    workflow_id: int,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    memory: str | None,
    num_cpus: int | None,
) -> dict[str, Any]:
    return crud.list_workflow_records(
        ctx.db,
        local_schedulers,
        workflow_id,
        crud.filters(LOCAL, memory=memory, num_cpus=num_cpus),
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        reverse_sort=reverse_sort,
    )
