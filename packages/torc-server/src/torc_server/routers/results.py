"""Outcomes of job runs (tag ``results``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

import torc_models as m
from torc_server import crud, resources
from torc_server.context import ServerContext
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


@operation("get_result")
def get_result(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.get_record(ctx.db, results, id)


@operation("update_result")
def update_result(ctx: ServerContext, id: int, result_model: m.ResultModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        workflow_id = results.get_row(conn, id)["workflow_id"]
        crud.require_member(conn, resources.jobs, result_model.job_id, workflow_id, field="job_id")
        return results.update(conn, id, result_model)


@operation("delete_result")
def delete_result(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.delete_record(ctx.db, results, id)


@operation("delete_results")
def delete_results(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    return crud.delete_workflow_records(ctx.db, results, workflow_id)


@operation("list_results")
def list_results(
    ctx: ServerContext,
    workflow_id: int,
    job_id: int | None,
    run_id: int | None,
    return_code: int | None,
    status: str | None,
    compute_node_id: int | None,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    all_runs: bool | None,
) -> dict[str, Any]:
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
    return crud.list_workflow_records(
        ctx.db,
        results,
        workflow_id,
        conditions,
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        reverse_sort=reverse_sort,
    )
