"""Small assertions shared by the server tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import torc_models as m
from torc.api import ApiError, TorcApi

MISSING = 987_654
"""An ID no record has."""


def fails(status: int, call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Call ``call``, expect an ApiError with ``status``; return its message."""
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)
    assert caught.value.status_code == status, caught.value.message
    assert caught.value.message
    return caught.value.message


def new_workflow(api: TorcApi, name: str = "wf", user: str = "alice") -> int:
    workflow = api.create_workflow(m.WorkflowModel(name=name, user=user))
    assert workflow.id is not None
    return workflow.id


def workflow_of_commands(api: TorcApi, name: str, commands: list[str]) -> int:
    """A new, initialized workflow with one job ``j<i>`` per command."""
    w = new_workflow(api, name, "tester")
    jobs = [m.JobModel(workflow_id=w, name=f"j{i}", command=c) for i, c in enumerate(commands)]
    api.create_jobs(m.JobsModel(jobs=jobs))
    api.initialize_jobs(w)
    return w


def rid(record: Any) -> int:
    """The server-assigned ID of a created record."""
    assert isinstance(record.id, int), record
    return record.id


def ids(page: Any) -> list[int]:
    return [item.id for item in page.items]


def check_paging(list_page: Callable[..., Any], expected: list[int]) -> None:
    """``list_page(offset=, limit=)`` pages through ``expected`` (at least 3 IDs) in order."""
    assert len(expected) >= 3
    first = list_page(offset=0, limit=2)
    assert ids(first) == expected[:2]
    assert (first.offset, first.total_count, first.has_more) == (0, len(expected), True)
    rest = list_page(offset=2, limit=len(expected))
    assert ids(rest) == expected[2:]
    assert (rest.offset, rest.total_count, rest.has_more) == (2, len(expected), False)
    if hasattr(first, "max_limit"):
        assert (first.count, first.max_limit) == (2, 10_000)
    else:
        assert first.limit == 2
    assert ids(list_page(offset=len(expected), limit=5)) == []


def check_unknown_ids(name: str, *calls: Callable[[int], Any]) -> None:
    """Each call on an unknown ID answers 404 naming the record."""
    for call in calls:
        message = fails(404, call, MISSING)
        assert name in message and str(MISSING) in message, message


def rows_of_workflow(database: str | Path, workflow_id: int) -> dict[str, int]:
    """Rows per table that still refer to ``workflow_id``, read from the SQLite file."""
    counts = {}
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
            key = (
                "workflow_id" if "workflow_id" in columns else "id" if table == "workflow" else None
            )
            if key is not None:
                query = f'SELECT count(*) FROM "{table}" WHERE {key} = ?'
                counts[table] = db.execute(query, (workflow_id,)).fetchone()[0]
    return counts
