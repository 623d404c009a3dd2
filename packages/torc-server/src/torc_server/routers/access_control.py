"""Access groups, their members and the workflows shared with them (tag ``access_control``).

Listings here use the access-control page shape (``limit`` instead of ``max_limit``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, select

import torc_models as m
from torc_server import crud
from torc_server.auth import htpasswd
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.errors import Conflict, Forbidden, NotFound, Unprocessable
from torc_server.resources import T, access_groups, memberships

GROUP, MEMBER, SHARED, WORKFLOW = (
    T["access_group"],
    T["user_group_membership"],
    T["workflow_access_group"],
    T["workflow"],
)
ROLES = ("member", "admin")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def access_page(
    conn: Connection,
    resource: crud.Resource,
    conditions: list[ColumnElement[bool]],
    offset: int,
    limit: int,
) -> dict[str, Any]:
    return resource.list(
        conn,
        conditions,
        offset=offset,
        limit=limit,
        sort_by=None,
        reverse_sort=False,
        access_shape=True,
    )


def membership_row(conn: Connection, group_id: int, user_name: str) -> Any:
    return (
        conn.execute(
            select(MEMBER).where(MEMBER.c.group_id == group_id, MEMBER.c.user_name == user_name)
        )
        .mappings()
        .first()
    )


def share_row(conn: Connection, workflow_id: int, group_id: int) -> Any:
    crud.require_workflow(conn, workflow_id)
    access_groups.get_row(conn, group_id)
    query = select(SHARED).where(SHARED.c.workflow_id == workflow_id, SHARED.c.group_id == group_id)
    return conn.execute(query).mappings().first()


def user_group(conn: Connection, group_id: int) -> Any:
    """A group whose members the API may change: not the system admin group."""
    row = access_groups.get_row(conn, group_id)
    if row["is_system"]:
        raise Forbidden("Admin group membership is managed via server configuration (--admin-user)")
    return row


@operation("list_access_groups")
def list_access_groups(ctx: ServerContext, offset: int, limit: int) -> dict[str, Any]:
    """The groups users made; the system admin group is left out (get it by its ID, 0)."""
    with ctx.db.read() as conn:
        return access_page(conn, access_groups, [GROUP.c.is_system.is_(False)], offset, limit)


@operation("create_access_group")
def create_access_group(
    ctx: ServerContext, access_group_model: m.AccessGroupModel
) -> dict[str, Any]:
    name = access_group_model.name.strip()
    if not name:
        raise Unprocessable("name must not be empty")
    with ctx.db.write() as conn:
        if conn.execute(select(GROUP.c.id).where(GROUP.c.name == name)).first() is not None:
            raise Conflict(f"an access group named {name!r} already exists")
        update = {"name": name, "created_at": now(), "is_system": False}
        return access_groups.create(conn, access_group_model.model_copy(update=update))


register_crud(access_groups, get="get_access_group")


@operation("delete_access_group")
def delete_access_group(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        user_group(conn, id)
        return access_groups.delete(conn, id)


@operation("list_group_members")
def list_group_members(ctx: ServerContext, id: int, offset: int, limit: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        access_groups.get_row(conn, id)
        return access_page(conn, memberships, [MEMBER.c.group_id == id], offset, limit)


@operation("add_user_to_group")
def add_user_to_group(
    ctx: ServerContext, id: int, user_group_membership_model: m.UserGroupMembershipModel
) -> dict[str, Any]:
    body = user_group_membership_model
    if body.group_id != id:
        raise Unprocessable(f"group_id {body.group_id} differs from the group in the path, {id}")
    if body.role not in ROLES:
        raise Unprocessable(f"role must be one of {', '.join(ROLES)}; got {body.role!r}")
    if not body.user_name.strip():
        raise Unprocessable("user_name must not be empty")
    with ctx.db.write() as conn:
        user_group(conn, id)
        if membership_row(conn, id, body.user_name) is not None:
            raise Conflict(f"user {body.user_name!r} is already a member of access group {id}")
        return memberships.create(conn, body.model_copy(update={"created_at": now()}))


@operation("remove_user_from_group")
def remove_user_from_group(ctx: ServerContext, id: int, user_name: str) -> dict[str, Any]:
    with ctx.db.write() as conn:
        user_group(conn, id)
        row = membership_row(conn, id, user_name)
        if row is None:
            raise NotFound(f"user {user_name!r} is not a member of access group {id}")
        return memberships.delete(conn, row["id"])


@operation("list_user_groups")
def list_user_groups(ctx: ServerContext, user_name: str, offset: int, limit: int) -> dict[str, Any]:
    """The user groups the user belongs to (the system admin group is not one)."""
    joined = select(MEMBER.c.group_id).where(MEMBER.c.user_name == user_name)
    conditions: list[ColumnElement[bool]] = [GROUP.c.id.in_(joined), GROUP.c.is_system.is_(False)]
    with ctx.db.read() as conn:
        return access_page(conn, access_groups, conditions, offset, limit)


@operation("list_workflow_groups")
def list_workflow_groups(ctx: ServerContext, id: int, offset: int, limit: int) -> dict[str, Any]:
    shared = select(SHARED.c.group_id).where(SHARED.c.workflow_id == id)
    with ctx.db.read() as conn:
        crud.require_workflow(conn, id)
        return access_page(conn, access_groups, [GROUP.c.id.in_(shared)], offset, limit)


@operation("add_workflow_to_group")
def add_workflow_to_group(ctx: ServerContext, id: int, group_id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        if share_row(conn, id, group_id) is not None:
            raise Conflict(f"workflow {id} is already shared with access group {group_id}")
        link = {"workflow_id": id, "group_id": group_id, "created_at": now()}
        conn.execute(insert(SHARED).values(link))
        return link


@operation("add_workflow_to_group_by_body")
def add_workflow_to_group_by_body(
    ctx: ServerContext, id: int, workflow_access_group_model: m.WorkflowAccessGroupModel
) -> dict[str, Any]:
    """The 0.12 clients' form: the group in the body (its workflow_id, if any, must agree)."""
    body = workflow_access_group_model
    if body.workflow_id not in (None, id):
        raise Unprocessable(
            f"workflow_id: the body names workflow {body.workflow_id}, the path workflow {id}"
        )
    shared: dict[str, Any] = add_workflow_to_group(ctx, id, body.group_id)
    return shared


@operation("remove_workflow_from_group")
def remove_workflow_from_group(ctx: ServerContext, id: int, group_id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        link = share_row(conn, id, group_id)
        if link is None:
            raise NotFound(f"workflow {id} is not shared with access group {group_id}")
        conn.execute(
            delete(SHARED).where(SHARED.c.workflow_id == id, SHARED.c.group_id == group_id)
        )
        return dict(link)


@operation("check_workflow_access")
def check_workflow_access(ctx: ServerContext, workflow_id: int, user_name: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        owner = conn.execute(select(WORKFLOW.c.user).where(WORKFLOW.c.id == workflow_id)).scalar()
        if owner is None:
            raise NotFound(f"workflow {workflow_id} does not exist")
        group = conn.execute(
            select(GROUP.c.name)
            .join(SHARED, SHARED.c.group_id == GROUP.c.id)
            .join(MEMBER, MEMBER.c.group_id == GROUP.c.id)
            .where(SHARED.c.workflow_id == workflow_id, MEMBER.c.user_name == user_name)
            .order_by(GROUP.c.name)
        ).scalar()
    admin = user_name in ctx.settings.admin_users
    if owner == user_name:
        reason = f"{user_name} owns workflow {workflow_id}"
    elif admin:
        reason = f"{user_name} is a system administrator"
    elif group is not None:
        reason = f"{user_name} belongs to access group {group!r}, which the workflow is shared with"
    else:
        reason = f"{user_name} neither owns the workflow nor belongs to a group it is shared with"
    return {
        "workflow_id": workflow_id,
        "user_name": user_name,
        "has_access": owner == user_name or admin or group is not None,
        "reason": reason,
    }


@operation("reload_auth")
def reload_auth(ctx: ServerContext) -> dict[str, Any]:
    if ctx.auth is None:
        return {"message": "authentication is not configured; no users loaded", "user_count": 0}
    try:
        count = ctx.auth.reload()
    except (OSError, htpasswd.HtpasswdError) as exc:
        raise Unprocessable(f"cannot reload {ctx.auth.path}, the old users stay: {exc}") from None
    return {"message": f"Reloaded {count} users from {ctx.auth.path}", "user_count": count}
