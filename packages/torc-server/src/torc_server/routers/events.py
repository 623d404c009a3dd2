"""A workflow's audit log (tag ``events``).

An event's ``data`` is free-form JSON; when it is an object with a string ``category``,
that category is also stored in its own column so that listings can filter on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, update

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.resources import T, events
from torc_server.wire import dump_json

EVENT = T["event"]


def category_of(data: Any) -> str | None:
    category = data.get("category") if isinstance(data, dict) else None
    return category if isinstance(category, str) else None


@operation("create_event")
def create_event(ctx: ServerContext, event_model: m.EventModel) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return events.create(conn, event_model, category=category_of(event_model.data))


@operation("update_event")
def update_event(ctx: ServerContext, id: int, body: Any) -> dict[str, Any]:
    """Replace the event's data (and with it its category); the timestamp stays."""
    with ctx.db.write() as conn:
        events.get_row(conn, id)
        conn.execute(
            update(EVENT)
            .where(EVENT.c.id == id)
            .values(data=dump_json(body), category=category_of(body))
        )
        return events.get(conn, id)


def where(category: str | None, after_timestamp: int | None) -> list[ColumnElement[bool]]:
    conditions = crud.filters(EVENT, category=category)
    if after_timestamp is not None:
        conditions.append(EVENT.c.timestamp > after_timestamp)
    return conditions


register_crud(
    events,
    get="get_event",
    delete="delete_event",
    delete_all="delete_events",
    list_="list_events",
    where=where,
)
