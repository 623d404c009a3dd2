"""A real ``torc-server`` process answers through the generated client."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.conftest import ServerProcess
from torc.api import ApiError, TorcApi


def test_ping_and_version(torc_server: ServerProcess, contract: dict[str, Any]) -> None:
    api = TorcApi(torc_server.url)
    assert api.ping().status == "ok"
    version = api.get_version()
    assert version.api_version == contract["info"]["version"]
    assert version.version


def test_unknown_route_is_json_error(torc_server: ServerProcess) -> None:
    reply = httpx.get(f"{torc_server.url}/no_such_thing")
    assert reply.status_code == 404
    body = reply.json()
    assert body["code"] == 404 and body["error"] == "NotFound" and body["errorMessage"]
    with pytest.raises(ApiError) as caught:
        TorcApi(torc_server.url).get_job(1)
    assert caught.value.status_code == 404


def test_docs_are_served(torc_server: ServerProcess) -> None:
    assert httpx.get(f"{torc_server.url}/docs").status_code == 200


def test_busy_port_is_a_clear_error(torc_server: ServerProcess) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torc_server.cli",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(torc_server.port),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{torc_server.port}" in result.stderr
    assert "Traceback" not in result.stderr
