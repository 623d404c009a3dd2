"""Conversion between database rows and the contract's JSON shapes.

Columns carry the API's field names, so the mapping is mostly one to one; the exceptions
are job status (INTEGER in the database, name on the wire, ADR 0003), JSON payloads,
stored as TEXT, and booleans, which SQLite returns to raw SQL as 0 and 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import Boolean, Table

import torc_models
from torc_server.generations import stored_object

STATUS_NAMES = [s.value for s in torc_models.JobStatus]
STATUS = {name: code for code, name in enumerate(STATUS_NAMES)}

UNINITIALIZED, BLOCKED, READY, PENDING, RUNNING = 0, 1, 2, 3, 4
COMPLETED, FAILED, CANCELED, TERMINATED, DISABLED, PENDING_FAILED = 5, 6, 7, 8, 9, 10
DONE = (COMPLETED, FAILED, CANCELED, TERMINATED, DISABLED)
"""Statuses in which a job will not run again without a reset: the workflow is complete
when every job is in one of them."""
NOT_DONE = tuple(code for code in range(len(STATUS_NAMES)) if code not in DONE)
FINAL_RESULT_STATUSES = (COMPLETED, FAILED, CANCELED, TERMINATED, PENDING_FAILED)


def status_code(status: Any) -> int:
    return STATUS[status.value if hasattr(status, "value") else str(status)]


def dump_json(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    return orjson.dumps(value).decode()


def load_json(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


class Mapper:
    """Maps one table to one wire model (``torc_models`` class)."""

    def __init__(
        self,
        table: Table,
        model: type[BaseModel],
        *,
        json_fields: Iterable[str] = (),
        object_fields: Iterable[str] = (),
        status_fields: Iterable[str] = (),
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        self.table = table
        self.model = model
        self.fields = [info.alias or name for name, info in model.model_fields.items()]
        self.renamed = dict(renamed or {})
        """Wire fields kept in a column of another name (``{field: column}``); read-only."""
        self.stored = [f for f in self.fields if f in table.c]
        self.object_fields = frozenset(object_fields)
        self.json_fields = frozenset(json_fields) | self.object_fields
        self.status_fields = frozenset(status_fields)
        self.bool_fields = frozenset(f for f in self.stored if isinstance(table.c[f].type, Boolean))
        self.sortable = frozenset(self.stored)

    def to_wire(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.stored:
            value = row[name]
            if name in self.object_fields:
                value = stored_object(value)
            elif name in self.json_fields:
                value = load_json(value)
            elif name in self.status_fields and value is not None:
                value = STATUS_NAMES[value]
            elif name in self.bool_fields and value is not None:
                value = bool(value)
            out[name] = value
        for name, column in self.renamed.items():
            out[name] = row.get(column)
        return out

    def to_columns(self, body: BaseModel, *, skip: Iterable[str] = ("id",)) -> dict[str, Any]:
        """Column values for an insert or a full update from a request body."""
        data = body.model_dump(by_alias=True)
        values: dict[str, Any] = {}
        for name in self.stored:
            if name in skip:
                continue
            value = data.get(name)
            if name in self.json_fields:
                value = dump_json(getattr(body, name, value))
            elif name in self.status_fields and value is not None:
                value = status_code(value)
            values[name] = value
        return {k: v for k, v in values.items() if v is not None or self.table.c[k].nullable}
