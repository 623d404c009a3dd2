"""Operating ``torc-server run``: logging, daemon mode, SIGUSR1 snapshots, body limits,
graceful shutdown and the API docs, each against a real server process and real files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.ops_helpers import column, process_gone, torc_server, wait_for, workflow_ids
from tests.postgres import PostgresServer
from torc.api import TorcApi
from torc_server.dispatch import contract
from torc_server.snapshot import SnapshotPolicy, write_snapshot


def new_workflow(api: TorcApi, name: str, jobs: int = 0, user: str = "alice") -> int:
    workflow_id = api.create_workflow(m.WorkflowModel(name=name, user=user)).id
    assert workflow_id is not None
    if jobs:
        models = [m.JobModel(workflow_id=workflow_id, name=f"{name}-{i}", command="true")
                  for i in range(jobs)]  # fmt: skip
        api.create_jobs(m.JobsModel(jobs=models))
    return workflow_id


Start = Callable[..., ServerProcess]


@pytest.fixture
def started() -> Iterator[Start]:
    """Servers started by a test, stopped at its end even when it fails."""
    servers: list[ServerProcess] = []

    def start(database: str | Path, *args: str) -> ServerProcess:
        servers.append(ServerProcess(database, *args))
        return servers[-1]

    yield start
    for server in servers:
        if server.proc.poll() is None:
            server.stop()


# --- the port line and shutdown ----------------------------------------------------------


def test_port_zero_prints_exactly_one_stdout_line(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "t.db")
    assert 0 < server.port < 65536
    assert server.api().ping().status == "ok"
    server.stop()
    assert server.proc.stdout is not None
    assert server.proc.stdout.read() == ""  # logs go to stderr, never after the port line


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_shutdown_signal_is_graceful(started: Start, stop_signal: signal.Signals) -> None:
    server = started(":memory:")
    new_workflow(server.api(), "wf", jobs=2)
    server.proc.send_signal(stop_signal)
    assert server.proc.wait(timeout=20) == 0


def test_bad_flags_are_one_line_errors(tmp_path: Path) -> None:
    cases = [
        (["run", "--port", "http"], "Invalid value for '--port'"),
        (["run", "--log-level", "loud"], "Invalid value for '--log-level'"),
        (["run", "--no-such-flag"], "No such option: --no-such-flag"),
        (["run", "--daemon"], "--daemon needs --log-dir"),
    ]
    for args, message in cases:
        result = torc_server(*args, env={"TORC_LOG_DIR": ""}, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
        assert result.stdout == ""
    for env, name in [
        ({"TORC_LOG_LEVEL": "chatty"}, "TORC_LOG_LEVEL"),
        ({"TORC_SERVER_SNAPSHOT_KEEP": "0"}, "TORC_SERVER_SNAPSHOT_KEEP"),
        ({"TORC_MAX_REQUEST_BODY_MB": "lots"}, "TORC_MAX_REQUEST_BODY_MB"),
    ]:
        result = torc_server("run", "--port", "0", env=env, cwd=tmp_path)
        assert result.returncode == 2 and name in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


# --- logging -----------------------------------------------------------------------------


def test_json_logs_are_one_object_per_line(started: Start, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    server = started(
        tmp_path / "t.db", "--log-dir", str(logs), "--json-logs", "--log-level", "info"
    )
    new_workflow(server.api(), "logged")
    server.stop()
    lines = (logs / "torc-server.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert all(set(entry) >= {"timestamp", "level", "logger", "message"} for entry in entries)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["timestamp"])
               for e in entries)  # fmt: skip
    messages = [entry["message"] for entry in entries]
    assert any(msg.startswith("Starting torc-server version=") for msg in messages)
    assert f"Listening on 127.0.0.1:{server.port}" in messages
    assert {entry["level"] for entry in entries} <= {"ERROR", "WARN", "INFO"}


def test_text_log_file_and_level(started: Start, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    server = started(tmp_path / "t.db", "--log-dir", str(logs), "--log-level", "error")
    server.api().ping()
    server.stop()
    assert (logs / "torc-server.log").read_text() == ""  # nothing at error level
    server = started(tmp_path / "t.db", "--log-dir", str(logs), "--log-level", "info")
    server.api().ping()
    server.stop()
    first = (logs / "torc-server.log").read_text().splitlines()[0]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT[\d:.]+Z INFO torc_server: Starting torc-server version=.+", first
    )


def test_log_file_rotates_keeping_five(
    started: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TORC_LOG_MAX_BYTES", "2048")  # instead of 10 MiB
    logs = tmp_path / "logs"
    server = started(tmp_path / "t.db", "--log-dir", str(logs), "--log-level", "debug")
    with httpx.Client() as client:  # debug logs every request

        def rotated(count: int) -> bool:
            for _ in range(10):
                client.get(f"{server.url}/ping")
            return (logs / f"torc-server.log.{count}").exists()

        wait_for(lambda: rotated(5), "five rotated log files")
        first_oldest = (logs / "torc-server.log.5").read_text()
        wait_for(lambda: rotated(5) and (logs / "torc-server.log.5").read_text() != first_oldest,
                 "the oldest log file to be replaced")  # fmt: skip
    server.stop()
    names = sorted(path.name for path in logs.iterdir())
    assert names == ["torc-server.log", *(f"torc-server.log.{i}" for i in range(1, 6))]
    assert all(path.stat().st_size <= 2048 for path in logs.iterdir())


# --- daemon ------------------------------------------------------------------------------


def test_daemon_serves_and_removes_its_pid_file(tmp_path: Path) -> None:
    pid_file = tmp_path / "run" / "torc.pid"
    pid_file.parent.mkdir()
    result = torc_server(
        "run", "--daemon", "--pid-file", "run/torc.pid", "--log-dir", "logs",
        "--host", "127.0.0.1", "--port", "0", "--database", "relative.db",
        env={"RUST_LOG": "debug,torc::server=trace"}, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"TORC_SERVER_PORT=\d+\n", result.stdout)
    pid = int(pid_file.read_text())
    assert f"daemon started (pid {pid}" in result.stderr
    try:
        port = int(result.stdout.strip().split("=")[1])
        api = TorcApi(f"http://127.0.0.1:{port}/torc-service/v1")
        new_workflow(api, "daemonized")
        api.close()
        # relative paths resolve against the launch directory, not the daemon's /
        assert workflow_ids(tmp_path / "relative.db") == [1]
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not pid_file.exists(), "the daemon to remove its pid file")
    wait_for(lambda: process_gone(pid), "the daemon to exit")
    log = (tmp_path / "logs" / "torc-server.log").read_text()
    assert " DEBUG " in log  # level from a plain RUST_LOG directive
    assert "Finished server process" in log


def test_daemon_reports_startup_failures(tmp_path: Path) -> None:
    result = torc_server(
        "run", "--daemon", "--pid-file", tmp_path / "missing" / "torc.pid",
        "--log-dir", tmp_path / "logs", "--port", "0", "--database", tmp_path / "t.db",
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot write pid file" in result.stderr and "No such file" in result.stderr
    assert result.stdout == ""  # no port line for a server that is not serving


# --- SIGUSR1 snapshots -------------------------------------------------------------------


def snapshot(server: ServerProcess, path: Path, expected_workflows: list[int]) -> None:
    """Signal the server and wait for the snapshot holding ``expected_workflows``."""
    server.proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: path.exists() and workflow_ids(path) == expected_workflows,
             f"a snapshot with workflows {expected_workflows}")  # fmt: skip


def test_snapshots_of_an_on_disk_database_rotate(
    started: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "snapshots" / "torc.db"  # the directory is created on demand
    monkeypatch.setenv("TORC_SERVER_SNAPSHOT_PATH", str(path))
    monkeypatch.setenv("TORC_SERVER_SNAPSHOT_KEEP", "2")
    server = started(tmp_path / "live.db")
    api = server.api()
    first = new_workflow(api, "one", jobs=3)
    snapshot(server, path, [first])
    assert column(path, "SELECT count(*) FROM job WHERE workflow_id = ?", first) == [3]
    second = new_workflow(api, "two")
    snapshot(server, path, [first, second])
    third = new_workflow(api, "three")
    snapshot(server, path, [first, second, third])
    assert workflow_ids(path.with_name("torc.db.1")) == [first, second]
    assert sorted(p.name for p in path.parent.iterdir()) == ["torc.db", "torc.db.1"]
    assert api.ping().status == "ok"  # still serving


def test_snapshot_of_an_in_memory_database(
    started: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default path is relative to the launch directory
    monkeypatch.delenv("TORC_SERVER_SNAPSHOT_PATH", raising=False)
    server = started(":memory:")
    workflow = new_workflow(server.api(), "in-ram", jobs=4)
    path = tmp_path / "torc-server-snapshot.db"
    snapshot(server, path, [workflow])
    names = column(path, "SELECT name FROM job WHERE workflow_id = ? ORDER BY id", workflow)
    assert names == [f"in-ram-{i}" for i in range(4)]
    server.stop()
    # a snapshot is a normal database: a server started on a copy carries on from it
    shutil.copy(path, tmp_path / "resumed.db")
    resumed = started(tmp_path / "resumed.db")
    assert resumed.api().list_jobs(workflow).total_count == 4


def test_snapshot_rotation_by_keep(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE workflow (id INTEGER PRIMARY KEY)")
    conn.close()

    def take(policy: SnapshotPolicy, workflow: int) -> None:
        with sqlite3.connect(source) as conn:
            conn.execute("INSERT INTO workflow VALUES (?)", (workflow,))
        conn.close()
        write_snapshot(source, policy)

    single = SnapshotPolicy(tmp_path / "one" / "snap.db", keep=1)
    for workflow in (1, 2):
        take(single, workflow)
    assert [p.name for p in single.path.parent.iterdir()] == ["snap.db"]  # overwritten
    assert workflow_ids(single.path) == [1, 2]

    three = SnapshotPolicy(tmp_path / "three" / "snap.db", keep=3)
    three.path.parent.mkdir()
    three.numbered(7).write_text("from an earlier run that kept more")
    for workflow in (3, 4, 5, 6):
        take(three, workflow)
    assert sorted(p.name for p in three.path.parent.iterdir()) == [
        "snap.db", "snap.db.1", "snap.db.2",
    ]  # fmt: skip
    newest_first = [three.path, three.numbered(1), three.numbered(2)]
    assert [max(workflow_ids(path)) for path in newest_first] == [6, 5, 4]


def test_postgresql_server_ignores_sigusr1(
    started: Start, tmp_path: Path, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TORC_SERVER_SNAPSHOT_PATH", str(tmp_path / "snap.db"))
    logs = tmp_path / "logs"
    server = started(postgres.new_database(), "--log-dir", str(logs))
    assert server.api().ping().status == "ok"  # SIGUSR1 is ignored until the app is up
    server.proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: "snapshots are SQLite-only" in (logs / "torc-server.log").read_text(),
             "the SQLite-only warning")  # fmt: skip
    assert server.api().ping().status == "ok" and not (tmp_path / "snap.db").exists()


# --- request bodies ----------------------------------------------------------------------


def test_oversized_bodies_get_413(started: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TORC_MAX_REQUEST_BODY_MB", "1")
    server = started(":memory:")
    headers = {"content-type": "application/json"}
    workflow = {"name": "big", "user": "alice", "description": "x" * (1536 * 1024)}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:

        def refused(reply: httpx.Response, limit: str) -> None:
            assert reply.status_code == 413, reply.text
            body = reply.json()
            assert body["error"] == "PayloadTooLarge" and body["code"] == 413
            assert f"limit of {limit} MiB" in body["errorMessage"]

        # bulk uploads have TORC_MAX_REQUEST_BODY_MB, other routes 10 MiB
        refused(client.post("/bulk_jobs", content=b"[" + b" " * (1536 * 1024) + b"]"), "1")
        assert client.post("/workflows", json=workflow).status_code == 200
        workflow["description"] = "x" * (11 * 1024 * 1024)
        refused(client.post("/workflows", json=workflow), "10")
        chunks = (b" " * (1024 * 1024) for _ in range(11))  # no Content-Length: streamed
        refused(client.post("/workflows", content=chunks), "10")
        assert client.get("/ping").status_code == 200


# --- docs --------------------------------------------------------------------------------


def test_docs_serve_the_contract(torc_server: ServerProcess) -> None:
    docs = httpx.get(f"{torc_server.url}/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert "/torc-service/v1/openapi.json" in docs.text
    served = httpx.get(f"{torc_server.url}/openapi.json").json()
    assert served == contract()  # the contract the routes are built from, unchanged


def test_cli_help_lists_the_commands() -> None:
    result = torc_server("--help")
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("run", "export", "service"))
