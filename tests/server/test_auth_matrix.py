"""Who may call what: every operation of the contract, for every kind of caller.

The list of operations, their parameters and their request bodies come from
api/openapi.yaml, so an operation added there is covered here without anyone writing a
test for it. One server runs with ``--require-auth --enforce-access-control``; alice owns
the workflows, bob belongs to a group they are shared with, dave administers that group,
carol is a stranger, root is the system administrator. Each allowed caller works on a
copy of its own (calls that delete things would otherwise take them from the next one).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bcrypt
import httpx
import pytest

from tests.conftest import ServerProcess

USERS = ("alice", "bob", "carol", "dave", "root")
DENIED = (401, 403)
TAKE_ACCESS_AWAY = {
    "delete_workflow",
    "remove_workflow_from_group",
    "delete_access_group",
    "remove_user_from_group",
}
"""Each of these gets a copy of its own: what runs after it would lose its access."""
RECORD_PATHS = {
    "/workflows/{id}": "workflow",
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
    "/admin/worker_tokens/{id}": "token",
    "/access_groups/{id}": "group",
}


def password(user: str) -> str:
    return f"secret-{user}"


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def access(self) -> str:
        return str(self.spec["x-torc-access"])

    @property
    def worker(self) -> bool:
        return bool(self.spec.get("x-torc-worker"))


def operations(contract: dict[str, Any]) -> list[Operation]:
    found = [
        Operation(spec["operationId"], method.upper(), path, spec)
        for path, item in contract["paths"].items()
        for method, spec in item.items()
    ]
    return sorted(found, key=lambda op: op.method == "DELETE")  # deletes last


def minimal(schema: dict[str, Any], contract: dict[str, Any], ids: dict[str, int]) -> Any:
    """The smallest value the schema accepts, with workflow_id and friends pointing at
    the records in ``ids``."""
    if "$ref" in schema:
        schema = contract["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "enum" in schema:
        return schema["enum"][0]
    kinds = schema.get("type", "object")
    kind = next(k for k in kinds if k != "null") if isinstance(kinds, list) else kinds
    if kind == "object":
        props = schema.get("properties", {})
        body = {name: minimal(props[name], contract, ids) for name in schema.get("required", [])}
        for name, record in (("workflow_id", "workflow"), ("job_id", "job"), ("group_id", "group")):
            if name in props:
                body[name] = ids[record]
        if "user" in props:
            body["user"] = "alice"  # the owner: changing owners is a separate rule
        if "compute_node_id" in props and "status" in props and "run_id" in props:
            body["compute_node_id"] = ids["compute_node"]  # a result
        return body
    if kind == "array":  # one element: a bulk create must name its workflow
        return [minimal(schema["items"], contract, ids)] if "items" in schema else []
    return {"integer": max(1, schema.get("minimum", 1)), "number": 1.0}.get(
        kind, "x" if kind == "string" else False if kind == "boolean" else {}
    )


def request_for(op: Operation, contract: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """Method, URL, query and body of a call of ``op`` on the records in ``ids``."""
    record = next(
        (name for prefix, name in RECORD_PATHS.items() if op.path.startswith(prefix)), None
    )
    path_values = {
        "id": ids[record] if record else 1,
        "workflow_id": ids["workflow"],
        "group_id": ids["group"],
        "compute_node_id": ids["compute_node"],
        "action_id": ids["action"],
        "user_name": "bob",
        "status": "completed",
        "run_id": 1,
        "limit": 1,
        "worker": "somewhere",
    }
    url = op.path
    query: dict[str, Any] = {}
    shared = contract["components"]["parameters"]
    for raw in op.spec.get("parameters", []):
        param = shared[raw["$ref"].rsplit("/", 1)[1]] if "$ref" in raw else raw
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", str(path_values[param["name"]]))
        elif param.get("required"):
            query[param["name"]] = path_values[param["name"]]
    body = None
    if "requestBody" in op.spec:
        schema = op.spec["requestBody"]["content"]["application/json"]["schema"]
        body = minimal(schema, contract, ids)
    return {"method": op.method, "url": url, "params": query, "json": body}


class Matrix:
    """The server, a client per caller, and the records each allowed caller works on."""

    def __init__(self, server: ServerProcess, contract: dict[str, Any]) -> None:
        self.server = server
        self.contract = contract
        self.clients: dict[str, httpx.Client] = {}
        self.copies = 0

    def client(self, user: str | None = None, *, secret: str | None = None) -> httpx.Client:
        key = f"{user}:{secret}"
        if key not in self.clients:
            auth = httpx.BasicAuth(user, secret or password(user)) if user else None
            headers = {"Authorization": f"Bearer {secret}"} if secret and not user else {}
            self.clients[key] = httpx.Client(
                base_url=self.server.url, auth=auth, headers=headers, timeout=60
            )
        return self.clients[key]

    @staticmethod
    def ok(reply: httpx.Response) -> Any:
        assert reply.status_code in (200, 202), (reply.request.url, reply.text)
        return reply.json()

    def populate(self) -> dict[str, int]:
        """A workflow of alice's, shared with the group, with one record of every kind."""
        alice, admin = self.client("alice"), self.client("root")
        self.copies += 1
        group = self.ok(admin.post("/access_groups", json={"name": f"team{self.copies}"}))["id"]
        for user, role in (("bob", "member"), ("dave", "admin")):
            body = {"group_id": group, "user_name": user, "role": role}
            self.ok(admin.post(f"/access_groups/{group}/members", json=body))
        ids = {"group": group}
        ids["workflow"] = self.ok(alice.post("/workflows", json={"name": "w", "user": "alice"}))[
            "id"
        ]
        self.ok(alice.post(f"/workflows/{ids['workflow']}/access_groups/{group}"))
        schemas = self.contract["components"]["schemas"]
        creates = [
            ("job", "/jobs", "JobModel"),
            ("file", "/files", "FileModel"),
            ("user_data", "/user_data", "UserDataModel"),
            ("resource_requirements", "/resource_requirements", "ResourceRequirementsModel"),
            ("compute_node", "/compute_nodes", "ComputeNodeModel"),
            ("result", "/results", "ResultModel"),
            ("event", "/events", "EventModel"),
            ("scheduled_compute_node", "/scheduled_compute_nodes", "ScheduledComputeNodesModel"),
            ("local_scheduler", "/local_schedulers", "LocalSchedulerModel"),
            ("slurm_scheduler", "/slurm_schedulers", "SlurmSchedulerModel"),
            ("failure_handler", "/failure_handlers", "FailureHandlerModel"),
            ("ro_crate_entity", "/ro_crate_entities", "RoCrateEntityModel"),
            ("action", f"/workflows/{ids['workflow']}/actions", "WorkflowActionModel"),
            ("token", "/admin/worker_tokens", "CreateWorkerTokenRequest"),
        ]
        realistic: dict[str, dict[str, Any]] = {
            "slurm_scheduler": {"walltime": "01:00:00"},
            "failure_handler": {"rules": "[]"},
            "action": {
                "trigger_type": "on_workflow_start",
                "action_type": "run_commands",
                "action_config": {"commands": ["true"]},
            },
        }
        for name, path, schema in creates:
            body = {**minimal(schemas[schema], self.contract, ids), **realistic.get(name, {})}
            created = self.ok(alice.post(path, json=body))
            ids[name] = created["id"]
            if name == "token":
                ids["secret"] = created["token"]
        task = alice.post(f"/workflows/{ids['workflow']}/initialize_jobs", params={"async": "true"})
        ids["task"] = self.ok(task)["id"]
        return ids

    def call(self, client: httpx.Client, op: Operation, ids: dict[str, int]) -> httpx.Response:
        return client.request(**request_for(op, self.contract, ids))


@pytest.fixture(scope="module")
def matrix(contract: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    home = tmp_path_factory.mktemp("auth-matrix")
    users = home / "htpasswd"
    users.write_text(
        "".join(
            f"{u}:{bcrypt.hashpw(password(u).encode(), bcrypt.gensalt(4)).decode()}\n"
            for u in USERS
        )
    )
    server = ServerProcess(
        home / "torc.db",
        *("--auth-file", str(users), "--require-auth", "--enforce-access-control"),
        *("--admin-user", "root"),
    )
    yield Matrix(server, contract)
    server.stop()


def outcome(reply: httpx.Response) -> str:
    return (
        f"{reply.request.method} {reply.request.url.path}: {reply.status_code} {reply.text[:200]}"
    )


def test_every_operation_refuses_missing_and_wrong_credentials(matrix: Matrix) -> None:
    ids = matrix.populate()
    wrong = matrix.client("alice", secret="not-her-password")
    for op in operations(matrix.contract):
        for client in (matrix.client(), wrong):
            reply = matrix.call(client, op, ids)
            assert reply.status_code == 401, outcome(reply)
            assert reply.headers["WWW-Authenticate"].startswith("Basic")
            assert reply.json()["error"] == "Unauthorized"


def expected_denial(op: Operation, user: str) -> bool:
    """Whether ``user`` is refused ``op`` on alice's shared workflow."""
    kind = op.access
    if user == "root":
        return False
    if kind == "admin":
        return True
    if kind == "group_admin":
        return user != "dave"
    if kind == "share":
        return user not in ("alice", "dave")
    if kind == "workflow":
        return user == "carol"
    # the body names alice as the owner
    return op.operation_id == "create_workflow" and user != "alice"


@pytest.mark.parametrize("user", ["carol", "alice", "bob", "dave", "root"])
def test_every_operation_follows_the_access_rules(matrix: Matrix, user: str) -> None:
    ids = matrix.populate()
    client = matrix.client(user)
    for op in operations(matrix.contract):
        own = matrix.populate() if op.operation_id in TAKE_ACCESS_AWAY else ids
        reply = matrix.call(client, op, own)
        assert reply.status_code < 500, outcome(reply)
        if expected_denial(op, user):
            assert reply.status_code == 403, outcome(reply)
            assert reply.json()["error"] == "Forbidden", outcome(reply)
        else:
            assert reply.status_code not in DENIED, outcome(reply)


def test_a_worker_token_reaches_only_its_workflow_and_the_worker_operations(
    matrix: Matrix,
) -> None:
    ids, other = matrix.populate(), matrix.populate()
    token = matrix.client(secret=str(ids["secret"]))
    for op in operations(matrix.contract):
        mine = matrix.call(token, op, ids)
        assert mine.status_code < 500, outcome(mine)
        if op.worker:
            assert mine.status_code not in DENIED, outcome(mine)
        else:
            assert mine.status_code == 403, outcome(mine)
        if op.worker and op.access != "any":
            theirs = matrix.call(token, op, other)
            assert theirs.status_code == 403, outcome(theirs)
            assert f"limited to workflow {ids['workflow']}" in theirs.json()["message"]


def test_a_revoked_worker_token_is_refused_everywhere(matrix: Matrix) -> None:
    ids = matrix.populate()
    token = matrix.client(secret=str(ids["secret"]))
    assert token.get(f"/workflows/{ids['workflow']}").status_code == 200
    matrix.ok(matrix.client("alice").delete(f"/admin/worker_tokens/{ids['token']}"))
    for op in operations(matrix.contract):
        reply = matrix.call(token, op, ids)
        assert reply.status_code == 401, outcome(reply)
        assert "revoked" in reply.json()["message"]


def test_lists_show_only_what_the_caller_may_see(matrix: Matrix) -> None:
    ids = matrix.populate()
    carols = matrix.ok(
        matrix.client("carol").post("/workflows", json={"name": "c", "user": "carol"})
    )
    for user, sees_alices, sees_carols in (
        ("carol", False, True),
        ("bob", True, False),
        ("root", True, True),
    ):
        listed = matrix.ok(matrix.client(user).get("/workflows"))["items"]
        seen = {w["id"] for w in listed}
        assert (ids["workflow"] in seen, carols["id"] in seen) == (sees_alices, sees_carols), user
    tokens = matrix.ok(matrix.client("carol").get("/admin/worker_tokens"))
    assert tokens["items"] == []
    bobs = matrix.ok(matrix.client("bob").get("/admin/worker_tokens"))["items"]
    assert ids["token"] in {t["id"] for t in bobs}
    assert all("token" not in t and "token_hash" not in t for t in bobs)
    groups = matrix.ok(matrix.client("carol").get("/access_groups"))["items"]
    assert groups and "admin" not in {g["name"] for g in groups}  # the system group is hidden


def test_the_admin_group_is_managed_by_the_configuration_only(matrix: Matrix) -> None:
    root = matrix.client("root")
    admin = matrix.ok(root.get("/access_groups/0"))
    assert (admin["name"], admin["is_system"]) == ("admin", True)
    members = matrix.ok(root.get("/access_groups/0/members"))["items"]
    assert [(m["user_name"], m["role"]) for m in members] == [("root", "admin")]
    for reply in (
        root.delete("/access_groups/0"),
        root.post(
            "/access_groups/0/members", json={"group_id": 0, "user_name": "carol", "role": "member"}
        ),
        root.delete("/access_groups/0/members/root"),
    ):
        assert reply.status_code == 403, outcome(reply)
        assert "server configuration" in reply.json()["message"]


def test_users_cannot_create_workflows_for_someone_else(matrix: Matrix, tmp_path: Path) -> None:
    reply = matrix.client("carol").post("/workflows", json={"name": "x", "user": "alice"})
    assert reply.status_code == 403
    assert reply.json()["message"] == "User 'carol' may not create a workflow owned by 'alice'"
