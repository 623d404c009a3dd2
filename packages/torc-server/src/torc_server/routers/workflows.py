"""Workflow records and their status (tag ``workflows``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

import torc_models as m
from torc_server import resources
from torc_server.auth import access
from torc_server.context import ServerContext
from torc_server.crud import filters, require_workflow
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.lifecycle import events
from torc_server.lifecycle.unblock import workflow_is_done
from torc_server.lifecycle.workflow_state import STATUS, status_row
from torc_server.resources import T

WORKFLOW = T["workflow"]
GROUP = T["access_group"]
DEFAULT_REQUIREMENTS = {
    "name": "default",
    "num_cpus": 1,
    "num_gpus": 0,
    "num_nodes": 1,
    "memory": "1m",
    "runtime": "PT1M",
    "memory_bytes": 1024**2,
    "runtime_seconds": 60,
}
"""Every workflow gets these; jobs that name no requirements use them."""


def share_with_groups(conn: Connection, workflow_id: int, names: list[str]) -> None:
    """Share a new workflow with the access groups its body names."""
    found = dict(
        conn.execute(select(GROUP.c.name, GROUP.c.id).where(GROUP.c.name.in_(names))).all()
    )
    missing = sorted(set(names) - found.keys())
    if missing:
        raise Unprocessable(
            f"access_groups: no access group named {', '.join(map(repr, missing))}; "
            "create it first (torc access-groups create)"
        )
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    conn.execute(
        insert(T["workflow_access_group"]),
        [{"workflow_id": workflow_id, "group_id": found[n], "created_at": now} for n in set(names)],
    )


@operation("create_workflow")
def create_workflow(ctx: ServerContext, workflow_model: m.WorkflowModel) -> dict[str, Any]:
    values = resources.workflows.mapper.to_columns(workflow_model)
    if not values.get("timestamp"):
        values["timestamp"] = datetime.now(UTC).isoformat(timespec="milliseconds")
    with ctx.db.write() as conn:
        workflow_id = conn.execute(insert(WORKFLOW).values(values)).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(insert(STATUS).values(id=workflow_id, workflow_id=workflow_id))
        conn.execute(
            insert(T["resource_requirements"]).values(
                workflow_id=workflow_id, **DEFAULT_REQUIREMENTS
            )
        )
        if workflow_model.access_groups:
            share_with_groups(conn, workflow_id, workflow_model.access_groups)
        events.record(
            conn, workflow_id, "workflow", "created", f"created workflow {values['name']}"
        )
        return resources.workflows.get(conn, workflow_id)


@operation("get_workflow")
def get_workflow(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return resources.workflows.get(conn, id)


@operation("update_workflow")
def update_workflow(ctx: ServerContext, id: int, workflow_model: m.WorkflowModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        resources.workflows.update(conn, id, workflow_model)
        return resources.workflows.get(conn, id)


@operation("delete_workflow")
def delete_workflow(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        record = resources.workflows.get(conn, id)
        resources.workflows.delete(conn, id)
        return record


@operation("list_workflows")
def list_workflows(
    ctx: ServerContext,
    offset: int,
    limit: int,
    sort_by: str | None,
    reverse_sort: bool,
    name: str | None,
    user: str | None,
    description: str | None,
    is_archived: bool | None,
) -> dict[str, Any]:
    conditions = filters(WORKFLOW, name=name, user=user, description=description)
    visible = access.visible_workflows(WORKFLOW.c.id)
    if visible is not None:
        conditions.append(visible)
    if is_archived is not None:
        archived = select(STATUS.c.workflow_id).where(STATUS.c.is_archived.is_(True))
        conditions.append(
            WORKFLOW.c.id.in_(archived) if is_archived else WORKFLOW.c.id.not_in(archived)
        )
    with ctx.db.read() as conn:
        listing = resources.workflows.list(
            conn, conditions, offset=offset, limit=limit, sort_by=sort_by, reverse_sort=reverse_sort
        )
    return listing


@operation("update_workflow_status")
def update_workflow_status(
    ctx: ServerContext, id: int, workflow_status_model: m.WorkflowStatusModel
) -> dict[str, Any]:
    values = resources.workflow_status.mapper.to_columns(workflow_status_model)
    values = {k: v for k, v in values.items() if v is not None}
    with ctx.db.write() as conn:
        status_row(conn, id)
        conn.execute(update(STATUS).where(STATUS.c.workflow_id == id).values(values))
        return resources.workflow_status.mapper.to_wire(status_row(conn, id))


@operation("archive_workflow")
def archive_workflow(
    ctx: ServerContext, id: int, archive_workflow_request: m.ArchiveWorkflowRequest
) -> dict[str, Any]:
    archived = archive_workflow_request.is_archived
    with ctx.db.write() as conn:
        status_row(conn, id)
        conn.execute(update(STATUS).where(STATUS.c.workflow_id == id).values(is_archived=archived))
        verb = "archived" if archived else "unarchived"
        events.record(conn, id, "workflow", verb, f"workflow {id} was {verb}")
        return resources.workflows.get(conn, id)


@operation("cancel_workflow")
def cancel_workflow(ctx: ServerContext, id: int) -> dict[str, Any]:
    """Runners see the flag, stop claiming and kill their jobs, reporting them canceled."""
    with ctx.db.write() as conn:
        status_row(conn, id)
        conn.execute(update(STATUS).where(STATUS.c.workflow_id == id).values(is_canceled=True))
        events.record(conn, id, "workflow", "canceled", f"workflow {id} was canceled")
    return {"workflow_id": id, "status": "canceled"}


@operation("is_workflow_complete")
def is_workflow_complete(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        status = status_row(conn, id)
        done = bool(status["is_canceled"]) or workflow_is_done(conn, id)
        pending_script = conn.execute(
            select(T["workflow_action"].c.id).where(
                T["workflow_action"].c.workflow_id == id,
                T["workflow_action"].c.trigger_type == "on_workflow_complete",
                T["workflow_action"].c.executed.is_(False),
            )
        ).first()
    return {
        "is_complete": done,
        "is_canceled": bool(status["is_canceled"]),
        "needs_to_run_completion_script": done and pending_script is not None,
    }


@operation("is_workflow_uninitialized")
def is_workflow_uninitialized(ctx: ServerContext, id: int) -> dict[str, Any]:
    job = T["job"]
    with ctx.db.read() as conn:
        require_workflow(conn, id)
        waiting = conn.execute(
            select(job.c.id).where(job.c.workflow_id == id, job.c.status == 0).limit(1)
        ).first()
    return {"is_uninitialized": waiting is not None}
