"""Logging in from the command line against a real server that requires authentication:
credentials by flag, variable and configuration file, the password prompt on a real
pseudo-terminal (and the one-line error without one), ``torc ping``, ``--ca-cert``
against an HTTPS server and ``--cookie-header`` as a header recorder sees it."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.auth_helpers import PASSWORDS, as_user, auth_server, header_recorder, self_signed
from tests.cli.conftest import Torc
from tests.conftest import ServerProcess

PONG = '{"status": "ok"}\n'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = auth_server(tmp_path_factory.mktemp("auth"))
    yield process
    process.stop()


def error(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command prints."""
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def test_ping(torc: Torc) -> None:
    assert torc("--username", "alice", "--password", "alice-pw", "ping").stdout == PONG
    assert torc("-f", "json", "ping", env=as_user("bob")).stdout == PONG


def test_refused_credentials_are_one_line(torc: Torc) -> None:
    wrong = torc("--username", "alice", "--password", "nope", "ping", expect=1)
    assert error(wrong) == "Error: Authentication failed for user 'alice'"
    mallory = {"TORC_USERNAME": "mallory", "TORC_PASSWORD": "x"}
    unknown = torc("workflows", "list", env=mallory, expect=1)
    assert error(unknown) == "Error: Authentication failed for user 'mallory'"
    anonymous = torc("ping", expect=1)
    assert error(anonymous) == "Error: Authentication required but no credentials provided"


def test_new_workflows_belong_to_the_authenticated_user(torc: Torc) -> None:
    """The owner is the user logged in as, not $USER (tester): the server refuses a
    workflow created for someone else."""
    by_flag = torc.json("--username", "bob", "--password", "bob-pw", "workflows", "new", "-n", "f")
    assert by_flag["user"] == "bob"
    by_env = torc.json("workflows", "new", "-n", "e", env=as_user("carol"))
    assert by_env["user"] == "carol"
    listed = torc.json("workflows", "list", env=as_user("bob"))["workflows"]
    assert [(w["name"], w["user"]) for w in listed] == [("f", "bob")]
    other = torc("workflows", "new", "-n", "x", "--user", "bob", env=as_user("carol"), expect=1)
    assert error(other) == "Error: User 'carol' may not create a workflow owned by 'bob'"


def test_username_from_the_configuration_file(server: ServerProcess, tmp_path: Path) -> None:
    torc = Torc(server.url, tmp_path)
    config = tmp_path / ".config" / "torc" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[client]\nusername = "carol"\n')
    created = torc.json("workflows", "new", "-n", "c", env={"TORC_PASSWORD": "carol-pw"})
    assert created["user"] == "carol"
    missing = torc("ping", expect=1)
    assert error(missing) == (
        "Error: a password is needed for user 'carol': set TORC_PASSWORD or pass --password "
        "(no terminal to prompt on)"
    )
    assert "username" in torc("config", "show").stdout  # no server call: no password needed


def test_no_terminal_to_prompt_on(torc: Torc) -> None:
    result = torc("--username", "alice", "ping", expect=1)
    assert error(result) == (
        "Error: a password is needed for user 'alice': set TORC_PASSWORD or pass --password "
        "(no terminal to prompt on)"
    )
    forced = torc("--prompt-password", "ping", env=as_user("alice"), expect=1)
    assert "(--prompt-password needs a terminal)" in error(forced)


def on_terminal(torc: Torc, args: list[str], env: dict[str, str], typed: str) -> str:
    """Run ``torc`` with a pseudo-terminal as its controlling terminal and stdin/stdout;
    type ``typed`` once it asks for a password; everything the terminal showed."""
    master, slave = pty.openpty()

    def take_terminal() -> None:  # a new session's first terminal becomes its own
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        ["torc", "--url", torc.url, *args], stdin=slave, stdout=slave, stderr=slave,
        env=torc.env(**env), cwd=torc.home, start_new_session=True, preexec_fn=take_terminal,
    )  # fmt: skip
    os.close(slave)
    shown, answered = b"", False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], deadline - time.monotonic())
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the command exited and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            # click prints "Password for 'x':", then getpass turns echo off, discards
            # what was typed so far and prints the final space: type only after it
            if not answered and shown.endswith(b"': "):
                os.write(master, typed.encode() + b"\n")
                answered = True
        assert proc.wait(timeout=60) == 0, shown.decode()
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return shown.decode().replace("\r\n", "\n")


def test_password_prompt_on_a_terminal(torc: Torc) -> None:
    shown = on_terminal(torc, ["--username", "alice", "ping"], {}, PASSWORDS["alice"])
    assert shown.startswith("Password for 'alice': ")
    assert shown.endswith(PONG) and PASSWORDS["alice"] not in shown  # hidden input
    stale = {"TORC_USERNAME": "bob", "TORC_PASSWORD": "stale"}
    forced = on_terminal(torc, ["--prompt-password", "ping"], stale, PASSWORDS["bob"])
    assert forced.startswith("Password for 'bob': ") and forced.endswith(PONG)


def test_standalone_mode_neither_sends_nor_needs_credentials(torc: Torc) -> None:
    """The private server has no authentication: a username without a password (which
    would otherwise need a prompt) and a junk token change nothing."""
    env = {"TORC_USERNAME": "alice", "TORC_TOKEN": "junk"}
    assert torc("-s", "ping", env=env).stdout == PONG
    created = torc.json("-s", "workflows", "new", "-n", "private", env=env)
    assert created["user"] == "tester"  # the login name ($USER), not the unused username


def test_cookie_header_is_sent(torc: Torc) -> None:
    with header_recorder() as (url, seen):
        recorder = Torc(url, torc.home)
        assert recorder("--cookie-header", "session=abc; other=1", "ping").stdout == PONG
        assert recorder("ping", env={"TORC_COOKIE_HEADER": "session=xyz"}).stdout == PONG
        recorder("ping")
    assert [headers.get("Cookie") for headers in seen] == [
        "session=abc; other=1",
        "session=xyz",
        None,
    ]


def test_ca_cert_against_an_https_server(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    https = auth_server(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        torc = Torc(f"https://127.0.0.1:{https.port}/torc-service/v1", tmp_path)
        env = as_user("alice")
        assert torc("--ca-cert", str(cert), "ping", env=env).stdout == PONG
        assert torc("ping", env={**env, "TORC_CA_CERT": str(cert)}).stdout == PONG
        untrusted = torc("ping", env=env, expect=1)
        assert "certificate verify failed" in error(untrusted)
        missing = torc("--ca-cert", str(tmp_path / "nope.pem"), "ping", env=env, expect=1)
        assert error(missing) == (
            f"Error: CA certificate file {tmp_path / 'nope.pem'} (--ca-cert, TORC_CA_CERT) "
            "does not exist"
        )
        config = tmp_path / ".config" / "torc" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(f'[client]\nca_cert = "{cert}"\n')
        assert torc("ping", env=env).stdout == PONG
    finally:
        https.stop()
