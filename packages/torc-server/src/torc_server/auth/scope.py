"""Which workflows a request touches, read from the operation's contract entry.

Every operation the contract marks ``x-torc-access: workflow`` must name its workflow
somewhere this module can find it: the ``{id}`` of ``/workflows/{id}/...``, a
``workflow_id`` parameter, a record reached by its own ID (``/jobs/{id}``: the job's
workflow), a record another parameter names (``compute_node_id``), or the ``workflow_id``
of the request body and of the records in it. Start-up fails for an operation where it
can find none, so a new operation cannot slip past the access rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select

from torc_server.resources import T

RECORD_PATHS = {
    "/jobs/{id}": "job",
    "/files/{id}": "file",
    "/user_data/{id}": "user_data",
    "/resource_requirements/{id}": "resource_requirements",
    "/results/{id}": "result",
    "/events/{id}": "event",
    "/compute_nodes/{id}": "compute_node",
    "/scheduled_compute_nodes/{id}": "scheduled_compute_node",
    "/local_schedulers/{id}": "local_scheduler",
    "/slurm_schedulers/{id}": "slurm_scheduler",
    "/failure_handlers/{id}": "failure_handler",
    "/ro_crate_entities/{id}": "ro_crate_entity",
    "/tasks/{id}": "task",
    "/admin/worker_tokens/{id}": "worker_token",
}
"""Paths whose ``{id}`` is a record of this table (the path may go on below it)."""
RECORD_PARAMETERS = {
    "compute_node_id": "compute_node",
    "action_id": "workflow_action",
    "consumer_job_id": "job",
    "producer_job_id": "job",
}
"""Other parameters that name a record, which must belong to an accessible workflow too."""

Locator = Callable[[Connection, dict[str, Any]], list[int]]


def locators(path: str, params: list[tuple[str, str]], body_name: str | None) -> list[Locator]:
    """How to find the workflows of a request to ``path``; ``params`` are the operation's
    (name, location) pairs, ``body_name`` the handler's name for its body."""
    found: list[Locator] = []
    names = {name for name, _ in params}
    if path.startswith("/workflows/{id}"):
        found.append(direct("id"))
    if "workflow_id" in names:
        found.append(direct("workflow_id"))
    for prefix, table in RECORD_PATHS.items():
        if path == prefix or path.startswith(prefix + "/"):
            found.append(record(table, "id"))
    for name, table in RECORD_PARAMETERS.items():
        if name in names:
            found.append(record(table, name))
    if body_name is not None:
        found.append(in_body(body_name))
    return found


def direct(name: str) -> Locator:
    def locate(_: Connection, values: dict[str, Any]) -> list[int]:
        value = values.get(name)
        return [] if value is None else [value]

    return locate


def record(table_name: str, name: str) -> Locator:
    table = T[table_name]

    def locate(conn: Connection, values: dict[str, Any]) -> list[int]:
        if values.get(name) is None:
            return []
        owner = conn.execute(select(table.c.workflow_id).where(table.c.id == values[name])).scalar()
        return [] if owner is None else [owner]  # a missing record: the handler says 404

    return locate


def in_body(body_name: str) -> Locator:
    def locate(_: Connection, values: dict[str, Any]) -> list[int]:
        return body_workflows(values.get(body_name))

    return locate


def body_workflows(body: Any) -> list[int]:
    """The ``workflow_id`` of a body and of the records listed in it (bulk creates)."""
    if isinstance(body, list):
        return [w for item in body for w in body_workflows(item)]
    if not isinstance(body, BaseModel):
        return []
    own = getattr(body, "workflow_id", None)
    found = [own] if own is not None else []
    for name in type(body).model_fields:
        value = getattr(body, name)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            found += body_workflows(value)
    return found


def workflows_of(conn: Connection, found: list[Locator], values: dict[str, Any]) -> set[int]:
    return {workflow for locate in found for workflow in locate(conn, values)}
