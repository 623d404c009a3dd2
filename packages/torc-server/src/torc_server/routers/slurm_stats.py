"""Slurm accounting figures per job attempt (tag ``slurm_stats``)."""

from __future__ import annotations

from typing import Any

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.resources import T, slurm_stats


@operation("create_slurm_stats")
def create_slurm_stats(ctx: ServerContext, slurm_stats_model: m.SlurmStatsModel) -> dict[str, Any]:
    body = slurm_stats_model
    with ctx.db.write() as conn:
        crud.require_member(conn, resources.jobs, body.job_id, body.workflow_id, field="job_id")
        return slurm_stats.create(conn, body)


@operation("list_slurm_stats")
def list_slurm_stats(
    ctx: ServerContext,
    workflow_id: int,
    job_id: int | None,
    run_id: int | None,
    attempt_id: int | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    conditions = crud.filters(T["slurm_stats"], job_id=job_id, run_id=run_id, attempt_id=attempt_id)
    return crud.list_workflow_records(
        ctx.db, slurm_stats, workflow_id, conditions, offset=offset, limit=limit
    )
