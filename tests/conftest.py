"""Shared fixtures: paths, the parsed contract, and a real torc-server process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "api" / "openapi.yaml"


@pytest.fixture(scope="session")
def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())
    return loaded


class ServerProcess:
    """A ``torc-server run --port 0`` child process and the URL it listens on."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "torc_server.cli",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                *args,
            ],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("TORC_SERVER_PORT="):
            self.proc.kill()
            raise RuntimeError(f"torc-server did not report its port: {line!r}")
        self.port = int(line.strip().split("=", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}/torc-service/v1"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def torc_server() -> Iterator[ServerProcess]:
    server = ServerProcess()
    yield server
    server.stop()
