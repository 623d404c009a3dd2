"""The authentication layer of a real server: modes, log lines, the credential cache,
reloading the htpasswd file, and bcrypt kept off the event loop."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import httpx
import pytest

from tests.conftest import ServerProcess


def hashed(password: str, cost: int = 4) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(cost)).decode()


def write_users(path: Path, **users: str) -> Path:
    path.write_text("".join(f"{name}:{hashed(pw)}\n" for name, pw in users.items()))
    return path


class LoggedServer(ServerProcess):
    """A server whose log (debug level) goes to a file."""

    def __init__(self, root: Path, *args: str) -> None:
        self.log_file = root / "server.log"
        with self.log_file.open("w") as log:
            super().__init__(root / "torc.db", "--log-level", "debug", *args, stderr=log)

    def log(self) -> str:
        return self.log_file.read_text()


def ping(url: str, auth: tuple[str, str] | None = None) -> httpx.Response:
    return httpx.get(f"{url}/ping", auth=auth, timeout=60)


@pytest.fixture
def optional(tmp_path: Path) -> Iterator[LoggedServer]:
    users = write_users(tmp_path / "htpasswd", alice="alice-pw", bob="bob-pw")
    server = LoggedServer(tmp_path, "--auth-file", str(users))
    yield server
    server.stop()


def test_optional_mode_lets_anyone_in_and_logs_who(optional: LoggedServer) -> None:
    assert ping(optional.url, ("alice", "alice-pw")).status_code == 200
    assert ping(optional.url, ("bob", "wrong")).status_code == 200  # anonymous, logged
    assert ping(optional.url).status_code == 200
    log = optional.log()
    assert "User 'alice' authenticated successfully" in log
    assert "WARN torc_server.auth: Authentication failed for user 'bob'" in log
    assert "No credentials provided, allowing anonymous access" in log
    assert "alice-pw" not in log and "wrong" not in log  # passwords are never logged


def test_required_mode_refuses_with_a_challenge(tmp_path: Path) -> None:
    users = write_users(tmp_path / "htpasswd", alice="alice-pw")
    server = LoggedServer(tmp_path, "--auth-file", str(users), "--require-auth")
    try:
        for auth in (None, ("alice", "wrong"), ("mallory", "alice-pw")):
            reply = ping(server.url, auth)
            assert reply.status_code == 401
            assert reply.headers["WWW-Authenticate"] == 'Basic realm="torc", charset="UTF-8"'
            body = reply.json()
            assert (body["error"], body["code"]) == ("Unauthorized", 401)
        garbled = httpx.get(f"{server.url}/ping", headers={"Authorization": "Basic !!!"})
        assert garbled.status_code == 401 and "malformed" in garbled.json()["message"]
        assert ping(server.url, ("alice", "alice-pw")).json() == {"status": "ok"}
        assert "Authentication required but no credentials provided" in server.log()
    finally:
        server.stop()


def add_user(users: Path, name: str, password: str) -> None:
    subprocess.run(
        ["torc-htpasswd", "add", "--cost", "4", "--password", password, str(users), name],
        check=True,
        capture_output=True,
    )


def test_a_changed_password_counts_after_a_reload(tmp_path: Path) -> None:
    users = write_users(tmp_path / "htpasswd", root="root-pw", alice="old-pw")
    server = ServerProcess(
        tmp_path / "torc.db", "--auth-file", str(users), "--require-auth",
        "--enforce-access-control", "--admin-user", "root",
    )  # fmt: skip
    try:
        assert ping(server.url, ("alice", "old-pw")).status_code == 200  # now cached
        add_user(users, "alice", "new-pw")
        add_user(users, "carol", "carol-pw")
        refused = httpx.post(f"{server.url}/admin/reload-auth", auth=("alice", "old-pw"))
        assert refused.status_code in (401, 403)  # not an admin (or already reloaded)
        reloaded = httpx.post(f"{server.url}/admin/reload-auth", auth=("root", "root-pw"))
        assert reloaded.json()["user_count"] == 3, reloaded.text
        assert ping(server.url, ("alice", "old-pw")).status_code == 401
        assert ping(server.url, ("alice", "new-pw")).status_code == 200
        assert ping(server.url, ("carol", "carol-pw")).status_code == 200
    finally:
        server.stop()


def test_the_server_rereads_the_file_when_it_changes(tmp_path: Path) -> None:
    users = write_users(tmp_path / "htpasswd", alice="old-pw")
    server = ServerProcess(tmp_path / "torc.db", "--auth-file", str(users), "--require-auth")
    try:
        assert ping(server.url, ("alice", "old-pw")).status_code == 200
        add_user(users, "alice", "new-pw")
        deadline = time.monotonic() + 30
        while ping(server.url, ("alice", "new-pw")).status_code != 200:
            assert time.monotonic() < deadline, "the changed file was never reloaded"
            time.sleep(0.1)  # polling for a condition, not waiting out a fixed time
        assert ping(server.url, ("alice", "old-pw")).status_code == 401
    finally:
        server.stop()


def test_a_slow_password_check_does_not_stall_other_requests(tmp_path: Path) -> None:
    users = tmp_path / "htpasswd"
    users.write_text(f"fast:{hashed('fast-pw')}\nslow:{hashed('slow-pw', cost=15)}\n")
    server = ServerProcess(tmp_path / "torc.db", "--auth-file", str(users), "--require-auth")
    try:
        assert ping(server.url, ("fast", "fast-pw")).status_code == 200
        slow_done = threading.Event()

        def slow() -> None:
            ping(server.url, ("slow", "slow-pw"))
            slow_done.set()

        thread = threading.Thread(target=slow)
        thread.start()
        answered = [ping(server.url, ("fast", "fast-pw")).status_code for _ in range(20)]
        overtaken = not slow_done.is_set()
        thread.join()
        assert answered == [200] * 20
        assert overtaken, "cached requests waited for a cost-15 bcrypt check"
    finally:
        server.stop()
