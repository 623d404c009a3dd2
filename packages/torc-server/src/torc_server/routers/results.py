"""Outcomes of job runs (tag ``results``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.resources import T, results
from torc_server.wire import status_code

RESULT, STATUS = T["result"], T["workflow_status"]


@operation("create_result")
def create_result(ctx: ServerContext, result_model: m.ResultModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        crud.require_member(
            conn, resources.jobs, result_model.job_id, result_model.workflow_id, field="job_id"
        )
        return results.create(conn, result_model)


@operation("update_result")
def update_result(ctx: ServerContext, id: int, result_model: m.ResultModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        workflow_id = results.get_row(conn, id)["workflow_id"]
        crud.require_member(conn, resources.jobs, result_model.job_id, workflow_id, field="job_id")
        return results.update(conn, id, result_model)


def where(
    workflow_id: int,
    job_id: int | None,
    run_id: int | None,
    return_code: int | None,
    status: str | None,
    compute_node_id: int | None,
    all_runs: bool | None,
) -> list[ColumnElement[bool]]:
    """Without ``run_id`` or ``all_runs``, only results of the workflow's current run."""
    conditions = crud.filters(
        RESULT,
        job_id=job_id,
        run_id=run_id,
        return_code=return_code,
        compute_node_id=compute_node_id,
        status=None if status is None else status_code(status),
    )
    if run_id is None and not all_runs:
        current = select(STATUS.c.run_id).where(STATUS.c.workflow_id == workflow_id)
        conditions.append(RESULT.c.run_id == current.scalar_subquery())
    return conditions


register_crud(
    results,
    get="get_result",
    delete="delete_result",
    delete_all="delete_results",
    list_="list_results",
    where=where,
)
