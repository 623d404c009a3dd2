"""``torc-server run``'s authentication options: flags, environment variables and the
``[server]`` section of ./torc.toml reach the server (its start-up log says so), and
impossible combinations stop it with one line. Whether requests are then refused is the
authentication layer's own tests' business."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest

from tests.ops_helpers import torc_server

LOADING = "Loading htpasswd file from: "
REQUIRED = "Authentication is REQUIRED for all requests"
ACCESS_CONTROL = (
    "Access control is ENABLED - users can only access their own workflows and workflows "
    "shared via access groups"
)
ADMINS = "Admin users configured: "
CLEAR_TEXT = "travel in clear text"
NO_REQUIRED_AUTH = "without required authentication"


def write_users(path: Path, *names: str) -> Path:
    """An htpasswd file with password ``pw`` for each user (cost 4: fast to write)."""
    lines = [f"{name}:{bcrypt.hashpw(b'pw', bcrypt.gensalt(4)).decode()}\n" for name in names]
    path.write_text("".join(lines))
    return path


class Place:
    """A working directory, an empty XDG_CONFIG_HOME and HOME, and no TORC_* variables,
    so that only what a test writes reaches the server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.work = root / "work"
        self.work.mkdir()
        (root / "xdg").mkdir()
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("TORC_", "RUST_LOG"))}
        environ.pop("DATABASE_URL", None)
        self.env = {
            **environ, "HOME": str(root / "home"), "XDG_CONFIG_HOME": str(root / "xdg"),
            "PYTHONUNBUFFERED": "1",
        }  # fmt: skip
        self.started: list[subprocess.Popen[str]] = []

    def start(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Start ``torc-server run ARGS`` on a free loopback port and an in-memory
        database; once it reports its port, return what it logged until then."""
        stderr_path = self.root / f"stderr-{len(self.started)}.txt"
        with stderr_path.open("w") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "torc_server.cli", "run", "--port", "0",
                 "--database", ":memory:", *args],
                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=self.work,
                env={**self.env, **(env or {})},
            )  # fmt: skip
        self.started.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        log = stderr_path.read_text()  # everything up to the port line is written by now
        assert line.startswith("TORC_SERVER_PORT="), f"no port line: {line!r}; stderr: {log}"
        return log

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return torc_server("run", *args, env=self.env, cwd=self.work)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    where = Place(tmp_path)
    yield where
    where.stop_all()


def loaded(count: int) -> str:
    return f"Loaded {count} users from htpasswd file"


def security_lines(log: str) -> list[str]:
    """The messages logged between the version line and the listening line, in order."""
    messages = [line.split(" torc_server: ", 1)[-1] for line in log.splitlines()]
    start = next(i for i, m in enumerate(messages) if m.startswith("Starting torc-server"))
    end = next(i for i, m in enumerate(messages) if m.startswith("Listening on "))
    return messages[start + 1 : end]


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith("torc-server: error: "), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def test_flags_are_reported_at_start(place: Place) -> None:
    users = write_users(place.root / "users.htpasswd", "alice", "bob")
    log = place.start(
        "--auth-file", str(users), "--require-auth", "--enforce-access-control",
        "--admin-user", "alice", "--admin-user", "bob", "--credential-cache-ttl-secs", "0",
    )  # fmt: skip
    assert security_lines(log) == [
        f"{LOADING}{users}",
        loaded(2),
        REQUIRED,
        ACCESS_CONTROL,
        f'{ADMINS}["alice", "bob"]',
    ]
    assert NO_REQUIRED_AUTH not in log and CLEAR_TEXT not in log  # loopback only


def test_relative_auth_file_is_made_absolute(place: Place) -> None:
    write_users(place.work / "users", "alice")
    log = place.start("--auth-file", "users")
    assert security_lines(log) == [f"{LOADING}{place.work / 'users'}", loaded(1)]


def test_without_options_nothing_is_reported(place: Place) -> None:
    assert security_lines(place.start()) == []


def test_environment_variables(place: Place) -> None:
    users = write_users(place.root / "users", "alice")
    log = place.start(
        env={
            "TORC_AUTH_FILE": str(users), "TORC_ADMIN_USERS": "alice,bob",
            "TORC_SERVER__REQUIRE_AUTH": "true", "TORC_SERVER__ENFORCE_ACCESS_CONTROL": "1",
            "TORC_CREDENTIAL_CACHE_TTL_SECS": "5",
        }
    )  # fmt: skip
    assert security_lines(log) == [
        f"{LOADING}{users}",
        loaded(1),
        REQUIRED,
        ACCESS_CONTROL,
        f'{ADMINS}["alice", "bob"]',
    ]
    other = write_users(place.root / "other", "carol")
    log = place.start(env={"TORC_SERVER__AUTH_FILE": str(other)})
    assert security_lines(log) == [f"{LOADING}{other}", loaded(1)]


def test_local_config_file(place: Place) -> None:
    users = write_users(place.root / "users", "alice")
    (place.work / "torc.toml").write_text(
        f'[server]\nauth_file = "{users}"\nrequire_auth = true\nenforce_access_control = true\n'
        'admin_users = ["alice"]\ncredential_cache_ttl_secs = 30\n'
    )
    log = place.start()
    assert security_lines(log) == [
        f"{LOADING}{users}",
        loaded(1),
        REQUIRED,
        ACCESS_CONTROL,
        f'{ADMINS}["alice"]',
    ]


def test_flags_and_variables_beat_the_config_file(place: Place) -> None:
    from_file = write_users(place.root / "from-file", "alice")
    from_flag = write_users(place.root / "from-flag", "bob")
    (place.work / "torc.toml").write_text(
        f'[server]\nauth_file = "{from_file}"\nadmin_users = ["alice"]\n'
    )
    log = place.start("--auth-file", str(from_flag), env={"TORC_ADMIN_USERS": "bob"})
    assert security_lines(log) == [f"{LOADING}{from_flag}", loaded(1), f'{ADMINS}["bob"]']
    log = place.start("--admin-user", "carol", env={"TORC_ADMIN_USERS": "bob"})
    assert security_lines(log) == [f"{LOADING}{from_file}", loaded(1), f'{ADMINS}["carol"]']


def test_require_auth_without_an_auth_file_is_a_usage_error(place: Place) -> None:
    message = one_line_error(place.run("--require-auth"), 2)
    assert "--require-auth needs --auth-file" in message
    (place.work / "torc.toml").write_text("[server]\nrequire_auth = true\n")
    assert "--require-auth needs --auth-file" in one_line_error(place.run(), 2)


def test_missing_or_unreadable_auth_file_is_an_error_naming_it(place: Place) -> None:
    missing = place.root / "nowhere" / "users"
    message = one_line_error(place.run("--auth-file", str(missing)), 1)
    assert f"cannot read the auth file {missing}: No such file or directory" in message
    message = one_line_error(place.run("--auth-file", str(place.root)), 1)
    assert f"cannot read the auth file {place.root}" in message
    if os.geteuid() != 0:  # root reads any file
        locked = write_users(place.root / "locked", "alice")
        locked.chmod(0)
        message = one_line_error(place.run("--auth-file", str(locked)), 1)
        assert f"cannot read the auth file {locked}: Permission denied" in message


def test_negative_cache_ttl_is_refused(place: Place) -> None:
    message = one_line_error(place.run("--credential-cache-ttl-secs", "-1"), 2)
    assert "--credential-cache-ttl-secs must be at least 0" in message
    (place.work / "torc.toml").write_text("[server]\ncredential_cache_ttl_secs = -5\n")
    message = one_line_error(place.run(), 1)
    assert "server.credential_cache_ttl_secs in" in message and "must be at least 0" in message


def test_bad_admin_users_in_the_config_file(place: Place) -> None:
    (place.work / "torc.toml").write_text("[server]\nadmin_users = [1]\n")
    message = one_line_error(place.run(), 1)
    assert "server.admin_users in" in message and "a list of user names" in message


def test_warnings_beyond_localhost(place: Place) -> None:
    users = write_users(place.root / "users", "alice")
    log = place.start("--host", "0.0.0.0", "--auth-file", str(users))
    warning = next(line for line in log.splitlines() if NO_REQUIRED_AUTH in line)
    assert " WARN " in warning and "--auth-file FILE --require-auth (and --https)" in warning
    log = place.start("--host", "0.0.0.0", "--auth-file", str(users), "--require-auth")
    assert NO_REQUIRED_AUTH not in log
    warning = next(line for line in log.splitlines() if CLEAR_TEXT in line)
    assert " WARN " in warning and "--https" in warning


def test_an_htpasswd_file_with_a_weak_hash_stops_the_server(place: Place) -> None:
    users = place.root / "users"
    users.write_text("alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n")
    message = one_line_error(place.run("--auth-file", str(users)), 1)
    assert str(users) in message and ":1" in message and "bcrypt" in message
