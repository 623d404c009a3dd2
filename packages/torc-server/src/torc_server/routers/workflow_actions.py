"""Workflow actions: create, list, which are pending, and claiming (tag ``workflow_actions``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

import torc_models as m
from torc_server import resources
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import NotFound, Unprocessable
from torc_server.lifecycle import actions
from torc_server.lifecycle.workflow_state import status_row
from torc_server.resources import T

ACTION = T["workflow_action"]


def _wire(conn: Any, row: Any) -> dict[str, Any]:
    record = resources.workflow_actions.mapper.to_wire(row)
    record["trigger_count"] = actions.trigger_count(conn, row)
    return record


@operation("create_workflow_action")
def create_workflow_action(
    ctx: ServerContext, id: int, workflow_action_model: m.WorkflowActionModel
) -> dict[str, Any]:
    body = workflow_action_model
    if body.trigger_type not in actions.TRIGGERS:
        raise Unprocessable(
            f"unknown trigger_type {body.trigger_type!r}; use one of {', '.join(actions.TRIGGERS)}"
        )
    body.workflow_id = id
    fields = body.model_fields_set
    if "required_triggers" not in fields:
        body.required_triggers = actions.default_required_triggers(body.trigger_type, body.job_ids)
    if "persistent" not in fields:
        body.persistent = body.trigger_type in actions.PERSISTENT_BY_DEFAULT
    with ctx.db.write() as conn:
        return resources.workflow_actions.create(conn, body)


@operation("get_workflow_actions")
def get_workflow_actions(ctx: ServerContext, id: int) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        status_row(conn, id)
        rows = conn.execute(select(ACTION).where(ACTION.c.workflow_id == id).order_by(ACTION.c.id))
        return [_wire(conn, row) for row in rows.mappings()]


@operation("get_pending_actions")
def get_pending_actions(
    ctx: ServerContext, id: int, trigger_type: list[str] | None
) -> list[dict[str, Any]]:
    conditions = [ACTION.c.workflow_id == id]
    if trigger_type:
        conditions.append(ACTION.c.trigger_type.in_(trigger_type))
    with ctx.db.read() as conn:
        status_row(conn, id)
        rows = conn.execute(select(ACTION).where(*conditions).order_by(ACTION.c.id)).mappings()
        return [_wire(conn, row) for row in rows if actions.is_pending(conn, row)]


@operation("claim_action")
def claim_action(
    ctx: ServerContext, id: int, action_id: int, claim_action_request: m.ClaimActionRequest
) -> dict[str, Any]:
    """Only one claimer wins a one-shot action; persistent actions go to every claimer."""
    with ctx.db.write() as conn:
        row = (
            conn.execute(select(ACTION).where(ACTION.c.id == action_id, ACTION.c.workflow_id == id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"workflow {id} has no action {action_id}")
        claim = update(ACTION).where(ACTION.c.id == action_id)
        if not row["persistent"]:
            claim = claim.where(ACTION.c.executed.is_(False))
        claimed = conn.execute(
            claim.values(
                executed=True,
                executed_at=actions.now_iso(),
                executed_by=claim_action_request.compute_node_id,
            )
        ).rowcount
    return {"action_id": action_id, "success": bool(claimed)}
