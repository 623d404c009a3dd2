"""``torc user-data``: named JSON values that jobs produce and consume (their producers
and consumers become job dependencies)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import choose_workflow, cli, emit, fetch_all, parse_json_option
from torc.cli.groups import new_group
from torc.cli.records import (
    NewName,
    RequiredWorkflowIdArg,
    WorkflowIdArg,
    add_delete,
    add_get,
    add_list,
    add_update,
    created_text,
    parse_bool,
    show_list,
)

app = new_group()
COLUMNS = ["id", "name", "is_ephemeral", "data"]
Data = Annotated[str | None, typer.Option("--data", "-d", help="The data as JSON.")]
ConsumerJob = Annotated[
    int | None, typer.Option("--consumer-job-id", help="Job that consumes (reads) the data.")
]
ProducerJob = Annotated[
    int | None, typer.Option("--producer-job-id", help="Job that produces (writes) the data.")
]


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the user data.")],
    workflow_id: WorkflowIdArg = None,
    data: Data = None,
    ephemeral: Annotated[
        bool, typer.Option("--ephemeral", help="The data is ephemeral (cleared between runs).")
    ] = False,
    consumer_job_id: ConsumerJob = None,
    producer_job_id: ProducerJob = None,
) -> None:
    """Create a new user data record."""
    model = m.UserDataModel(
        workflow_id=choose_workflow(ctx, workflow_id),
        name=name,
        data=parse_json_option(data, "--data"),
        is_ephemeral=ephemeral,
    )
    record = cli(ctx).api.create_user_data(
        model, consumer_job_id=consumer_job_id, producer_job_id=producer_job_id
    )
    fields = [("ID", "id"), ("Workflow ID", "workflow_id"), ("Name", "name")]
    emit(ctx, record, text=created_text("created user data", record, fields))


def _list_query(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "is_ephemeral": parse_bool(values["is_ephemeral"], "--is-ephemeral")}


add_list(
    app,
    TorcApi.list_user_data,
    key="user_data",
    columns=COLUMNS,
    doc="List user data records.",
    paging="offset_o",
    default_limit=50,
    filters={
        "name": (Annotated[str | None, typer.Option("--name", help="Only this name.")], None),
        "is_ephemeral": (
            Annotated[
                str | None,
                typer.Option("--is-ephemeral", metavar="true|false", help="Only (non-)ephemeral."),
            ],
            None,
        ),
        "consumer_job_id": (ConsumerJob, None),
        "producer_job_id": (ProducerJob, None),
    },
    adapt=_list_query,
)
add_get(app, "user data record", TorcApi.get_user_data)


add_update(
    app,
    "user data record",
    TorcApi.get_user_data,
    TorcApi.update_user_data,
    {
        "name": (NewName, None),
        "data": (Data, lambda raw: parse_json_option(raw, "--data")),
        "is_ephemeral": (
            Annotated[
                str | None,
                typer.Option("--ephemeral", metavar="true|false", help="Whether it is ephemeral."),
            ],
            lambda raw: parse_bool(raw, "--ephemeral"),
        ),
    },
)
add_delete(app, "user data record", TorcApi.delete_user_data)


@app.command("delete-all")
def delete_all(ctx: typer.Context, workflow_id: RequiredWorkflowIdArg) -> None:
    """Delete all user data records of a workflow."""
    outcome = cli(ctx).api.delete_all_user_data(workflow_id)
    count = outcome.get("count", "all")
    emit(ctx, outcome, text=f"Deleted {count} user data records of workflow {workflow_id}")


@app.command("list-missing")
def list_missing(ctx: typer.Context, workflow_id: RequiredWorkflowIdArg) -> None:
    """List user data that jobs need but that has no data and no producing job."""
    api = cli(ctx).api
    missing = set(api.list_missing_user_data(workflow_id).user_data or [])
    records = fetch_all(lambda o: api.list_user_data(workflow_id, offset=o))
    show_list(ctx, [r for r in records if r.id in missing], key="user_data", columns=COLUMNS)
