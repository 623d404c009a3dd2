"""``torc workflows``: create, inspect, change and delete workflows.

Running state (initialize, reset, cancel) is in ``workflows_run`` and specs, plans,
export and import in ``workflows_io``; their commands are registered on this group.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli import run_cmd, submit, submit_slurm, workflows_io, workflows_run
from torc.cli.common import CliError, choose_workflow, cli, current_user, emit
from torc.cli.groups import new_group
from torc.cli.records import (
    WorkflowIdArg,
    add_list,
    confirm,
    created_text,
    option,
    parse_bool,
    show_list,
)
from torc.workflows.operations import set_archived

app = new_group()

COLUMNS = ["id", "name", "user", "description", "timestamp"]
SUMMARY_FIELDS = [("ID", "id"), ("Name", "name"), ("User", "user"), ("Description", "description")]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        "-u",
        help="User (default: the authenticated user, else the USER environment variable).",
    ),
]
ChoiceUser = Annotated[
    str | None,
    typer.Option("--user", "-u", help="User whose workflows to choose from when prompting."),
]


@app.command()
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the workflow.")],
    user: UserOption = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="Description of the workflow.")
    ] = None,
) -> None:
    """Create a new empty workflow."""
    model = m.WorkflowModel(name=name, user=user or current_user(), description=description)
    workflow = cli(ctx).api.create_workflow(model)
    emit(ctx, workflow, text=created_text("created workflow", workflow, SUMMARY_FIELDS))


def _list_query(values: dict[str, Any]) -> dict[str, Any]:
    """The current user's non-archived workflows unless the options widen the scope."""
    user, all_users = values.pop("user"), values.pop("all_users")
    archived_only, include_archived = values.pop("archived_only"), values.pop("include_archived")
    return {
        **values,
        "user": None if all_users else (user or current_user()),
        "is_archived": None if include_archived else archived_only,
    }


add_list(
    app,
    TorcApi.list_workflows,
    key="workflows",
    columns=COLUMNS,
    doc="List workflows (by default the current user's, without archived ones).",
    scoped=False,
    filters={
        "user": (UserOption, None),
        "all_users": (option(bool, "--all-users", help="All users (overrides --user)."), False),
        "archived_only": (option(bool, "--archived-only", help="Only archived ones."), False),
        "include_archived": (
            option(bool, "--include-archived", help="Archived and non-archived ones."),
            False,
        ),
    },
    adapt=_list_query,
)


@app.command()
def get(ctx: typer.Context, id: WorkflowIdArg = None, user: ChoiceUser = None) -> None:
    """Get a specific workflow by ID."""
    emit(ctx, cli(ctx).api.get_workflow(choose_workflow(ctx, id, user=user)))


@app.command()
def update(
    ctx: typer.Context,
    id: WorkflowIdArg = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="New name.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="New description.")
    ] = None,
    owner_user: Annotated[
        str | None, typer.Option("--owner-user", help="User that owns the workflow.")
    ] = None,
) -> None:
    """Update an existing workflow."""
    api = cli(ctx).api
    workflow_id = choose_workflow(ctx, id)
    changes = {"name": name, "description": description, "user": owner_user}
    current = api.get_workflow(workflow_id)
    updated = api.update_workflow(
        workflow_id,
        current.model_copy(update={k: v for k, v in changes.items() if v is not None}),
    )
    emit(ctx, updated, text=created_text("updated workflow", updated, SUMMARY_FIELDS))


@app.command()
def delete(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None,
        typer.Argument(
            help="IDs of the workflows (optional: prompts if not given).", show_default=False
        ),
    ] = None,
    no_prompts: Annotated[bool, typer.Option("--no-prompts", help="Skip confirmation.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Delete even if another user owns the workflow.")
    ] = False,
) -> None:
    """Delete one or more workflows with all their jobs, files, data and results."""
    api = cli(ctx).api
    me = current_user()
    deleted = []
    for workflow_id in ids or [choose_workflow(ctx, None)]:
        workflow = api.get_workflow(workflow_id)
        if workflow.user != me and not force:
            raise CliError(
                f"workflow {workflow_id} belongs to user '{workflow.user}' (you are '{me}'); "
                "use --force to delete it"
            )
        jobs = api.list_jobs(workflow_id, limit=1).total_count
        question = f"Delete workflow {workflow_id} ({workflow.name}) and its {jobs} job(s)?"
        if not confirm(ctx, question, no_prompts=no_prompts):
            typer.echo(f"Kept workflow {workflow_id}")
            continue
        deleted.append(api.delete_workflow(workflow_id))
        if not cli(ctx).json:
            typer.echo(f"Successfully deleted workflow {workflow_id}")
    if cli(ctx).json:
        emit(ctx, deleted, key="workflows")


@app.command()
def archive(
    ctx: typer.Context,
    is_archived: Annotated[
        str, typer.Argument(help="true to archive, false to unarchive.", metavar="IS_ARCHIVED")
    ],
    workflow_ids: Annotated[
        list[int] | None,
        typer.Argument(
            help="IDs of the workflows (optional: prompts if not given).", show_default=False
        ),
    ] = None,
) -> None:
    """Archive or unarchive one or more workflows (archived ones are hidden from lists)."""
    archived = parse_bool(is_archived, "IS_ARCHIVED")
    assert archived is not None
    api = cli(ctx).api
    ids = workflow_ids or [choose_workflow(ctx, None)]
    action = "archived" if archived else "unarchived"
    for workflow_id in ids:
        set_archived(api, workflow_id, archived)
        if not cli(ctx).json:
            typer.echo(f"Successfully {action} workflow {workflow_id}")
    if cli(ctx).json:
        emit(ctx, {"status": "success", "updated_workflows": ids, "is_archived": archived})


@app.command()
def status(ctx: typer.Context, workflow_id: WorkflowIdArg = None, user: ChoiceUser = None) -> None:
    """Get workflow status: run ID, canceled and archived flags, and job counts."""
    chosen = choose_workflow(ctx, workflow_id, user=user)
    api = cli(ctx).api
    state = api.get_workflow_status(chosen)
    counts = {s.value: getattr(state.jobs_by_status, s.value) for s in m.JobStatus}

    def text() -> str:
        lines = [
            f"Workflow {chosen} status:",
            f"  Run ID: {state.run_id}",
            f"  Canceled: {'true' if state.is_canceled else 'false'}",
            f"  Archived: {'true' if state.is_archived else 'false'}",
            f"Jobs (total: {sum(counts.values())}):",
        ]
        return "\n".join(lines + [f"  {k}: {n}" for k, n in counts.items() if n])

    emit(ctx, state, text=text)


@app.command("is-complete")
def is_complete(ctx: typer.Context, id: WorkflowIdArg = None) -> None:
    """Check if a workflow is complete."""
    workflow_id = choose_workflow(ctx, id)
    state = cli(ctx).api.is_workflow_complete(workflow_id)

    def text() -> str:
        def flag(value: bool | None) -> str:
            return "true" if value else "false"

        return "\n".join(
            [
                f"Workflow {workflow_id} completion status:",
                f"  Is Complete: {flag(state.is_complete)}",
                f"  Is Canceled: {flag(state.is_canceled)}",
                f"  Needs Completion Script: {flag(state.needs_to_run_completion_script)}",
            ]
        )

    emit(ctx, {"workflow_id": workflow_id, **state.model_dump(mode="json")}, text=text)


@app.command("list-actions")
def list_actions(
    ctx: typer.Context, workflow_id: WorkflowIdArg = None, user: ChoiceUser = None
) -> None:
    """List workflow actions and their status (for debugging action triggers)."""
    actions = cli(ctx).api.get_workflow_actions(choose_workflow(ctx, workflow_id, user=user))
    columns = ["id", "trigger_type", "action_type", "executed", "trigger_count"]
    show_list(
        ctx,
        actions,
        key="actions",
        columns=[*columns, "required_triggers", "persistent", "job_ids"],
    )


for group in (workflows_io.commands, workflows_run.commands):
    app.registered_commands += group.registered_commands
app.command("run")(run_cmd.workflows_run)
app.command("submit")(submit.workflows_submit)
app.command("create-slurm")(submit_slurm.create_slurm)

from torc.cli import workflows_sync  # noqa: E402  (sync-status)

app.registered_commands += workflows_sync.commands.registered_commands
