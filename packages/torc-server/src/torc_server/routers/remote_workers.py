"""Remote machines reached over SSH that run a workflow's jobs (tag ``remote_workers``)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import operation
from torc_server.errors import NotFound, Unprocessable
from torc_server.resources import T

WORKER = T["remote_worker"]
ADDRESS = re.compile(r"^([^@\s]+@)?(\[[0-9A-Fa-f:.]+\]|[^@\s:\[\]/]+)(:\d{1,5})?$")
"""``[user@]host[:port]``; an IPv6 host goes in brackets."""


def checked(worker: str) -> str:
    address = worker.strip()
    if not ADDRESS.match(address):
        raise Unprocessable(f"invalid worker address {worker!r}: use [user@]hostname[:port]")
    return address


@operation("list_remote_workers")
def list_remote_workers(ctx: ServerContext, id: int) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        crud.require_workflow(conn, id)
        rows = conn.execute(
            select(WORKER).where(WORKER.c.workflow_id == id).order_by(WORKER.c.worker)
        )
        return [dict(row) for row in rows.mappings()]


@operation("create_remote_workers")
def create_remote_workers(
    ctx: ServerContext, id: int, request_body: list[str]
) -> list[dict[str, Any]]:
    """Add the addresses not stored yet; answer with every address given, deduplicated."""
    workers = list(dict.fromkeys(checked(worker) for worker in request_body))
    rows = [{"workflow_id": id, "worker": worker} for worker in workers]
    with ctx.db.write() as conn:
        crud.require_workflow(conn, id)
        if rows:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(dialect.insert(WORKER).on_conflict_do_nothing(), rows)
    return rows


@operation("delete_remote_worker")
def delete_remote_worker(ctx: ServerContext, id: int, worker: str) -> dict[str, Any]:
    with ctx.db.write() as conn:
        crud.require_workflow(conn, id)
        gone = conn.execute(
            delete(WORKER).where(WORKER.c.workflow_id == id, WORKER.c.worker == worker)
        )
        if gone.rowcount == 0:
            raise NotFound(f"workflow {id} has no remote worker {worker!r}")
    return {"workflow_id": id, "worker": worker}
