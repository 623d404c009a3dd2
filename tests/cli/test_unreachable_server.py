"""An interactive command whose server cannot be reached fails at once, on one line that
names the URL, the cause and the remedy (only job runners retry for minutes)."""

from __future__ import annotations

import os
import socket
import subprocess

from tests.conftest import ServerProcess

REMEDY = ("`torc-server run`", "`torc -s`", "TORC_API_URL", "--url")


def torc(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    return subprocess.run(
        ["torc", "--url", url, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=20,  # far above the few seconds allowed: a retrying client would hit it
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], url: str, cause: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    (line,) = lines
    assert line.startswith(f"Error: cannot reach the torc server at {url}: {cause}")
    assert all(remedy in line for remedy in REMEDY), line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}/torc-service/v1"
    assert_one_line_error(torc(url, "workflows", "list"), url, "connection refused")


def test_unknown_host() -> None:
    url = "http://no-such-host.invalid:8080/torc-service/v1"
    assert_one_line_error(torc(url, "jobs", "list", "1"), url, "DNS lookup failed")


def test_tls_to_a_plain_http_server(server: ServerProcess) -> None:
    url = server.url.replace("http://", "https://")
    assert_one_line_error(torc(url, "workflows", "get", "1"), url, "TLS error")
