"""The user is the login name: the owner of new workflows, and the basic-auth username
when only ``TORC_PASSWORD`` is set (as the original's users do)."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.auth_helpers import write_htpasswd
from tests.conftest import ServerProcess
from torc.api import ApiError, TorcApi

LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


def env_without_login(**extra: str) -> dict[str, str]:
    """No login variables: the name must come from the passwd entry."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TORC_") and k not in LOGIN_VARIABLES
    }
    return {**env, **extra}


def passwd_name() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[str]:
    """A server that requires a password; alice and the login name know "secret"."""
    users = write_htpasswd(tmp_path / "htpasswd", {"alice": "secret", passwd_name(): "secret"})
    server = ServerProcess(tmp_path / "torc.db", "--auth-file", str(users), "--require-auth")
    yield server.url
    server.stop()


def test_new_workflows_belong_to_the_login_name(server: ServerProcess) -> None:
    result = subprocess.run(
        ["torc", "--url", server.url, "-f", "json", "workflows", "new", "--name", "mine"],
        capture_output=True,
        text=True,
        env=env_without_login(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["user"] == passwd_name()


def test_only_a_password_means_the_login_name(secured: str) -> None:
    def ping(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["torc", "--url", secured, "ping"],
            capture_output=True,
            text=True,
            env=env_without_login(**env),
            timeout=60,
        )

    assert ping(TORC_PASSWORD="secret").stdout.strip() == '{"status": "ok"}'
    refused = ping(TORC_PASSWORD="wrong")
    assert refused.returncode == 1
    assert f"Authentication failed for user '{passwd_name()}'" in refused.stderr


def test_the_library_does_the_same(secured: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "alice")
    with TorcApi(secured, password="secret", retry_timeout=0) as api:
        assert api.ping().status == "ok"
    monkeypatch.setenv("LOGNAME", "nobody-here")
    with TorcApi(secured, password="secret", retry_timeout=0) as api, pytest.raises(ApiError):
        api.ping()
