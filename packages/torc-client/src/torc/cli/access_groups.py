"""``torc access-groups``: groups of users, and the workflows shared with them.

With ``torc-server --enforce-access-control`` a workflow is open to its owner, to the
members of the groups it is shared with and to system administrators. Only
administrators create and delete groups; a group's admins add members and share
workflows with it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from torc.access import groups
from torc.cli.common import cli, emit, emit_page
from torc.cli.groups import new_group

app = new_group()
GROUP_COLUMNS = ["id", "name", "description"]

GroupId = Annotated[int, typer.Argument(help="ID of the access group.")]
WorkflowId = Annotated[int, typer.Argument(help="ID of the workflow.")]
UserName = Annotated[str, typer.Argument(help="Name of the user.")]


class Role(StrEnum):
    member = "member"
    admin = "admin"


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unique name of the group.")],
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What the group is for.")
    ] = None,
) -> None:
    """Create an access group (system administrators only)."""
    group = groups.create(cli(ctx).api, name, description)
    lines = ["Successfully created access group:", f"  ID: {group.id}", f"  Name: {group.name}"]
    if group.description:
        lines.append(f"  Description: {group.description}")
    emit(ctx, group, text="\n".join(lines))


@app.command("list")
def list_groups(ctx: typer.Context) -> None:
    """List all access groups."""
    emit_page(ctx, groups.all_groups(cli(ctx).api), GROUP_COLUMNS)


@app.command()
def get(ctx: typer.Context, group_id: GroupId) -> None:
    """Show one access group."""
    emit(ctx, cli(ctx).api.get_access_group(group_id))


@app.command()
def delete(ctx: typer.Context, group_id: GroupId) -> None:
    """Delete an access group and its memberships (system administrators only)."""
    group = cli(ctx).api.delete_access_group(group_id)
    emit(ctx, group, text=f"Successfully deleted access group {group_id}")


@app.command("add-user")
def add_user(
    ctx: typer.Context,
    group_id: GroupId,
    user_name: UserName,
    role: Annotated[
        Role, typer.Option("--role", help="member, or admin (may share workflows with the group).")
    ] = Role.member,
) -> None:
    """Add a user to an access group."""
    member = groups.add_user(cli(ctx).api, group_id, user_name, role.value)
    text = f"Successfully added user '{user_name}' to access group {group_id} (role: {member.role})"
    emit(ctx, member, text=text)


@app.command("list-members")
def list_members(ctx: typer.Context, group_id: GroupId) -> None:
    """List the members of an access group and their roles."""
    emit_page(ctx, groups.members(cli(ctx).api, group_id), ["user_name", "role"])


@app.command("remove-user")
def remove_user(ctx: typer.Context, group_id: GroupId, user_name: UserName) -> None:
    """Remove a user from an access group."""
    member = cli(ctx).api.remove_user_from_group(group_id, user_name)
    emit(ctx, member, text=f"Successfully removed user '{user_name}' from access group {group_id}")


@app.command("list-user-groups")
def list_user_groups(ctx: typer.Context, user_name: UserName) -> None:
    """List the access groups a user belongs to."""
    emit_page(ctx, groups.groups_of_user(cli(ctx).api, user_name), GROUP_COLUMNS)


@app.command("add-workflow")
def add_workflow(ctx: typer.Context, workflow_id: WorkflowId, group_id: GroupId) -> None:
    """Share a workflow with an access group (its owner or a group admin)."""
    shared = cli(ctx).api.add_workflow_to_group(workflow_id, group_id)
    emit(ctx, shared, text=f"Successfully added workflow {workflow_id} to access group {group_id}")


@app.command("list-workflow-groups")
def list_workflow_groups(ctx: typer.Context, workflow_id: WorkflowId) -> None:
    """List the access groups a workflow is shared with."""
    emit_page(ctx, groups.groups_of_workflow(cli(ctx).api, workflow_id), GROUP_COLUMNS)


@app.command("remove-workflow")
def remove_workflow(ctx: typer.Context, workflow_id: WorkflowId, group_id: GroupId) -> None:
    """Stop sharing a workflow with an access group."""
    removed = cli(ctx).api.remove_workflow_from_group(workflow_id, group_id)
    text = f"Successfully removed workflow {workflow_id} from access group {group_id}"
    emit(ctx, removed, text=text)
