"""Reading a workflow's event log: the latest event, and following new events as they
arrive (``torc events monitor``, and any UI that shows a live feed)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all


def latest_event(api: TorcApi, workflow_id: int) -> m.EventModel | None:
    page = api.list_events(workflow_id, sort_by="timestamp", reverse_sort=True, limit=1)
    return page.items[0] if page.items else None


def event_time(event: m.EventModel) -> str:
    """The event's millisecond timestamp as ISO 8601 (UTC)."""
    if event.timestamp is None:
        return ""
    moment = datetime.fromtimestamp(event.timestamp / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_line(event: m.EventModel) -> str:
    """``<time> [<category>] <message>`` for people; the raw data when it has no message."""
    data = event.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        category = data.get("category")
        prefix = f"[{category}] " if category else ""
        return f"{event_time(event)} {prefix}{data['message']}"
    return f"{event_time(event)} {json.dumps(data)}"


def follow_events(
    api: TorcApi,
    workflow_id: int,
    *,
    category: str | None = None,
    poll_interval: float = 60.0,
    duration: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[m.EventModel]:
    """Yield events recorded after the call, polling every ``poll_interval`` seconds, for
    ``duration`` seconds (None: until the caller stops)."""

    def since(timestamp: int) -> list[m.EventModel]:
        return fetch_all(
            lambda offset: api.list_events(
                workflow_id,
                category=category,
                after_timestamp=timestamp - 1,  # more may arrive in the same millisecond
                sort_by="timestamp",
                offset=offset,
            )
        )

    newest = latest_event(api, workflow_id)
    last = newest.timestamp if newest and newest.timestamp is not None else 0
    seen = {event.id for event in since(last)} if newest else set()
    deadline = None if duration is None else clock() + duration
    while True:
        for event in since(last):
            if event.id in seen:
                continue
            yield event
            if (event.timestamp or 0) > last:
                last, seen = event.timestamp or 0, set()
            seen.add(event.id)
        remaining = None if deadline is None else deadline - clock()
        if remaining is not None and remaining <= 0:
            return
        sleep(poll_interval if remaining is None else min(poll_interval, remaining))
