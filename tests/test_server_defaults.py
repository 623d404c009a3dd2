"""``torc-server run`` defaults: where it listens, what it warns about, the config files it
reads and their precedence, and ``GET /health``. Every case starts a real server process
in a temporary home, config directory and working directory."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

import torc_models as m
from tests.ops_helpers import column, torc_server, wait_for
from tests.postgres import PostgresServer
from torc.api import TorcApi

NO_AUTH_WARNING = "without required authentication"


def outside_address() -> str | None:
    """This host's address on its outbound interface, if it has one besides loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # UDP: sends nothing
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Home:
    """A temporary HOME, XDG_CONFIG_HOME and working directory, and no TORC_* variables,
    so that only the files and variables a test writes reach the server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.work = root / "work"
        self.work.mkdir()
        self.user_config = root / "xdg" / "torc" / "config.toml"
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("TORC_", "RUST_LOG"))}
        environ.pop("DATABASE_URL", None)
        self.env = {
            **environ, "HOME": str(root / "home"), "XDG_CONFIG_HOME": str(root / "xdg"),
            "PYTHONUNBUFFERED": "1",
        }  # fmt: skip

    def write_user_config(self, text: str) -> None:
        self.user_config.parent.mkdir(parents=True, exist_ok=True)
        self.user_config.write_text(text)

    def write_local_config(self, text: str) -> None:
        (self.work / "torc.toml").write_text(text)


class Launched:
    """``torc-server run ARGS`` started in ``home``; stderr goes to a file to read later."""

    def __init__(self, home: Home, *args: str, env: dict[str, str] | None = None) -> None:
        self.stderr_path = home.root / f"stderr-{time.monotonic_ns()}.txt"
        with self.stderr_path.open("w") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "torc_server.cli", "run", *args],
                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=home.work,
                env={**home.env, **(env or {})},
            )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("TORC_SERVER_PORT="):
            self.proc.kill()
            raise AssertionError(f"no port line: {line!r}; stderr: {self.stderr()}")
        self.port = int(line.strip().split("=", 1)[1])

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/torc-service/v1"

    def api(self) -> TorcApi:
        return TorcApi(self.url(), retry_timeout=30)

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path)


Launch = Callable[..., Launched]


@pytest.fixture
def launch(home: Home) -> Iterator[Launch]:
    """Start servers in ``home``; each is stopped at the end of the test."""
    started: list[Launched] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Launched:
        started.append(Launched(home, *args, env=env))
        return started[-1]

    yield start
    for server in started:
        server.stop()


# --- where it listens ---------------------------------------------------------------------


def test_listens_on_loopback_by_default(launch: Launch) -> None:
    server = launch("--port", "0")
    assert server.api().ping().status == "ok"
    address = outside_address()
    if address is not None:
        with pytest.raises(httpx.ConnectError):
            httpx.get(server.url(address) + "/ping", timeout=5)
    assert server.stop() == 0
    log = server.stderr()
    assert f"Listening on 127.0.0.1:{server.port}" in log
    assert NO_AUTH_WARNING not in log
    assert "Finished server process" in log  # logs are flushed before the quick exit


@pytest.mark.parametrize("flag", ["--host", "--url"])
def test_all_interfaces_warns_once_about_authentication(launch: Launch, flag: str) -> None:
    server = launch(flag, "0.0.0.0", "--port", "0")
    address = outside_address()
    if address is not None:
        assert httpx.get(server.url(address) + "/ping", timeout=10).json() == {"status": "ok"}
    server.stop()
    log = server.stderr()
    assert log.count(NO_AUTH_WARNING) == 1
    warning = next(line for line in log.splitlines() if NO_AUTH_WARNING in line)
    assert " WARN " in warning and f"0.0.0.0:{server.port}" in warning
    assert "anyone who can reach this host on the network" in warning
    assert f"Clients connect to http://{socket.gethostname()}:{server.port}/torc-service/v1" in log


def test_url_with_a_port_binds_that_port(launch: Launch) -> None:
    port = free_port()
    server = launch("--url", f"http://127.0.0.1:{port}")
    assert server.port == port
    assert server.api().ping().status == "ok"


def test_unusable_listen_addresses_are_one_line_errors(home: Home) -> None:
    cases = [
        (["--url", "https://0.0.0.0:8080"], "needs --tls-cert FILE and --tls-key FILE"),
        (["--url", "ftp://host"], "expected a host, an address or http[s]://HOST[:PORT]"),
        (["--url", "http://127.0.0.1:9001", "--port", "9002"], "disagree on the port"),
    ]
    for args, message in cases:
        result = torc_server("run", *args, env=home.env, cwd=home.work)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# --- config files -------------------------------------------------------------------------


def test_reads_server_sections_of_the_user_config(home: Home, launch: Launch) -> None:
    port = free_port()
    logs = home.root / "server-logs"
    home.write_user_config(
        f'[client]\nformat = "json"\n\n[server]\nport = {port}\nlog_level = "debug"\n'
        f'database = "from-config.db"\n\n[server.logging]\nlog_dir = "{logs}"\njson_logs = true\n'
    )
    server = launch()
    assert server.port == port
    assert server.api().get_health().status == "ok"
    server.stop()
    assert (home.work / "from-config.db").is_file()
    lines = (logs / "torc-server.log").read_text().splitlines()
    assert lines and all(line.startswith('{"timestamp"') for line in lines)
    assert any('"level": "DEBUG"' in line for line in lines)


def test_precedence_flag_over_variable_over_local_over_user_file(
    home: Home, launch: Launch
) -> None:
    user_port, local_port, env_port, flag_port = (free_port() for _ in range(4))
    home.write_user_config(f"[server]\nport = {user_port}\n")
    assert launch().port == user_port
    home.write_local_config(f"[server]\nport = {local_port}\n")
    assert launch().port == local_port
    env = {"TORC_SERVER__PORT": str(env_port)}
    assert launch(env=env).port == env_port
    assert launch("--port", str(flag_port), env=env).port == flag_port


def test_config_url_and_level(home: Home, launch: Launch) -> None:
    home.write_user_config('[server]\nurl = "0.0.0.0"\nport = 0\nlog_level = "warn"\n')
    server = launch()
    server.stop()
    log = server.stderr()
    assert log.count(NO_AUTH_WARNING) == 1
    assert " INFO " not in log  # the file's level, not the default info
    flagged = launch("--host", "127.0.0.1", env={"TORC_LOG_LEVEL": "info"})
    flagged.stop()
    assert f"Listening on 127.0.0.1:{flagged.port}" in flagged.stderr()
    assert NO_AUTH_WARNING not in flagged.stderr()


def test_no_config_ignores_the_files(home: Home, launch: Launch) -> None:
    home.write_local_config("[server]\nprot = 8080\n")  # refused when read
    assert torc_server("run", "--port", "0", env=home.env, cwd=home.work).returncode == 1
    server = launch("--no-config", "--port", "0")
    assert server.api().ping().status == "ok"


def test_bad_config_files_are_one_line_errors(home: Home) -> None:
    path = home.user_config
    cases = [
        ("[server]\nprot = 8080\n", f"{path}: unknown setting 'server.prot' (did you mean "
                                    "'server.port'?)"),
        ('[server]\nport = "8080"\n', f"{path}: 'server.port' must be int, got str '8080'"),
        ("[server]\nport = 70000\n", f"server.port in {path} must be a port from 0 to 65535"),
        ('[server]\nlog_level = "loud"\n', f"server.log_level in {path} must be error, warn"),
        ("[server\nport = 1\n", f"{path}: not valid TOML"),
        ("[server]\nrequire_auth = 1\n", f"{path}: 'server.require_auth' must be bool"),
        ('[server]\nadmin_users = "alice"\n', f"{path}: 'server.admin_users' must be list"),
    ]  # fmt: skip
    for text, message in cases:
        home.write_user_config(text)
        result = torc_server("run", "--port", "0", env=home.env, cwd=home.work)
        assert result.returncode == 1, (text, result.stderr)
        assert message in result.stderr, (text, result.stderr)
        assert result.stderr.startswith("torc-server: error: ") and result.stderr.count("\n") == 1


# --- shutdown -------------------------------------------------------------------------------


def writer_active(database: Path) -> bool:
    """Whether some connection holds SQLite's write lock right now."""
    conn = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def test_sigterm_finishes_the_request_in_flight(home: Home, launch: Launch) -> None:
    database = home.root / "t.db"
    server = launch("--port", "0", "--database", str(database))
    api = server.api()
    workflow_id = api.create_workflow(m.WorkflowModel(name="big", user="alice")).id
    jobs = [m.JobModel(workflow_id=workflow_id, name=f"j{i}", command="true") for i in range(30000)]
    replies: list[httpx.Response] = []
    upload = threading.Thread(
        target=lambda: replies.append(
            httpx.post(server.url() + "/bulk_jobs", content=m.JobsModel(jobs=jobs)
                       .model_dump_json(), timeout=120)
        )
    )  # fmt: skip
    upload.start()
    wait_for(lambda: writer_active(database) or replies, "the upload to be written")
    server.proc.send_signal(signal.SIGTERM)
    upload.join()
    assert server.proc.wait(timeout=30) == 0
    assert replies[0].status_code == 200
    assert column(database, "SELECT count(*) FROM job") == [30000]


# --- GET /health --------------------------------------------------------------------------


def test_health_answers_with_the_version(launch: Launch) -> None:
    server = launch("--port", "0", "--database", ":memory:")
    health = server.api().get_health()
    assert health.status == "ok" and health.database == "sqlite" and health.version
    assert health.version == server.api().get_version().version


def test_health_is_503_when_the_database_is_gone(launch: Launch) -> None:
    root = Path(tempfile.mkdtemp(prefix="torc-postgres-"))  # reachable by the postgres user
    postgres = PostgresServer(root)
    try:
        server = launch("--port", "0", "--database", postgres.new_database())
        health = httpx.get(server.url() + "/health", timeout=10)
        assert health.json()["database"] == "postgresql"
    finally:
        postgres.stop()
    reply = httpx.get(server.url() + "/health", timeout=30)
    assert reply.status_code == 503
    assert reply.json()["error"] == "ServiceUnavailable"


# --- service install ----------------------------------------------------------------------


def test_service_install_takes_the_manuals_url_flag(home: Home) -> None:
    env = {**home.env, "TORC_SYSTEMD_UNIT_DIR": str(home.root / "units"), "PATH": str(
        Path(sys.executable).parent)}  # fmt: skip
    result = torc_server("service", "install", "--user", "--url", "http://0.0.0.0:9123", env=env)
    assert "systemctl was not found" in result.stderr
    assert "listens on 0.0.0.0 without required authentication" in result.stderr
    unit = (home.root / "units" / "torc-server.service").read_text()
    assert "--host 0.0.0.0 \\" in unit and "--port 9123 \\" in unit
