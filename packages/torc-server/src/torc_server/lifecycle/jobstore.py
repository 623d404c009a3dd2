"""Reading and writing jobs with their relationships (dependencies, files, user data).

A job's relationships live in link tables; on the wire they are ID lists on the job. Bulk
creation validates every referenced ID once per request and inserts with batched
statements, so 100,000 jobs arrive in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text

import torc_models as m
from torc_server import resources
from torc_server.crud import require_workflow
from torc_server.errors import NotFound, Unprocessable
from torc_server.lifecycle.hashing import chunks
from torc_server.resources import T
from torc_server.wire import DISABLED, UNINITIALIZED, dump_json, status_code

JOB = T["job"]
LINKS: dict[str, tuple[str, str, str]] = {
    # wire field: (link table, column, table the IDs refer to)
    "depends_on_job_ids": ("job_depends_on", "depends_on_job_id", "job"),
    "input_file_ids": ("job_input_file", "file_id", "file"),
    "output_file_ids": ("job_output_file", "file_id", "file"),
    "input_user_data_ids": ("job_input_user_data", "user_data_id", "user_data"),
    "output_user_data_ids": ("job_output_user_data", "user_data_id", "user_data"),
}
RR_COLUMNS = {
    key: f"rr_{key}"
    for key in ("num_cpus", "num_gpus", "num_nodes", "memory_bytes", "runtime_seconds")
}


def _existing(conn: Connection, table: str, workflow_id: int, ids: set[int]) -> set[int]:
    target = T[table]
    found: set[int] = set()
    for part in chunks(sorted(ids)):
        found.update(
            conn.execute(
                select(target.c.id).where(
                    target.c.workflow_id == workflow_id, target.c.id.in_(part)
                )
            ).scalars()
        )
    return found


def _requirements(conn: Connection, workflow_id: int) -> tuple[dict[Any, Any], int | None]:
    table = T["resource_requirements"]
    rows = conn.execute(select(table).where(table.c.workflow_id == workflow_id)).mappings().all()
    by_id = {row["id"]: row for row in rows}
    default = next((row["id"] for row in rows if row["name"] == "default"), None)
    return by_id, default


def validate_references(conn: Connection, workflow_id: int, jobs: list[m.JobModel]) -> None:
    wanted: dict[str, set[int]] = defaultdict(set)
    for job in jobs:
        for field, (_, _, target) in LINKS.items():
            wanted[target].update(getattr(job, field) or ())
        if job.failure_handler_id is not None:
            wanted["failure_handler"].add(job.failure_handler_id)
        if job.id is not None and job.id in (job.depends_on_job_ids or ()):
            raise Unprocessable(f"job {job.name!r} cannot depend on itself")
    for target, ids in wanted.items():
        missing = ids - _existing(conn, target, workflow_id, ids)
        if missing:
            label = target.replace("_", " ")
            listed = ", ".join(str(i) for i in sorted(missing)[:10])
            raise Unprocessable(f"no {label} with ID {listed} in workflow {workflow_id}")


def job_columns(job: m.JobModel, requirements: Mapping[Any, Any] | None) -> dict[str, Any]:
    values = resources.jobs.mapper.to_columns(job)
    values["schedule_compute_nodes"] = dump_json(job.schedule_compute_nodes)
    values["status"] = DISABLED if job.status == m.JobStatus.disabled else UNINITIALIZED
    values["attempt_id"] = job.attempt_id or 1
    values["priority"] = job.priority or 0
    values["supports_termination"] = bool(job.supports_termination)
    if requirements is not None:
        values["resource_requirements_id"] = requirements["id"]
        values.update({column: requirements[key] for key, column in RR_COLUMNS.items()})
    return values


def insert_jobs(conn: Connection, jobs: list[m.JobModel]) -> list[dict[str, Any]]:
    """Create jobs (new jobs start uninitialized) with their links; return them."""
    by_workflow: dict[int, list[m.JobModel]] = defaultdict(list)
    for job in jobs:
        by_workflow[job.workflow_id].append(job)
    rows = []
    for workflow_id, group in by_workflow.items():
        require_workflow(conn, workflow_id)
        validate_references(conn, workflow_id, group)
        requirements, default = _requirements(conn, workflow_id)
        for job in group:
            rr_id = (
                job.resource_requirements_id
                if job.resource_requirements_id is not None
                else default
            )
            if rr_id is not None and rr_id not in requirements:
                raise Unprocessable(
                    f"job {job.name!r}: no resource requirements with ID {rr_id} in workflow "
                    f"{workflow_id}"
                )
            rows.append(job_columns(job, requirements.get(rr_id) if rr_id is not None else None))
    for row in rows:
        row.pop("id", None)
    # The rows come back from the INSERT itself and the links are the request's: reading
    # 100,000 new jobs back cost a third of their creation.
    statement = insert(JOB).returning(*JOB.c, sort_by_parameter_order=True)
    inserted = list(conn.execute(statement, rows).mappings()) if rows else []
    ordered = [job for group in by_workflow.values() for job in group]
    for record, job in zip(inserted, ordered, strict=True):
        job.id = record["id"]
    write_links(conn, ordered, replace=False)
    return [
        {**to_wire(record), **given_links(job)}
        for record, job in zip(inserted, ordered, strict=True)
    ]


def given_links(job: m.JobModel) -> dict[str, list[int]]:
    """A new job's relationships as :func:`relationships` reads them back: each target
    once, in ID order (a new job has no implicit dependencies yet)."""
    return {field: sorted(set(getattr(job, field) or ())) for field in LINKS}


def write_links(conn: Connection, jobs: Iterable[m.JobModel], *, replace: bool) -> None:
    jobs = list(jobs)
    for field, (table, column, _) in LINKS.items():
        given = [job for job in jobs if getattr(job, field) is not None]
        if replace and given:
            for part in chunks([job.id for job in given if job.id is not None]):
                conn.execute(delete(T[table]).where(T[table].c.job_id.in_(part)))
        rows = [
            {"job_id": job.id, column: target, "workflow_id": job.workflow_id}
            for job in given
            for target in dict.fromkeys(getattr(job, field))
        ]
        if rows:
            conn.execute(insert(T[table]), rows)


def relationships(conn: Connection, job_ids: list[int]) -> dict[int, dict[str, list[int]]]:
    found: dict[int, dict[str, list[int]]] = {i: {f: [] for f in LINKS} for i in job_ids}
    for field, (table, column, _) in LINKS.items():
        statement = text(
            f"SELECT job_id, {column} AS target FROM {table} WHERE job_id IN :ids"
            + (" AND implicit = :no" if table == "job_depends_on" else "")
            + f" ORDER BY job_id, {column}"
        ).bindparams(bindparam("ids", expanding=True))
        for part in chunks(job_ids):
            for row in conn.execute(statement, {"ids": part, "no": False}):
                found[row.job_id][field].append(row.target)
    return found


def to_wire(row: Mapping[Any, Any]) -> dict[str, Any]:
    return resources.jobs.mapper.to_wire(row)


def with_relationships(conn: Connection, rows: list[Mapping[Any, Any]]) -> list[dict[str, Any]]:
    links = relationships(conn, [row["id"] for row in rows])
    return [{**to_wire(row), **links[row["id"]]} for row in rows]


def get_job_row(conn: Connection, job_id: int) -> Mapping[Any, Any]:
    row = conn.execute(select(JOB).where(JOB.c.id == job_id)).mappings().first()
    if row is None:
        raise NotFound(f"job {job_id} does not exist")
    return row


def get_job(conn: Connection, job_id: int) -> dict[str, Any]:
    return with_relationships(conn, [get_job_row(conn, job_id)])[0]


def requested_status(job: m.JobModel) -> int | None:
    return None if job.status is None else status_code(job.status)
