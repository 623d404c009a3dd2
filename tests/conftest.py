"""Shared fixtures: paths, the parsed contract, and a real torc-server process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.postgres import PostgresServer
from tests.slurm_cluster import slurm_cluster  # noqa: F401
from torc.api import TorcApi

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "api" / "openapi.yaml"


@pytest.fixture(scope="session")
def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())
    return loaded


class ServerProcess:
    """A ``torc-server run --port 0`` child process and the URL it listens on."""

    def __init__(self, database: str | Path, *args: str, port: int = 0, stderr: Any = None) -> None:
        self.database = database
        command = [sys.executable, "-m", "torc_server.cli", "run", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--database", str(database), "--log-level", "warn", *args]
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=stderr,
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

    def api(self) -> TorcApi:
        return TorcApi(self.url, retry_timeout=30)


@pytest.fixture
def torc_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A fresh server on a temporary SQLite file."""
    server = ServerProcess(tmp_path / "torc.db", "--completion-check-interval-secs", "1")
    yield server
    server.stop()


@pytest.fixture
def api(torc_server: ServerProcess) -> Iterator[TorcApi]:
    client = torc_server.api()
    yield client
    client.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server (Debian's, else the wheel's; see tests/postgres.py) per session."""
    root = Path(tempfile.mkdtemp(prefix="torc-postgres-"))  # reachable by the postgres user
    server = PostgresServer(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    """The same server on each storage backend: lifecycle tests run against both."""
    if request.param == "sqlite":
        database: str | Path = tmp_path / "torc.db"
    else:
        database = request.getfixturevalue("postgres").new_database()
    server = ServerProcess(database, "--completion-check-interval-secs", "1")
    yield server
    server.stop()


@pytest.fixture
def any_api(any_server: ServerProcess) -> Iterator[TorcApi]:
    client = any_server.api()
    yield client
    client.close()
