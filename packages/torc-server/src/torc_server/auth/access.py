"""The access rules, applied to every operation before its handler runs (ADR 0009).

Each operation's contract entry says who may call it (``x-torc-access``) and whether a
worker token may (``x-torc-worker``). Worker tokens are always held to their workflow and
to those operations. The other rules apply with ``--enforce-access-control``: a workflow
is open to its owner, to members of the access groups it is shared with, and to system
administrators (``--admin-user``); anonymous requests reach only ping, version and health.

Lists are filtered rather than refused: :func:`visible_workflows` gives a handler the
condition that keeps what the caller may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, select, union

from torc_server.auth import scope, tokens
from torc_server.auth.identity import Identity
from torc_server.errors import Forbidden, Unauthorized
from torc_server.resources import T

WORKFLOW, GROUP, MEMBER, SHARED = (
    T["workflow"],
    T["access_group"],
    T["user_group_membership"],
    T["workflow_access_group"],
)
OPEN = frozenset({"ping", "get_version", "get_health"})
"""What anonymous callers may still reach when access control is enforced."""
KINDS = frozenset({"any", "workflow", "share", "group_admin", "admin"})


@dataclass(frozen=True)
class Caller:
    """Who the handler is serving: ``None`` user with no token means anonymous."""

    user: str | None
    admin: bool = False
    token: tokens.WorkerToken | None = None
    enforced: bool = False


CALLER: ContextVar[Caller | None] = ContextVar("torc_caller", default=None)


@dataclass
class Rule:
    """One operation's entry: its kind, whether tokens may call it, how to find its
    workflows."""

    operation_id: str
    kind: str
    worker: bool
    locate: list[scope.Locator]


def rule_for(
    operation_id: str,
    spec: dict[str, Any],
    path: str,
    params: list[tuple[str, str]],
    body_name: str | None,
) -> Rule:
    """The rule of one contract operation; raises RuntimeError for one the rules cannot
    cover (no kind, an unknown kind, or a workflow operation without a workflow)."""
    kind = spec.get("x-torc-access")
    if kind not in KINDS:
        raise RuntimeError(
            f"{operation_id}: x-torc-access must be one of {', '.join(sorted(KINDS))}, "
            f"not {kind!r} (api/openapi.yaml)"
        )
    found = scope.locators(path, params, body_name)
    if kind in ("workflow", "share") and not found:
        raise RuntimeError(f"{operation_id}: a workflow operation that names no workflow")
    return Rule(operation_id, kind, bool(spec.get("x-torc-worker")), found)


class Guard:
    """Applies the rules; one per server, used from the request threads."""

    def __init__(self, db: Any, *, enforce: bool, admins: tuple[str, ...]) -> None:
        self.db = db
        self.enforce = enforce
        self.admins = frozenset(admins)

    @contextmanager
    def serving(
        self, identity: Identity | None, rule: Rule, values: dict[str, Any]
    ) -> Iterator[None]:
        """Check the request and, while its handler runs, make its caller known."""
        caller = self.check(identity, rule, values)
        token = CALLER.set(caller)
        try:
            yield
        finally:
            CALLER.reset(token)

    def check(self, identity: Identity | None, rule: Rule, values: dict[str, Any]) -> Caller:
        if identity is not None and identity.bearer is not None:
            return self._check_token(identity.bearer, rule, values)
        user = identity.user if identity is not None else None
        caller = Caller(user, user in self.admins, enforced=self.enforce)
        if not self.enforce or rule.operation_id in OPEN:
            return caller
        if user is None:
            raise Forbidden("Anonymous access not allowed when access control is enabled")
        if caller.admin:
            return caller
        check: Callable[[Connection, str, Rule, dict[str, Any]], None] = CHECKS[rule.kind]
        with self.db.read() as conn:
            check(conn, user, rule, values)
        return caller

    def _check_token(self, secret: str, rule: Rule, values: dict[str, Any]) -> Caller:
        with self.db.read() as conn:
            try:
                token = tokens.resolve(conn, secret)
            except tokens.TokenRefused as exc:
                raise Unauthorized(str(exc)) from None
            if not rule.worker:
                raise Forbidden(
                    f"worker token {token.id} may only claim and report jobs; "
                    f"it may not call {rule.operation_id}"
                )
            workflows = scope.workflows_of(conn, rule.locate, values)
        if rule.kind != "any" and workflows != {token.workflow_id}:
            others = sorted(workflows - {token.workflow_id})
            raise Forbidden(
                f"worker token {token.id} is limited to workflow {token.workflow_id}"
                + (f"; this request touches workflow {others[0]}" if others else "")
            )
        return Caller(None, token=token, enforced=True)


def may_access(conn: Connection, user: str, workflow_id: int) -> bool:
    """Owner or member of a group the workflow is shared with (a missing workflow: yes,
    so its handler answers 404)."""
    owner = conn.execute(select(WORKFLOW.c.user).where(WORKFLOW.c.id == workflow_id)).scalar()
    if owner is None or owner == user:
        return True
    shared = (
        select(SHARED.c.workflow_id)
        .join(MEMBER, MEMBER.c.group_id == SHARED.c.group_id)
        .where(SHARED.c.workflow_id == workflow_id, MEMBER.c.user_name == user)
    )
    return bool(conn.execute(select(exists(shared))).scalar())


def is_group_admin(conn: Connection, user: str, group_id: int) -> bool:
    query = select(MEMBER.c.id).where(
        MEMBER.c.group_id == group_id, MEMBER.c.user_name == user, MEMBER.c.role == "admin"
    )
    return conn.execute(query).first() is not None


def _any(conn: Connection, user: str, rule: Rule, values: dict[str, Any]) -> None:
    body = values.get("workflow_model")
    if rule.operation_id == "create_workflow" and body is not None and body.user != user:
        raise Forbidden(f"User '{user}' may not create a workflow owned by '{body.user}'")


def _workflow(conn: Connection, user: str, rule: Rule, values: dict[str, Any]) -> None:
    for workflow_id in sorted(scope.workflows_of(conn, rule.locate, values)):
        if not may_access(conn, user, workflow_id):
            raise Forbidden(f"User '{user}' does not have access to workflow {workflow_id}")
    body = values.get("workflow_model")
    if rule.operation_id == "update_workflow" and body is not None:
        owner = conn.execute(select(WORKFLOW.c.user).where(WORKFLOW.c.id == values["id"])).scalar()
        if owner is not None and body.user != owner:
            raise Forbidden(f"User '{user}' may not give workflow {values['id']} to '{body.user}'")


def _share(conn: Connection, user: str, rule: Rule, values: dict[str, Any]) -> None:
    workflow_id = values["id"]
    body = values.get("workflow_access_group_model")
    group_id = values.get("group_id", body.group_id if body is not None else None)
    owner = conn.execute(select(WORKFLOW.c.user).where(WORKFLOW.c.id == workflow_id)).scalar()
    if owner is None or owner == user:
        return
    if group_id is not None and is_group_admin(conn, user, group_id):
        return
    raise Forbidden(
        f"User '{user}' neither owns workflow {workflow_id} nor administers access group {group_id}"
    )


def _group_admin(conn: Connection, user: str, rule: Rule, values: dict[str, Any]) -> None:
    if not is_group_admin(conn, user, values["id"]):
        raise Forbidden(f"User '{user}' is not an admin of group {values['id']}")


def _admin(conn: Connection, user: str, rule: Rule, values: dict[str, Any]) -> None:
    raise Forbidden(f"User '{user}' is not a system administrator")


CHECKS = {
    "any": _any,
    "workflow": _workflow,
    "share": _share,
    "group_admin": _group_admin,
    "admin": _admin,
}


def caller() -> Caller | None:
    """The caller of the handler running in this thread (None without the access layer)."""
    return CALLER.get()


def visible_workflows(column: ColumnElement[int]) -> ColumnElement[bool] | None:
    """A condition on a workflow ID column that keeps what the caller may see; None when
    everything is visible."""
    current = CALLER.get()
    if current is None or not current.enforced or current.admin:
        return None
    if current.token is not None:
        return column == current.token.workflow_id
    if current.user is None:
        return column.in_([])
    owned = select(WORKFLOW.c.id).where(WORKFLOW.c.user == current.user)
    shared = (
        select(SHARED.c.workflow_id)
        .join(MEMBER, MEMBER.c.group_id == SHARED.c.group_id)
        .where(MEMBER.c.user_name == current.user)
    )
    return column.in_(union(owned, shared))
