"""Slurm accounting figures per job attempt (tag ``slurm_stats``)."""

from __future__ import annotations

from typing import Any

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.resources import T, slurm_stats


@operation("create_slurm_stats")
def create_slurm_stats(ctx: ServerContext, slurm_stats_model: m.SlurmStatsModel) -> dict[str, Any]:
    body = slurm_stats_model
    with ctx.db.write() as conn:
        crud.require_member(conn, resources.jobs, body.job_id, body.workflow_id, field="job_id")
        return slurm_stats.create(conn, body)


register_crud(
    slurm_stats,
    list_="list_slurm_stats",
    where=lambda job_id, run_id, attempt_id: crud.filters(
        T["slurm_stats"], job_id=job_id, run_id=run_id, attempt_id=attempt_id
    ),
)
