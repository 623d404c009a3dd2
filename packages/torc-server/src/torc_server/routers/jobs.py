"""Jobs and their lifecycle transitions (tag ``jobs``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

import torc_models as m
from torc_server import resources
from torc_server.context import ServerContext
from torc_server.crud import escape_like, filters, require_workflow
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.lifecycle import jobstore, transitions
from torc_server.lifecycle.jobstore import JOB, RR_COLUMNS
from torc_server.resources import T
from torc_server.wire import dump_json, status_code

MAX_BULK_JOBS = 100_000


@operation("create_job")
def create_job(ctx: ServerContext, job_model: m.JobModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return jobstore.insert_jobs(conn, [job_model])[0]


@operation("create_jobs")
def create_jobs(ctx: ServerContext, jobs_model: m.JobsModel) -> dict[str, Any]:
    if len(jobs_model.jobs) > MAX_BULK_JOBS:
        raise Unprocessable(f"at most {MAX_BULK_JOBS} jobs per request; split the request")
    with ctx.db.write() as conn:
        return {"jobs": jobstore.insert_jobs(conn, jobs_model.jobs)}


@operation("get_job")
def get_job(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return jobstore.get_job(conn, id)


@operation("update_job")
def update_job(ctx: ServerContext, id: int, job_model: m.JobModel) -> dict[str, Any]:
    """Replace a job's fields; relationship lists that are given replace the stored ones.
    Changed dependencies take effect at the next initialization."""
    with ctx.db.write() as conn:
        current = jobstore.get_job_row(conn, id)
        if job_model.workflow_id != current["workflow_id"]:
            raise Unprocessable(f"job {id} cannot move to another workflow")
        job_model.id = id
        values = resources.jobs.mapper.to_columns(job_model, skip=("id", "workflow_id", "status"))
        values["schedule_compute_nodes"] = dump_json(job_model.schedule_compute_nodes)
        rr_id = values.get("resource_requirements_id")
        if rr_id is not None and rr_id != current["resource_requirements_id"]:
            values.update(_requirement_columns(conn, current["workflow_id"], rr_id))
        conn.execute(update(JOB).where(JOB.c.id == id).values(values))
        jobstore.validate_references(conn, current["workflow_id"], [job_model])
        jobstore.write_links(conn, [job_model], replace=True)
        new_status = jobstore.requested_status(job_model)
        if new_status is not None:
            transitions.apply_status(conn, current, new_status)
        result = jobstore.get_job(conn, id)
    ctx.unblocker.wake()
    return result


def _requirement_columns(conn: Any, workflow_id: int, rr_id: int) -> dict[str, Any]:
    table = T["resource_requirements"]
    row = (
        conn.execute(select(table).where(table.c.id == rr_id, table.c.workflow_id == workflow_id))
        .mappings()
        .first()
    )
    if row is None:
        raise Unprocessable(f"no resource requirements with ID {rr_id} in workflow {workflow_id}")
    return {column: row[key] for key, column in RR_COLUMNS.items()}


@operation("delete_job")
def delete_job(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        record = jobstore.get_job(conn, id)
        conn.execute(delete(JOB).where(JOB.c.id == id))
        return record


@operation("delete_jobs")
def delete_jobs(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return {"count": resources.jobs.delete_all(conn, workflow_id)}


@operation("list_jobs")
def list_jobs(
    ctx: ServerContext,
    workflow_id: int,
    status: str | None,
    needs_file_id: int | None,
    upstream_job_id: int | None,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    include_relationships: bool | None,
    active_compute_node_id: int | None,
    origin_is_set: bool | None,
    name: str | None,
    command: str | None,
) -> dict[str, Any]:
    conditions = filters(
        JOB,
        workflow_id=workflow_id,
        status=None if status is None else status_code(status),
        active_compute_node_id=active_compute_node_id,
    )
    if origin_is_set is not None:
        conditions.append(JOB.c.origin.is_not(None) if origin_is_set else JOB.c.origin.is_(None))
    conditions += [
        JOB.c[column].ilike(f"%{escape_like(text)}%", escape="\\")
        for column, text in (("name", name), ("command", command))
        if text is not None
    ]
    if needs_file_id is not None:
        inputs = T["job_input_file"]
        conditions.append(
            JOB.c.id.in_(select(inputs.c.job_id).where(inputs.c.file_id == needs_file_id))
        )
    if upstream_job_id is not None:
        edges = T["job_depends_on"]
        conditions.append(
            JOB.c.id.in_(select(edges.c.job_id).where(edges.c.depends_on_job_id == upstream_job_id))
        )
    with ctx.db.read() as conn:
        require_workflow(conn, workflow_id)
        listing = resources.jobs.list(
            conn, conditions, offset=offset, limit=limit, sort_by=sort_by, reverse_sort=reverse_sort
        )
        if include_relationships and listing["items"]:
            links = jobstore.relationships(conn, [item["id"] for item in listing["items"]])
            listing["items"] = [{**item, **links[item["id"]]} for item in listing["items"]]
    return listing


@operation("start_job")
def start_job(ctx: ServerContext, id: int, run_id: int, compute_node_id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return transitions.start(conn, id, run_id, compute_node_id)


@operation("complete_job")
def complete_job(
    ctx: ServerContext, id: int, status: str, run_id: int, result_model: m.ResultModel
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        job = transitions.complete(conn, id, m.JobStatus(status), run_id, result_model)
    ctx.unblocker.wake(job["workflow_id"])
    return job


@operation("retry_job")
def retry_job(ctx: ServerContext, id: int, run_id: int, max_retries: int | None) -> dict[str, Any]:
    with ctx.db.write() as conn:
        job = transitions.retry(conn, id, run_id, max_retries)
    ctx.unblocker.wake()
    return job


@operation("manage_status_change")
def manage_status_change(ctx: ServerContext, id: int, status: str, run_id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        job = transitions.change_status(conn, id, m.JobStatus(status), run_id)
    ctx.unblocker.wake()
    return job
