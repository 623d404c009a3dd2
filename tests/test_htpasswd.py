"""``torc-htpasswd`` end to end: add, list, verify, remove, hash."""

from __future__ import annotations

import subprocess
from pathlib import Path

import bcrypt


def htpasswd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["torc-htpasswd", *args], capture_output=True, text=True, timeout=60)


def test_user_lifecycle(tmp_path: Path) -> None:
    file = tmp_path / "etc" / "htpasswd"
    assert (
        htpasswd("add", "--file", str(file), "--password", "pw1", "--cost", "4", "alice").returncode
        == 0
    )
    assert htpasswd("add", "--cost", "4", "--password", "pw2", str(file), "bob").returncode == 0
    assert htpasswd("list", "--file", str(file)).stdout.split() == ["alice", "bob"]
    assert file.stat().st_mode & 0o777 == 0o600
    line = next(x for x in file.read_text().splitlines() if x.startswith("alice:"))
    assert bcrypt.checkpw(b"pw1", line.split(":", 1)[1].encode())

    assert htpasswd("verify", "--file", str(file), "--password", "pw1", "alice").returncode == 0
    wrong = htpasswd("verify", "--file", str(file), "--password", "nope", "alice")
    assert wrong.returncode == 1 and "does not match" in wrong.stderr

    updated = htpasswd("add", "--file", str(file), "--password", "pw3", "--cost", "4", "alice")
    assert "Updated user 'alice'" in updated.stdout
    assert htpasswd("verify", "--file", str(file), "--password", "pw3", "alice").returncode == 0

    assert htpasswd("remove", "--file", str(file), "bob").returncode == 0
    assert htpasswd("list", "--file", str(file)).stdout.split() == ["alice"]
    missing = htpasswd("remove", "--file", str(file), "bob")
    assert missing.returncode == 1 and "not in" in missing.stderr


def test_hash_prints_a_line_for_the_admin() -> None:
    result = htpasswd("hash", "carol", "--password", "pw", "--cost", "4")
    assert result.returncode == 0
    user, hashed = result.stdout.strip().split(":", 1)
    assert user == "carol" and bcrypt.checkpw(b"pw", hashed.encode())
    assert "administrator" in result.stderr


def test_bad_input_is_explained(tmp_path: Path) -> None:
    file = tmp_path / "htpasswd"
    file.write_text("# comment\nbroken-line\n")
    result = htpasswd("list", "--file", str(file))
    assert result.returncode == 1
    assert f"{file}:2: expected 'username:bcrypt_hash'" in result.stderr
    bad_name = htpasswd("add", "--file", str(tmp_path / "h2"), "--password", "x", "a:b")
    assert bad_name.returncode == 1 and "invalid user name" in bad_name.stderr
    bad_cost = htpasswd("hash", "dave", "--password", "x", "--cost", "3")
    assert bad_cost.returncode == 1 and "cost" in bad_cost.stderr
