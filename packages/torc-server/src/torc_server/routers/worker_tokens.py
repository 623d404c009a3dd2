"""Worker tokens (tag ``access_control``): mint, list and revoke them.

Minting needs access to the workflow (checked by the access rules like any workflow
operation); the caller's name is recorded as the token's creator.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

import torc_models as m
from torc_server import crud
from torc_server.auth import access, tokens
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import Forbidden, NotFound
from torc_server.resources import T

TOKEN = T["worker_token"]


def creator() -> str:
    caller = access.caller()
    if caller is not None and caller.token is not None:
        raise Forbidden("a worker token may not mint other tokens")
    return (caller.user if caller is not None else None) or "anonymous"


@operation("create_worker_token")
def create_worker_token(
    ctx: ServerContext, create_worker_token_request: m.CreateWorkerTokenRequest
) -> dict[str, Any]:
    body = create_worker_token_request
    with ctx.db.write() as conn:
        crud.require_workflow(conn, body.workflow_id)
        return tokens.mint(conn, body.workflow_id, creator(), body.name, body.expires_in_seconds)


@operation("list_worker_tokens")
def list_worker_tokens(
    ctx: ServerContext, workflow_id: int | None, offset: int, limit: int
) -> dict[str, Any]:
    query = select(TOKEN)
    if workflow_id is not None:
        query = query.where(TOKEN.c.workflow_id == workflow_id)
    visible = access.visible_workflows(TOKEN.c.workflow_id)
    if visible is not None:
        query = query.where(visible)
    with ctx.db.read() as conn:
        rows = conn.execute(query.order_by(TOKEN.c.id)).mappings().all()
    items = [tokens.public(row) for row in rows[offset : offset + limit]]
    return crud.page(items, offset, len(rows), limit=limit)


@operation("revoke_worker_token")
def revoke_worker_token(ctx: ServerContext, id: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        tokens.revoke(conn, id)
        row = conn.execute(select(TOKEN).where(TOKEN.c.id == id)).mappings().first()
    if row is None:
        raise NotFound(f"worker token {id} does not exist")
    return tokens.public(row)
