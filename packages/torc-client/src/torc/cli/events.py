"""``torc events``: a workflow's event log (status changes, runner and scheduler events)."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import CliError, choose_workflow, cli, emit, parse_json_option
from torc.cli.groups import new_group
from torc.cli.records import WorkflowIdArg, add_delete, add_list
from torc.events import event_line, event_time, follow_events, latest_event

app = new_group()
COLUMNS = ["id", "time", "category", "message"]
Category = Annotated[
    str | None, typer.Option("--category", "-c", help="Only events of this category.")
]


def rows(events: list[m.EventModel]) -> list[dict[str, Any]]:
    """Events for a table: readable time, category and message (or the raw data)."""
    table = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        message = data.get("message")
        table.append(
            {
                "id": event.id,
                "time": event_time(event),
                "category": data.get("category"),
                "message": message if isinstance(message, str) else json.dumps(event.data),
            }
        )
    return table


@app.command()
def create(
    ctx: typer.Context,
    data: Annotated[str, typer.Option("--data", "-d", help="The event's data as JSON.")],
    workflow_id: WorkflowIdArg = None,
) -> None:
    """Create a new event."""
    model = m.EventModel(
        workflow_id=choose_workflow(ctx, workflow_id),
        data=parse_json_option(data, "--data"),
        timestamp=int(time.time() * 1000),
    )
    event = cli(ctx).api.create_event(model)
    emit(ctx, event, text=f"Successfully created event {event.id}")


add_list(
    app,
    TorcApi.list_events,
    key="events",
    columns=COLUMNS,
    doc="List events for a workflow.",
    paging="short",
    filters={"category": (Category, None)},
    rows=rows,
)


@app.command()
def monitor(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    duration: Annotated[
        float | None,
        typer.Option("--duration", "-d", help="Minutes to watch (default: until interrupted)."),
    ] = None,
    poll_interval: Annotated[
        float, typer.Option("--poll-interval", "-p", help="Seconds between polls.")
    ] = 60.0,
    category: Category = None,
) -> None:
    """Monitor events for a workflow in real time.

    Prints each new event as it arrives (JSON: one object per line).
    """
    if poll_interval <= 0:
        raise CliError("--poll-interval must be positive")
    chosen = choose_workflow(ctx, workflow_id)
    cli(ctx).api.get_workflow(chosen)  # an unreachable server or unknown workflow: say so now
    as_json = cli(ctx).json
    if not as_json:
        typer.echo(f"Monitoring events of workflow {chosen} (Ctrl-C to stop)", err=True)
    for event in follow_events(
        cli(ctx).runner_api,  # a watch of hours rides out server restarts, as runners do
        chosen,
        category=category,
        poll_interval=poll_interval,
        duration=None if duration is None else duration * 60,
    ):
        text = json.dumps(event.model_dump(mode="json")) if as_json else event_line(event)
        typer.echo(text)


@app.command("get-latest-event")
def get_latest_event(ctx: typer.Context, workflow_id: WorkflowIdArg = None) -> None:
    """Get the latest event of a workflow."""
    chosen = choose_workflow(ctx, workflow_id)
    event = latest_event(cli(ctx).api, chosen)
    if event is None:
        emit(ctx, None, text=f"No events found for workflow {chosen}")
    else:
        emit(ctx, event)


add_delete(app, "event", TorcApi.delete_event)
