"""Create, read, update, delete and paged listing for one table.

Most resources of the API are plain records of a workflow; their standard handlers are
generated over a :class:`Resource` (:mod:`torc_server.crud_routes`). Lifecycle-heavy
resources (jobs, workflows) add their own logic on top.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from torc_server.db.sql import sql
from torc_server.db.tables import METADATA
from torc_server.errors import Conflict, NotFound, Unprocessable
from torc_server.wire import Mapper

MAX_LIMIT = 10_000
WORKFLOW = METADATA.tables["workflow"]


def require_workflow(conn: Connection, workflow_id: int) -> None:
    if (
        conn.execute(sql("SELECT 1 FROM workflow WHERE id = :w"), {"w": workflow_id}).first()
        is None
    ):
        raise NotFound(f"workflow {workflow_id} does not exist")


def page(items: list[Any], offset: int, total: int, *, limit: int | None = None) -> dict[str, Any]:
    """A list response; ``limit`` given means the access-control shape (no max_limit)."""
    body: dict[str, Any] = {
        "items": items,
        "offset": offset,
        "total_count": total,
        "has_more": offset + len(items) < total,
    }
    if limit is None:
        body.update(count=len(items), max_limit=MAX_LIMIT)
    else:
        body["limit"] = limit
    return body


def integrity_error(exc: IntegrityError, what: str) -> Conflict:
    return Conflict(f"cannot store {what}: {exc.orig}")


@dataclass
class Resource:
    """Generic operations on the table behind ``mapper``; ``label`` names it in errors."""

    mapper: Mapper
    label: str
    annotate: Callable[[Connection, builtins.list[dict[str, Any]]], None] | None = None
    """Adds fields that live in other tables to records read back (e.g. a result's job name)."""

    def _annotated(
        self, conn: Connection, records: builtins.list[dict[str, Any]]
    ) -> builtins.list[dict[str, Any]]:
        if self.annotate is not None and records:
            self.annotate(conn, records)
        return records

    @property
    def table(self) -> Any:
        return self.mapper.table

    def get_row(self, conn: Connection, record_id: int) -> Mapping[Any, Any]:
        row = (
            conn.execute(select(self.table).where(self.table.c.id == record_id)).mappings().first()
        )
        if row is None:
            raise NotFound(f"{self.label} {record_id} does not exist")
        return row

    def get(self, conn: Connection, record_id: int) -> dict[str, Any]:
        return self._annotated(conn, [self.mapper.to_wire(self.get_row(conn, record_id))])[0]

    def create(self, conn: Connection, body: BaseModel, **extra: Any) -> dict[str, Any]:
        values = {**self.mapper.to_columns(body), **extra}
        if "workflow_id" in values:
            require_workflow(conn, values["workflow_id"])
        try:
            new_id = conn.execute(insert(self.table).values(values)).inserted_primary_key
        except IntegrityError as exc:
            raise integrity_error(exc, self.label) from None
        assert new_id is not None
        return self.get(conn, new_id[0])

    def create_many(self, conn: Connection, bodies: list[Any]) -> list[dict[str, Any]]:
        """Insert in batched statements; return the records in request order."""
        if not bodies:
            return []
        rows = self.uniform([self.mapper.to_columns(body) for body in bodies])
        for workflow_id in {row["workflow_id"] for row in rows}:
            require_workflow(conn, workflow_id)
        statement = insert(self.table).returning(*self.table.c, sort_by_parameter_order=True)
        try:
            result = conn.execute(statement, rows).mappings().all()
        except IntegrityError as exc:
            raise integrity_error(exc, self.label) from None
        return self._annotated(conn, [self.mapper.to_wire(row) for row in result])

    def uniform(self, rows: builtins.list[dict[str, Any]]) -> builtins.list[dict[str, Any]]:
        """Give every row the same keys (a multi-row insert takes its columns from the first
        row and would drop the others' values), filling in column defaults."""
        keys: set[str] = set().union(*rows)
        for row in rows:
            for key in keys - row.keys():
                default = self.table.c[key].default
                row[key] = default.arg if default is not None and default.is_scalar else None
        return rows

    def update(
        self, conn: Connection, record_id: int, body: BaseModel, **extra: Any
    ) -> dict[str, Any]:
        current = self.get_row(conn, record_id)
        values = {**self.mapper.to_columns(body, skip=("id", "workflow_id")), **extra}
        if "workflow_id" in self.table.c and getattr(body, "workflow_id", None) not in (
            None,
            current["workflow_id"],
        ):
            raise Unprocessable(f"{self.label} {record_id} cannot move to another workflow")
        try:
            conn.execute(update(self.table).where(self.table.c.id == record_id).values(values))
        except IntegrityError as exc:
            raise integrity_error(exc, self.label) from None
        return self.get(conn, record_id)

    def delete(self, conn: Connection, record_id: int) -> dict[str, Any]:
        record = self.get(conn, record_id)
        conn.execute(delete(self.table).where(self.table.c.id == record_id))
        return record

    def delete_all(self, conn: Connection, workflow_id: int) -> int:
        require_workflow(conn, workflow_id)
        result = conn.execute(delete(self.table).where(self.table.c.workflow_id == workflow_id))
        return int(result.rowcount)

    def list(
        self,
        conn: Connection,
        conditions: list[ColumnElement[bool]],
        *,
        offset: int,
        limit: int,
        sort_by: str | None,
        reverse_sort: bool,
        access_shape: bool = False,
    ) -> dict[str, Any]:
        order = self.order(sort_by, reverse_sort)
        where = select(self.table).where(*conditions)
        total = conn.execute(select(func.count()).select_from(where.subquery())).scalar_one()
        rows = conn.execute(where.order_by(*order).offset(offset).limit(limit)).mappings()
        items = self._annotated(conn, [self.mapper.to_wire(row) for row in rows])
        return page(items, offset, total, limit=limit if access_shape else None)

    def order(self, sort_by: str | None, reverse_sort: bool) -> builtins.list[Any]:
        key = self.table.c.id
        if sort_by:
            if sort_by not in self.mapper.sortable:
                fields = ", ".join(sorted(self.mapper.sortable))
                raise Unprocessable(
                    f"cannot sort {self.label} records by '{sort_by}'; use one of {fields}"
                )
            key = self.table.c[sort_by]
        columns = [key, self.table.c.id] if key is not self.table.c.id else [key]
        return [c.desc() for c in columns] if reverse_sort else columns


def escape_like(text: str) -> str:
    """``text`` matched literally inside a LIKE pattern (with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filters(table: Any, **values: Any) -> list[ColumnElement[bool]]:
    """Equality conditions for the filters that were given (None means not given)."""
    return [table.c[name] == value for name, value in values.items() if value is not None]


def require_member(
    conn: Connection, resource: Resource, record_id: int, workflow_id: int, *, field: str
) -> Mapping[Any, Any]:
    """The row ``record_id`` of ``resource``, which a request's ``field`` refers to; it must
    exist (404) and belong to ``workflow_id`` (422)."""
    require_workflow(conn, workflow_id)
    row = resource.get_row(conn, record_id)
    if row["workflow_id"] != workflow_id:
        raise Unprocessable(
            f"{field}: {resource.label} {record_id} belongs to workflow {row['workflow_id']}, "
            f"not to workflow {workflow_id}"
        )
    return row


def require_unique_name(
    conn: Connection, resource: Resource, workflow_id: int, name: str, *, exclude: int | None = None
) -> None:
    """409 if another record of the workflow already has ``name``."""
    table = resource.table
    query = select(table.c.id).where(table.c.workflow_id == workflow_id, table.c.name == name)
    if exclude is not None:
        query = query.where(table.c.id != exclude)
    if conn.execute(query).first() is not None:
        raise Conflict(f"workflow {workflow_id} already has a {resource.label} named {name!r}")


def list_in_workflow(
    conn: Connection,
    resource: Resource,
    workflow_id: int,
    conditions: list[ColumnElement[bool]],
    *,
    offset: int,
    limit: int,
    sort_by: str | None = None,
    reverse_sort: bool = False,
) -> dict[str, Any]:
    """One page of a workflow's records matching ``conditions`` (404 for no workflow)."""
    require_workflow(conn, workflow_id)
    return resource.list(
        conn,
        [resource.table.c.workflow_id == workflow_id, *conditions],
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        reverse_sort=reverse_sort,
    )
