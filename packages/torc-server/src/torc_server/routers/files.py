"""File records that jobs consume and produce (tag ``files``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.lifecycle import file_times
from torc_server.lifecycle.workflow_state import status_row
from torc_server.resources import T, files

FILE, OUTPUT = T["file"], T["job_output_file"]


def where(
    workflow_id: int,
    produced_by_job_id: int | None,
    name: str | None,
    path: str | None,
    is_output: bool | None,
) -> list[ColumnElement[bool]]:
    conditions = crud.filters(FILE, name=name, path=path)
    if produced_by_job_id is not None:
        produced = select(OUTPUT.c.file_id).where(OUTPUT.c.job_id == produced_by_job_id)
        conditions.append(FILE.c.id.in_(produced))
    if is_output is not None:
        outputs = select(OUTPUT.c.file_id).where(OUTPUT.c.workflow_id == workflow_id)
        conditions.append(FILE.c.id.in_(outputs) if is_output else FILE.c.id.not_in(outputs))
    return conditions


register_crud(
    files,
    create="create_file",
    get="get_file",
    update="update_file",
    delete="delete_file",
    delete_all="delete_files",
    list_="list_files",
    where=where,
)


@operation("create_files")
def create_files(ctx: ServerContext, files_model: m.FilesModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return {"files": files.create_many(conn, files_model.files)}


@operation("preview_changed_job_inputs")
def preview_changed_job_inputs(
    ctx: ServerContext,
    id: int,
    preview_changed_job_inputs_request: m.PreviewChangedJobInputsRequest,
) -> dict[str, Any]:
    with ctx.db.write() as conn:  # the savepoint's trial writes need the write lock
        status_row(conn, id)
        return file_times.preview_changed_jobs(conn, id, preview_changed_job_inputs_request.files)
