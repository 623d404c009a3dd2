"""``torc files``: the file records jobs read and write (their producers and consumers
become job dependencies)."""

from __future__ import annotations

from typing import Annotated

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import choose_workflow, cli, emit, fetch_all
from torc.cli.groups import new_group
from torc.cli.records import (
    NewName,
    WorkflowIdArg,
    add_delete,
    add_get,
    add_list,
    add_update,
    created_text,
    show_list,
)

app = new_group()
COLUMNS = ["id", "name", "path", "st_mtime"]


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the file.")],
    path: Annotated[str, typer.Option("--path", "-p", help="Path of the file.")],
    workflow_id: WorkflowIdArg = None,
) -> None:
    """Create a new file."""
    model = m.FileModel(workflow_id=choose_workflow(ctx, workflow_id), name=name, path=path)
    record = cli(ctx).api.create_file(model)
    fields = [("ID", "id"), ("Workflow ID", "workflow_id"), ("Name", "name"), ("Path", "path")]
    emit(ctx, record, text=created_text("created file", record, fields))


add_list(
    app,
    TorcApi.list_files,
    key="files",
    columns=COLUMNS,
    doc="List files.",
    filters={
        "produced_by_job_id": (
            Annotated[
                int | None,
                typer.Option("--produced-by-job-id", help="Only files produced by this job."),
            ],
            None,
        )
    },
)
add_get(app, "file", TorcApi.get_file)
add_update(
    app,
    "file",
    TorcApi.get_file,
    TorcApi.update_file,
    {
        "name": (NewName, None),
        "path": (Annotated[str | None, typer.Option("--path", "-p", help="New path.")], None),
    },
)
add_delete(app, "file", TorcApi.delete_file)


@app.command("list-required-existing")
def list_required_existing(ctx: typer.Context, workflow_id: WorkflowIdArg = None) -> None:
    """List the input files no job produces: they must exist before the workflow runs."""
    api = cli(ctx).api
    chosen = choose_workflow(ctx, workflow_id)
    required = set(api.list_required_existing_files(chosen).files or [])
    files = [f for f in fetch_all(lambda o: api.list_files(chosen, offset=o)) if f.id in required]
    show_list(ctx, files, key="files", columns=COLUMNS)
