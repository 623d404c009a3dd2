"""Handlers for the standard operations of a record resource, registered in one call.

Most record resources of the contract share six operations: create, get, update, delete,
delete every record of a workflow, and a paged, sorted, filtered listing of a workflow's
records. :func:`register_crud` registers those a router names, each one
:class:`~torc_server.crud.Resource` operation in its own transaction; the router writes by
hand only what is particular to its resource (validation that needs the database, links,
propagation, special response shapes).

A generated handler takes ``(ctx, **params)`` and declares in its ``__signature__`` the
parameters it needs, so that :func:`~torc_server.dispatch.check_signature` stops the
server at start-up if the contract does not give them, or gives one it would ignore.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement

from torc_server import crud
from torc_server.context import ServerContext
from torc_server.dispatch import Handler, operation, snake

Body = TypeVar("Body", bound=BaseModel)
Conditions = list[ColumnElement[bool]]

ID = "id"
CONNECTION = "conn"
"""A ``where`` function that names this parameter is given the listing's read connection."""
KEYWORD = inspect.Parameter.KEYWORD_ONLY
PAGING = [inspect.Parameter(name, KEYWORD, annotation=int) for name in ("offset", "limit")]
SORTING = [
    inspect.Parameter("sort_by", KEYWORD, default=None, annotation=str | None),
    inspect.Parameter("reverse_sort", KEYWORD, default=False, annotation=bool),
]
"""Optional: a listing whose contract has no sorting parameters is in order of ID."""


def register_crud(
    resource: crud.Resource,
    *,
    create: str | None = None,
    get: str | None = None,
    update: str | None = None,
    delete: str | None = None,
    delete_all: str | None = None,
    list_: str | None = None,
    check: Callable[[Body], Body] | None = None,
    where: Callable[..., Conditions] | None = None,
    scope: str = "workflow_id",
) -> None:
    """Register the generated handlers of the operations given by their operationIds.

    - ``create`` / ``update`` take the request body named after the resource's model
      (``FileModel`` -> ``file_model``), passed through ``check`` (which raises on a bad
      body and returns the body to store) before the transaction;
    - ``get`` / ``update`` / ``delete`` take the record's ``id``;
    - ``delete_all`` / ``list_`` take the workflow's ID as parameter ``scope``;
      ``delete_all`` answers ``{"count": n}``;
    - ``list_`` takes ``offset`` and ``limit``, ``sort_by`` and ``reverse_sort`` if the
      contract has them, and the parameters that ``where`` names: ``where`` gets them by
      name (and the read connection if it names ``conn``) and returns the conditions that
      records must meet besides belonging to the workflow.
    """
    if check is not None and create is None and update is None:
        raise TypeError("check is given, but neither create nor update")
    if where is not None and list_ is None:
        raise TypeError("where is given, but no list_")
    model = resource.mapper.model
    body = inspect.Parameter(snake(model.__name__), KEYWORD, annotation=model)
    record_id = inspect.Parameter(ID, KEYWORD, annotation=int)
    workflow_id = inspect.Parameter(scope, KEYWORD, annotation=int)

    def checked(value: Any) -> Any:
        return value if check is None else check(value)

    def create_handler(ctx: ServerContext, **params: Any) -> dict[str, Any]:
        value = checked(params[body.name])
        with ctx.db.write() as conn:
            return resource.create(conn, value)

    def get_handler(ctx: ServerContext, **params: Any) -> dict[str, Any]:
        with ctx.db.read() as conn:
            return resource.get(conn, params[ID])

    def update_handler(ctx: ServerContext, **params: Any) -> dict[str, Any]:
        value = checked(params[body.name])
        with ctx.db.write() as conn:
            return resource.update(conn, params[ID], value)

    def delete_handler(ctx: ServerContext, **params: Any) -> dict[str, Any]:
        with ctx.db.write() as conn:
            return resource.delete(conn, params[ID])

    def delete_all_handler(ctx: ServerContext, **params: Any) -> dict[str, Any]:
        with ctx.db.write() as conn:
            return {"count": resource.delete_all(conn, params[scope])}

    generated: list[tuple[str | None, Handler, list[inspect.Parameter]]] = [
        (create, create_handler, [body]),
        (get, get_handler, [record_id]),
        (update, update_handler, [record_id, body]),
        (delete, delete_handler, [record_id]),
        (delete_all, delete_all_handler, [workflow_id]),
    ]
    if list_ is not None:
        generated.append((list_, *_list_handler(resource, workflow_id, where)))
    for operation_id, handler, params in generated:
        if operation_id is not None:
            _register(operation_id, handler, params)


def _list_handler(
    resource: crud.Resource,
    workflow_id: inspect.Parameter,
    where: Callable[..., Conditions] | None,
) -> tuple[Handler, list[inspect.Parameter]]:
    """The listing handler and the parameters it declares (see :func:`register_crud`)."""
    wanted = list(inspect.signature(where).parameters.values()) if where is not None else []
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in wanted):
        raise TypeError("the where function must name its parameters")
    filters = [p.replace(kind=KEYWORD) for p in wanted if p.name != CONNECTION]
    wants_connection = len(filters) < len(wanted)
    # ``where`` may name the workflow's ID too, to filter on it.
    own = [p for p in (workflow_id, *PAGING) if p.name not in {f.name for f in filters}]
    params = [*own, *filters, *SORTING]

    def handler(ctx: ServerContext, **given: Any) -> dict[str, Any]:
        values = _with_defaults(params, given)
        with ctx.db.read() as conn:
            conditions: Conditions = []
            if where is not None:
                arguments = {p.name: values[p.name] for p in filters}
                if wants_connection:
                    arguments[CONNECTION] = conn
                conditions = where(**arguments)
            return crud.list_in_workflow(
                conn,
                resource,
                values[workflow_id.name],
                conditions,
                offset=values["offset"],
                limit=values["limit"],
                sort_by=values["sort_by"],
                reverse_sort=values["reverse_sort"],
            )

    return handler, params


def _with_defaults(params: Iterable[inspect.Parameter], given: dict[str, Any]) -> dict[str, Any]:
    """The values of declared ``params``: as given, else their defaults (the contract need
    not give a parameter that has one)."""
    return {p.name: given.get(p.name, p.default) for p in params}


def _register(operation_id: str, handler: Handler, params: Iterable[inspect.Parameter]) -> None:
    """Register ``handler(ctx, **params)`` as ``operation_id``, declaring ``params``."""
    ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    handler.__name__ = handler.__qualname__ = operation_id
    handler.__dict__["__signature__"] = inspect.Signature([ctx, *params])
    operation(operation_id)(handler)
