"""File records that jobs consume and produce (tag ``files``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.resources import T, files

FILE, OUTPUT = T["file"], T["job_output_file"]


@operation("create_file")
def create_file(ctx: ServerContext, file_model: m.FileModel) -> dict[str, Any]:
    return crud.create_record(ctx.db, files, file_model)


@operation("create_files")
def create_files(ctx: ServerContext, files_model: m.FilesModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return {"files": files.create_many(conn, files_model.files)}


@operation("get_file")
def get_file(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.get_record(ctx.db, files, id)


@operation("update_file")
def update_file(ctx: ServerContext, id: int, file_model: m.FileModel) -> dict[str, Any]:
    return crud.update_record(ctx.db, files, id, file_model)


@operation("delete_file")
def delete_file(ctx: ServerContext, id: int) -> dict[str, Any]:
    return crud.delete_record(ctx.db, files, id)


@operation("delete_files")
def delete_files(ctx: ServerContext, workflow_id: int) -> dict[str, Any]:
    return crud.delete_workflow_records(ctx.db, files, workflow_id)


@operation("list_files")
def list_files(
    ctx: ServerContext,
    workflow_id: int,
    produced_by_job_id: int | None,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    name: str | None,
    path: str | None,
    is_output: bool | None,
) -> dict[str, Any]:
    conditions = crud.filters(FILE, name=name, path=path)
    if produced_by_job_id is not None:
        produced = select(OUTPUT.c.file_id).where(OUTPUT.c.job_id == produced_by_job_id)
        conditions.append(FILE.c.id.in_(produced))
    if is_output is not None:
        outputs = select(OUTPUT.c.file_id).where(OUTPUT.c.workflow_id == workflow_id)
        conditions.append(FILE.c.id.in_(outputs) if is_output else FILE.c.id.not_in(outputs))
    return crud.list_workflow_records(
        ctx.db,
        files,
        workflow_id,
        conditions,
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        reverse_sort=reverse_sort,
    )
