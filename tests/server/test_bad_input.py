"""Bad requests get a 4xx with the JSON error body that names the problem; never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ServerProcess

HUGE = 2**70


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for all cases: none of them changes state that another one reads."""
    process = ServerProcess(tmp_path_factory.mktemp("bad-input") / "torc.db")
    httpx.post(f"{process.url}/workflows", json={"name": "w", "user": "u"})
    yield process
    process.stop()


CASES: list[tuple[str, str, Any, int, str]] = [
    ("GET", f"/jobs/{HUGE}", None, 422, "out of range"),
    ("GET", "/jobs/abc", None, 422, "path parameter 'id' must be an integer"),
    ("GET", "/jobs?workflow_id=1&limit=0", None, 422, "at least 1"),
    ("GET", "/jobs", None, 422, "query parameter 'workflow_id' is required"),
    ("GET", "/jobs?workflow_id=1&status=done", None, 422, "must be one of"),
    ("GET", "/workflows?is_archived=maybe", None, 422, "must be true or false"),
    ("POST", "/workflows", {"name": "x"}, 422, "field 'user'"),
    ("POST", "/workflows", {"name": 5, "user": "u"}, 422, "field 'name'"),
    ("POST", "/events", {"workflow_id": 1, "timestamp": HUGE, "data": {}}, 422, "too large"),
    (
        "POST",
        "/user_data",
        {"workflow_id": 1, "name": "d", "data": [{"n": -HUGE}]},
        422,
        "field 'data.0.n' holds an integer too large",
    ),
    ("PUT", "/jobs/1/manage_status_change/nonsense/1", None, 422, "must be one of"),
    ("GET", "/workflows/999/status", None, 404, "workflow 999 does not exist"),
    ("DELETE", "/workflows", None, 405, "Method Not Allowed"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), CASES)
def test_bad_request(
    server: ServerProcess, method: str, path: str, body: Any, status: int, message: str
) -> None:
    reply = httpx.request(method, server.url + path, json=body)
    assert reply.status_code == status, reply.text
    error = reply.json()
    assert error["code"] == status and message in error["errorMessage"]


def test_malformed_json(server: ServerProcess) -> None:
    reply = httpx.post(
        f"{server.url}/workflows",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert reply.status_code == 422
    assert "invalid request body" in reply.json()["errorMessage"]
