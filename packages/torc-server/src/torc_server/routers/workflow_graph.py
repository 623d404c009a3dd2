"""Read-only views of a workflow's graph: dependencies and data flow (tag ``workflows``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from torc_server.context import ServerContext
from torc_server.crud import page, require_workflow
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable

DEPENDENCIES = """
SELECT d.workflow_id, d.job_id, j.name AS job_name,
       d.depends_on_job_id, b.name AS depends_on_job_name
FROM job_depends_on d JOIN job j ON j.id = d.job_id JOIN job b ON b.id = d.depends_on_job_id
WHERE d.workflow_id = :w
"""

# One row per (record, producer, consumer); a record without producers or consumers still
# appears once, with nulls.
RELATIONSHIPS = """
SELECT r.workflow_id, r.id AS {key}_id, r.name AS {key}_name{extra},
       o.job_id AS producer_job_id, pj.name AS producer_job_name,
       i.job_id AS consumer_job_id, cj.name AS consumer_job_name
FROM {table} r
LEFT JOIN job_output_{table} o ON o.{key}_id = r.id LEFT JOIN job pj ON pj.id = o.job_id
LEFT JOIN job_input_{table} i ON i.{key}_id = r.id LEFT JOIN job cj ON cj.id = i.job_id
WHERE r.workflow_id = :w AND (o.job_id IS NOT NULL OR i.job_id IS NOT NULL)
"""


def _paged(
    conn: Connection,
    sql: str,
    workflow_id: int,
    columns: list[str],
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
) -> dict[str, Any]:
    require_workflow(conn, workflow_id)
    if sort_by is not None and sort_by not in columns:
        raise Unprocessable(f"cannot sort by '{sort_by}'; use one of {', '.join(columns)}")
    direction = " DESC" if reverse_sort else ""
    order = ", ".join(f"{c}{direction}" for c in ([sort_by] if sort_by else []) + columns[1:3])
    total = conn.execute(
        text(f"SELECT COUNT(*) FROM ({sql}) counted"), {"w": workflow_id}
    ).scalar_one()
    rows = conn.execute(
        text(f"SELECT * FROM ({sql}) listed ORDER BY {order} LIMIT :limit OFFSET :offset"),
        {"w": workflow_id, "limit": limit, "offset": offset},
    ).mappings()
    return page([{c: row[c] for c in columns} for row in rows], offset, total)


@operation("list_job_dependencies")
def list_job_dependencies(
    ctx: ServerContext, id: int, offset: int, limit: int, sort_by: str | None, reverse_sort: bool
) -> dict[str, Any]:
    columns = ["workflow_id", "job_id", "depends_on_job_id", "job_name", "depends_on_job_name"]
    with ctx.db.read() as conn:
        return _paged(conn, DEPENDENCIES, id, columns, offset, limit, sort_by, reverse_sort)


def _relationships(
    ctx: ServerContext,
    kind: str,
    id: int,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
) -> dict[str, Any]:
    key = "file" if kind == "file" else "user_data"
    extra = ", r.path AS file_path" if kind == "file" else ""
    sql = RELATIONSHIPS.format(key=key, table=kind, extra=extra)
    columns = ["workflow_id", f"{key}_id", "producer_job_id", "consumer_job_id", f"{key}_name"]
    columns += ["producer_job_name", "consumer_job_name", *(["file_path"] if extra else [])]
    with ctx.db.read() as conn:
        return _paged(conn, sql, id, columns, offset, limit, sort_by, reverse_sort)


@operation("list_job_file_relationships")
def list_job_file_relationships(
    ctx: ServerContext, id: int, offset: int, limit: int, sort_by: str | None, reverse_sort: bool
) -> dict[str, Any]:
    return _relationships(ctx, "file", id, offset, limit, sort_by, reverse_sort)


@operation("list_job_user_data_relationships")
def list_job_user_data_relationships(
    ctx: ServerContext, id: int, offset: int, limit: int, sort_by: str | None, reverse_sort: bool
) -> dict[str, Any]:
    return _relationships(ctx, "user_data", id, offset, limit, sort_by, reverse_sort)


@operation("list_job_ids")
def list_job_ids(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        require_workflow(conn, id)
        ids = list(
            conn.execute(
                text("SELECT id FROM job WHERE workflow_id = :w ORDER BY id"), {"w": id}
            ).scalars()
        )
    return {"job_ids": ids, "count": len(ids)}


@operation("list_missing_user_data")
def list_missing_user_data(ctx: ServerContext, id: int) -> dict[str, Any]:
    """Inputs no job produces and nobody has filled in: the workflow cannot run without them."""
    sql = """
    SELECT DISTINCT u.id FROM user_data u JOIN job_input_user_data i ON i.user_data_id = u.id
    WHERE u.workflow_id = :w AND u.data IS NULL
      AND NOT EXISTS (SELECT 1 FROM job_output_user_data o WHERE o.user_data_id = u.id)
    ORDER BY u.id
    """
    with ctx.db.read() as conn:
        require_workflow(conn, id)
        return {"user_data": list(conn.execute(text(sql), {"w": id}).scalars())}


@operation("list_required_existing_files")
def list_required_existing_files(ctx: ServerContext, id: int) -> dict[str, Any]:
    """Input files no job produces: they must exist before the workflow starts."""
    sql = """
    SELECT DISTINCT f.id FROM file f JOIN job_input_file i ON i.file_id = f.id
    WHERE f.workflow_id = :w
      AND NOT EXISTS (SELECT 1 FROM job_output_file o WHERE o.file_id = f.id)
    ORDER BY f.id
    """
    with ctx.db.read() as conn:
        require_workflow(conn, id)
        return {"files": list(conn.execute(text(sql), {"w": id}).scalars())}
