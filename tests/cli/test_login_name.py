"""The user is the login name: the owner of new workflows, and the basic-auth username
when only ``TORC_PASSWORD`` is set (as the original's users do)."""

from __future__ import annotations

import base64
import json
import os
import pwd
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.conftest import ServerProcess
from torc.api import ApiError, TorcApi

LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


def env_without_login(**extra: str) -> dict[str, str]:
    """No login variables: the name must come from the passwd entry."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TORC_") and k not in LOGIN_VARIABLES
    }
    return {**env, **extra}


def passwd_name() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


class Recorder(BaseHTTPRequestHandler):
    """Answers 404 to everything and keeps the Authorization headers it saw: the
    server has no authentication yet, so this is where the client's credentials show."""

    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        body = json.dumps({"errorMessage": "not here"}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    Recorder.seen = []
    http = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_address[1]}/torc-service/v1", Recorder.seen
    http.shutdown()
    http.server_close()


def credentials(header: str) -> str:
    assert header.startswith("Basic "), header
    return base64.b64decode(header.removeprefix("Basic ")).decode()


def test_new_workflows_belong_to_the_login_name(server: ServerProcess) -> None:
    result = subprocess.run(
        ["torc", "--url", server.url, "-f", "json", "workflows", "new", "--name", "mine"],
        capture_output=True,
        text=True,
        env=env_without_login(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["user"] == passwd_name()


def test_only_a_password_means_the_login_name(recorder: tuple[str, list[str]]) -> None:
    url, seen = recorder
    result = subprocess.run(
        ["torc", "--url", url, "workflows", "get", "1"],
        capture_output=True,
        text=True,
        env=env_without_login(TORC_PASSWORD="secret"),
        timeout=60,
    )
    assert result.returncode == 1 and "not here" in result.stderr
    assert [credentials(header) for header in seen] == [f"{passwd_name()}:secret"]


def test_the_library_does_the_same(
    recorder: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    monkeypatch.setenv("LOGNAME", "alice")
    with TorcApi(url, password="secret", retry_timeout=0) as api, pytest.raises(ApiError):
        api.get_workflow(1)
    assert [credentials(header) for header in seen] == ["alice:secret"]
