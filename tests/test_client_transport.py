"""The generated client's transport against a real HTTP server scripted per test."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import torc_models as m
from torc.api import DEFAULT_URL, ApiError, TorcApi

Reply = tuple[int, Any]


class Scripted:
    """Answers each request with the next scripted reply and records what it received."""

    def __init__(self, replies: list[Reply] | Callable[[dict[str, Any]], Reply]) -> None:
        self.replies = replies
        self.requests: list[dict[str, Any]] = []
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(body) if body else None,
                    "client_port": self.client_address[1],
                }
                scripted.requests.append(request)
                replies = scripted.replies
                status, payload = replies(request) if callable(replies) else replies.pop(0)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/torc-service/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., Scripted]]:
    servers: list[Scripted] = []

    def start(replies: Any) -> Scripted:
        servers.append(Scripted(replies))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


JOB = {"id": 3, "workflow_id": 1, "name": "a", "command": "true", "status": "ready"}


def test_path_query_body_and_response(scripted: Callable[..., Scripted]) -> None:
    server = scripted([(200, JOB)])
    api = TorcApi(server.url)
    result = api.complete_job(
        3,
        m.JobStatus.completed,
        2,
        m.ResultModel(
            job_id=3,
            workflow_id=1,
            run_id=2,
            return_code=0,
            status=m.JobStatus.completed,
            exec_time_minutes=0.5,
            completion_time="2026-11-23T10:00:00Z",
            compute_node_id=4,
        ),
    )
    assert result == m.JobModel.model_validate(JOB)
    request = server.requests[0]
    assert request["method"] == "POST"
    assert request["path"] == "/torc-service/v1/jobs/3/complete_job/completed/2"
    assert request["json"]["return_code"] == 0
    assert "peak_memory_bytes" not in request["json"], "unset fields are omitted, as upstream"


def test_query_parameters_encoding(scripted: Callable[..., Scripted]) -> None:
    page = {
        "items": [JOB],
        "offset": 0,
        "max_limit": 10000,
        "count": 1,
        "total_count": 1,
        "has_more": False,
    }
    server = scripted([(200, page), (200, [])])
    api = TorcApi(server.url)
    assert api.list_jobs(1, status=m.JobStatus.ready, reverse_sort=True).items[0].name == "a"
    assert server.requests[0]["path"] == (
        "/torc-service/v1/jobs?workflow_id=1&status=ready&reverse_sort=true"
    )
    api.get_pending_actions(5, trigger_type=["on_jobs_ready", "on_workflow_start"])
    assert server.requests[1]["path"].endswith(
        "/workflows/5/actions/pending?trigger_type=on_jobs_ready&trigger_type=on_workflow_start"
    )


def test_path_values_are_escaped(scripted: Callable[..., Scripted]) -> None:
    server = scripted([(200, {"workflow_id": 1, "worker": "u@h/x"})])
    TorcApi(server.url).delete_remote_worker(1, "u@h/x")
    assert server.requests[0]["path"] == "/torc-service/v1/workflows/1/remote_workers/u%40h%2Fx"


def test_error_carries_status_and_server_message(scripted: Callable[..., Scripted]) -> None:
    body = {"error": "NotFound", "errorMessage": "workflow 9 does not exist", "code": 404}
    server = scripted([(404, body)])
    with pytest.raises(ApiError) as caught:
        TorcApi(server.url).get_workflow(9)
    assert caught.value.status_code == 404
    assert caught.value.message == "workflow 9 does not exist"
    assert caught.value.body == body


def test_503_is_retried_until_success(scripted: Callable[..., Scripted]) -> None:
    busy = (503, {"error": "ServiceUnavailable", "errorMessage": "database busy"})
    server = scripted([busy, busy, (200, {"status": "ok"})])
    api = TorcApi(server.url, retry_timeout=30, max_backoff=0.05)
    assert api.ping().status == "ok"
    assert len(server.requests) == 3


def test_gives_up_after_retry_timeout() -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = TorcApi(f"http://127.0.0.1:{port}/torc-service/v1", retry_timeout=0.3, max_backoff=0.05)
    with pytest.raises(ApiError) as caught:
        api.ping()
    assert caught.value.status_code == 503
    assert f"cannot reach the torc server at {api.url}: connection refused" in caught.value.message


def test_server_that_comes_back_is_reached(scripted: Callable[..., Scripted]) -> None:
    """A connection refused while the server restarts is retried, not fatal."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = TorcApi(f"http://127.0.0.1:{port}/torc-service/v1", retry_timeout=30, max_backoff=0.05)
    started = threading.Event()

    def start_late() -> None:
        server = ThreadingHTTPServer(("127.0.0.1", port), _ok_handler())
        started.set()
        server.handle_request()
        server.server_close()

    attempts: list[float] = []
    original = api._http.request

    def counting(*args: Any, **kwargs: Any) -> Any:
        attempts.append(1)
        if len(attempts) == 3:
            threading.Thread(target=start_late, daemon=True).start()
            started.wait(5)
        return original(*args, **kwargs)

    api._http.request = counting  # type: ignore[method-assign]
    assert api.ping().status == "ok"
    assert len(attempts) == 3, "two refused connections, then the restarted server"


def _ok_handler() -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def test_basic_auth_from_environment(
    scripted: Callable[..., Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = scripted([(200, {"status": "ok"})])
    monkeypatch.setenv("TORC_API_URL", server.url)
    monkeypatch.setenv("TORC_USERNAME", "alice")
    monkeypatch.setenv("TORC_PASSWORD", "s3cret")
    TorcApi().ping()
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert server.requests[0]["headers"]["Authorization"] == expected


def test_default_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TORC_API_URL", raising=False)
    assert TorcApi().url == DEFAULT_URL == "http://localhost:8080/torc-service/v1"


def test_connection_is_reused(scripted: Callable[..., Scripted]) -> None:
    server = scripted(lambda request: (200, {"status": "ok"}))
    api = TorcApi(server.url)
    for _ in range(5):
        api.ping()
    assert len({request["client_port"] for request in server.requests}) == 1
