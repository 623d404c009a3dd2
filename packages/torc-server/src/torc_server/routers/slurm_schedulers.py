"""Slurm allocation settings used to launch job runners (tag ``slurm_schedulers``)."""

from __future__ import annotations

import re
from typing import Any

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import slurm_schedulers

WALLTIME = re.compile(r"^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|UNLIMITED|INFINITE)$", re.IGNORECASE)
"""The time formats sbatch accepts: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S."""


def checked(body: m.SlurmSchedulerModel) -> m.SlurmSchedulerModel:
    if not WALLTIME.match(body.walltime):
        raise Unprocessable(
            f"invalid walltime {body.walltime!r}: use HH:MM:SS or D-HH:MM:SS (e.g. 04:00:00)"
        )
    if body.nodes < 1:
        raise Unprocessable(f"nodes must be at least 1, got {body.nodes}")
    if body.ntasks_per_node is not None and body.ntasks_per_node < 1:
        raise Unprocessable(f"ntasks_per_node must be at least 1, got {body.ntasks_per_node}")
    return body


@operation("create_slurm_scheduler")
def create_slurm_scheduler(
    ctx: ServerContext, slurm_scheduler_model: m.SlurmSchedulerModel
) -> dict[str, Any]:
    return crud.create_record(ctx.db, slurm_schedulers, checked(slurm_scheduler_model))


@operation("get_slurm_scheduler")
def get_slurm_scheduler(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.get_record(ctx.db, slurm_schedulers, id)


@operation("update_slurm_scheduler")
def update_slurm_scheduler(
    ctx: ServerContext, id: int, slurm_scheduler_model: m.SlurmSchedulerModel
) -> dict[str, Any]:
    return crud.update_record(ctx.db, slurm_schedulers, id, checked(slurm_scheduler_model))


@operation("delete_slurm_scheduler")
def delete_slurm_scheduler(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.delete_record(ctx.db, slurm_schedulers, id)


@operation("delete_slurm_schedulers")
def delete_slurm_schedulers(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    return crud.delete_workflow_records(ctx.db, slurm_schedulers, workflow_id)


@operation("list_slurm_schedulers")
def list_slurm_schedulers(
    ctx: ServerContext,
    workflow_id: int,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
) -> dict[str, Any]:
    return crud.list_workflow_records(
        ctx.db,
        slurm_schedulers,
        workflow_id,
        [],
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        reverse_sort=reverse_sort,
    )
