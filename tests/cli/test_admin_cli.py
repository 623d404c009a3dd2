"""``torc admin``: reloading the password file, and worker tokens minted, listed, used by
``TORC_TOKEN`` on their workflow only, and revoked, against a real server."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.auth_helpers import PASSWORDS, Logged, auth_server, table_rows, write_htpasswd
from tests.conftest import ServerProcess

TOKEN_HEADER = [
    "ID", "Workflow ID", "Name", "Created By", "Created At", "Expires At", "Revoked At",
]  # fmt: skip


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("admin")


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[ServerProcess]:
    process = auth_server(root)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def alice(server: ServerProcess, root: Path) -> Logged:
    return Logged(server.url, root, user="alice")


def error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def test_reload_auth(alice: Logged, root: Path) -> None:
    dave = alice.as_("dave")
    assert "dave" in error(dave("ping", expect=1))
    write_htpasswd(root / "htpasswd", {**PASSWORDS, "dave": "dave-pw"})
    reloaded = alice("admin", "reload-auth").stdout
    assert reloaded == f"Reloaded 4 users from {root / 'htpasswd'}\n"
    assert alice.json("admin", "reload-auth")["user_count"] == 4
    assert dave("ping").stdout == '{"status": "ok"}\n'
    refused = alice.as_("bob")("admin", "reload-auth", expect=1)
    assert error(refused) == "Error: User 'bob' is not a system administrator"


def test_worker_tokens(alice: Logged) -> None:
    bob = alice.as_("bob")
    mine, other = (str(bob.json("workflows", "new", "-n", n)["id"]) for n in ("mine", "other"))
    created = bob("admin", "create-token", "--workflow", mine, "--name", "runner-1")
    secret = created.stdout.strip()
    assert created.stdout == secret + "\n" and secret.startswith("torc_wt_")
    assert "shown only this once" in created.stderr
    assert f"TORC_TOKEN=<token> torc workflows run {mine}" in created.stderr

    worker = alice.as_("nobody")
    with_token = {"TORC_TOKEN": secret, "TORC_USERNAME": "", "TORC_PASSWORD": ""}
    assert worker.json("workflows", "get", mine, env=with_token)["name"] == "mine"
    refused = worker("workflows", "get", other, env=with_token, expect=1)
    assert f"limited to workflow {mine}" in error(refused)
    by_flag = worker("--token", secret, "workflows", "get", other, expect=1)
    assert f"limited to workflow {mine}" in error(by_flag)  # the flag, not the user's password

    minted = bob.json("admin", "create-token", "-w", other, "--expires", "90m")
    assert minted["token"].startswith("torc_wt_") and minted["workflow_id"] == int(other)
    lifetime = datetime.fromisoformat(minted["expires_at"]) - datetime.fromisoformat(
        minted["created_at"]
    )
    assert lifetime.total_seconds() == 90 * 60
    week = bob.json("admin", "create-token", "-w", other)
    week_life = datetime.fromisoformat(week["expires_at"]) - datetime.fromisoformat(
        week["created_at"]
    )
    assert week_life.days == 7  # the default

    rows = table_rows(bob("admin", "list-tokens").stdout)
    assert rows[0] == TOKEN_HEADER
    assert [row[:4] for row in rows[1:]] == [
        ["1", mine, "runner-1", "bob"],
        [str(minted["id"]), other, "", "bob"],
        [str(week["id"]), other, "", "bob"],
    ]
    page = bob.json("admin", "list-tokens", "--workflow", other)
    assert [t["id"] for t in page["items"]] == [minted["id"], week["id"]]
    assert all(t["token"] is None for t in page["items"])  # secrets are never listed

    assert bob("admin", "revoke-token", "1").stdout == "Revoked worker token 1\n"
    revoked = worker("workflows", "get", mine, env=with_token, expect=1)
    assert "worker token 1 was revoked" in error(revoked)
    assert bob.json("admin", "list-tokens", "-w", mine)["items"][0]["revoked_at"]
    assert bob.json("admin", "revoke-token", str(week["id"]))["revoked_at"]


@pytest.mark.parametrize("expires", ["0", "7y", "-3d", "soon"])
def test_bad_expiry_is_one_line(alice: Logged, expires: str) -> None:
    result = alice("admin", "create-token", "-w", "1", "--expires", expires, expect=1)
    assert error(result) == (
        f"Error: --expires: invalid duration '{expires}': use a positive number with s, m, h, "
        "d or w (30s, 15m, 12h, 7d, 2w) or plain seconds"
    )
