"""``torc-htpasswd`` end to end: every command form, prompts on a real terminal, the reader."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import bcrypt
import pytest

HEADER = "# Torc htpasswd file\n# Format: username:bcrypt_hash\n"


def htpasswd(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the installed executable; stdin is a pipe (empty unless given), never a terminal."""
    return subprocess.run(
        ["torc-htpasswd", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def assert_error(result: subprocess.CompletedProcess[str], code: int, *phrases: str) -> None:
    """One ``error: ...`` line on stderr, nothing else, and the expected exit code."""
    assert result.returncode == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def hash_of(file: Path, user: str) -> str:
    line = next(x for x in file.read_text().splitlines() if x.startswith(f"{user}:"))
    return line.split(":", 1)[1]


def in_terminal(
    args: list[str], answers: list[tuple[str, str]], env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run ``torc-htpasswd`` with a pseudo-terminal as its controlling terminal.

    Each answer is typed once its prompt has appeared (getpass flushes earlier input);
    returns the exit code and everything the terminal showed, with ``\\n`` line ends.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec at once, never return into pytest
        try:
            os.execvpe("torc-htpasswd", ["torc-htpasswd", *args], {**os.environ, **(env or {})})
        finally:
            os._exit(127)
    shown, pending = b"", list(answers)
    deadline = time.monotonic() + 60
    try:
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out; the terminal showed {shown!r}"
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if pending and shown.decode().endswith(pending[0][0]):
                os.write(fd, pending.pop(0)[1].encode() + b"\n")
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert not pending, f"prompts never shown: {pending}; the terminal showed {shown!r}"
    return os.waitstatus_to_exitcode(status), shown.decode().replace("\r\n", "\n")


def test_user_lifecycle(tmp_path: Path) -> None:
    file = tmp_path / "etc" / "htpasswd"
    assert (
        htpasswd("add", "--file", str(file), "--password", "pw1", "--cost", "4", "alice").returncode
        == 0
    )
    assert htpasswd("add", "--cost", "4", "--password", "pw2", str(file), "bob").returncode == 0
    assert htpasswd("list", "--file", str(file)).stdout.split() == ["alice", "bob"]
    assert file.stat().st_mode & 0o777 == 0o600
    assert bcrypt.checkpw(b"pw1", hash_of(file, "alice").encode())

    assert htpasswd("verify", "--file", str(file), "--password", "pw1", "alice").returncode == 0
    wrong = htpasswd("verify", "--file", str(file), "--password", "nope", "alice")
    assert_error(wrong, 1, "does not match")

    updated = htpasswd("add", "--file", str(file), "--password", "pw3", "--cost", "4", "alice")
    assert "Updated user 'alice'" in updated.stdout
    assert htpasswd("verify", "--file", str(file), "--password", "pw3", "alice").returncode == 0

    assert htpasswd("remove", "--file", str(file), "bob").returncode == 0
    assert htpasswd("list", "--file", str(file)).stdout.split() == ["alice"]
    assert_error(htpasswd("remove", "--file", str(file), "bob"), 1, "not in")


def test_positional_file_forms(tmp_path: Path) -> None:
    file = str(tmp_path / "htpasswd")
    added = htpasswd("add", file, "alice", "--password", "pw", "--cost", "4")
    assert added.returncode == 0 and added.stdout == f"Added user 'alice' in {file}\n"
    assert htpasswd("add", "--cost", "8", file, "bob", "--password", "pw").returncode == 0
    assert hash_of(Path(file), "bob").startswith("$2b$08$")
    assert (
        htpasswd("add", "--file", file, "--cost", "14", "--password", "pw", "carol").returncode == 0
    )
    assert hash_of(Path(file), "carol").startswith("$2b$14$")
    assert htpasswd("list", file).stdout == "alice\nbob\ncarol\n"
    assert htpasswd("verify", file, "bob", "--password", "pw").stdout == (
        "Password for 'bob' is correct\n"
    )
    assert_error(htpasswd("verify", file, "bob", "--password", "no"), 1, "does not match")
    assert htpasswd("remove", file, "carol").stdout == f"Removed user 'carol' from {file}\n"
    assert htpasswd("list", file).stdout == "alice\nbob\n"


def test_create(tmp_path: Path) -> None:
    file = tmp_path / "htpasswd"
    assert htpasswd("create", str(file)).stdout == f"Created {file}\n"
    assert file.read_text() == HEADER and file.stat().st_mode & 0o777 == 0o600
    assert htpasswd("list", str(file)).stdout == ""
    assert htpasswd("add", str(file), "alice", "--password", "pw", "--cost", "4").returncode == 0
    assert_error(htpasswd("create", str(file)), 1, f"{file} already exists", "--force")
    assert htpasswd("list", str(file)).stdout == "alice\n"
    assert htpasswd("create", "--force", str(file)).returncode == 0
    assert file.read_text() == HEADER
    other = tmp_path / "other"
    assert htpasswd("create", "--file", str(other)).returncode == 0 and other.exists()


def test_apache_forms(tmp_path: Path) -> None:
    file = tmp_path / "htpasswd"
    created = htpasswd("-c", str(file), "alice", "--password", "pw1", "--cost", "4")
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"Created {file}\nAdded user 'alice' in {file}\n"
    assert file.stat().st_mode & 0o777 == 0o600
    again = htpasswd("-c", str(file), "bob", "--password", "pw", "--cost", "4")
    assert_error(again, 1, "already exists", "drop -c")
    assert htpasswd("list", str(file)).stdout == "alice\n"

    added = htpasswd(str(file), "bob", "--password", "pw2", "--cost", "4")
    assert added.stdout == f"Added user 'bob' in {file}\n"
    updated = htpasswd(str(file), "alice", "--cost", "4", stdin="pw3\n")
    assert updated.stdout == f"Updated user 'alice' in {file}\n"
    assert htpasswd("verify", str(file), "alice", "--password", "pw3").returncode == 0

    replaced = htpasswd("-c", "--force", str(file), "carol", "--password", "pw", "--cost", "4")
    assert replaced.returncode == 0 and htpasswd("list", str(file)).stdout == "carol\n"

    typo = tmp_path / "lst"
    assert_error(htpasswd(str(typo), "carol"), 1, "neither a command", f"-c {typo} carol")
    assert not typo.exists()


def test_help_and_usage_errors(tmp_path: Path) -> None:
    for shown in (htpasswd(), htpasswd("--help")):
        assert shown.returncode == 0 and shown.stdout.startswith("Usage: torc-htpasswd")
        for command in ("add", "create", "hash", "list", "remove", "verify"):
            assert f"\n  {command} " in shown.stdout
    assert "--create" in htpasswd("add", "--help").stdout
    file = str(tmp_path / "htpasswd")
    assert_error(htpasswd("list"), 2, "give the file once", "torc-htpasswd list --help")
    assert_error(htpasswd("add", file), 2, "FILE USERNAME")
    assert_error(htpasswd("verify", "--file", file, file, "alice"), 2, "FILE USERNAME")
    assert_error(htpasswd("--bogus"), 2, "No such option: --bogus")
    assert_error(htpasswd("add", "--cost", "many", file, "alice"), 2, "--cost")
    assert_error(htpasswd("verify", file, "alice", "--password", "x"), 1, "does not exist")


def test_password_from_piped_stdin(tmp_path: Path) -> None:
    """A pipe gives one line and no confirmation: ``echo pw | torc-htpasswd add F alice``."""
    file = str(tmp_path / "htpasswd")
    added = htpasswd("add", file, "alice", "--cost", "4", stdin="secret word\nignored\n")
    assert added.returncode == 0 and added.stderr == ""
    assert htpasswd("verify", file, "alice", stdin="secret word\n").returncode == 0
    assert_error(htpasswd("verify", file, "alice", stdin="ignored\n"), 1, "does not match")
    assert_error(htpasswd("add", file, "bob", "--cost", "4"), 1, "standard input is empty")
    assert_error(htpasswd("add", file, "bob", "--cost", "4", stdin="\n"), 1, "empty password")
    assert htpasswd("list", file).stdout == "alice\n"


def test_prompts_on_a_terminal(tmp_path: Path) -> None:
    file = tmp_path / "htpasswd"
    answers = [("Password for 'alice': ", "s3cret"), ("Confirm password: ", "s3cret")]
    code, shown = in_terminal(["add", str(file), "alice", "--cost", "4"], answers)
    assert code == 0, shown
    assert "s3cret" not in shown  # typed with echo off
    assert shown.endswith(f"Added user 'alice' in {file}\n")
    assert bcrypt.checkpw(b"s3cret", hash_of(file, "alice").encode())

    code, shown = in_terminal(
        ["verify", str(file), "alice"], [("Password for 'alice': ", "s3cret")]
    )
    assert code == 0 and shown.endswith("Password for 'alice' is correct\n"), shown

    mismatch = [("Password for 'bob': ", "one"), ("Confirm password: ", "two")]
    code, shown = in_terminal(["-c", str(tmp_path / "new"), "bob", "--cost", "4"], mismatch)
    assert code == 1 and shown.endswith("error: passwords do not match\n"), shown
    assert not (tmp_path / "new").exists()


def test_hash_interaction_on_a_terminal() -> None:
    answers = [("Password for 'alice': ", "pw"), ("Confirm password: ", "pw")]
    code, shown = in_terminal(["hash"], answers, env={"USER": "alice"})
    assert code == 0, shown
    lines = shown.split("\n")
    assert lines[:2] == ["Password for 'alice': ", "Confirm password: "]
    assert lines[2] == "Hashing password (cost=12)..."
    user, hashed = lines[3].split(":", 1)
    assert user == "alice" and hashed.startswith("$2b$12$")
    assert bcrypt.checkpw(b"pw", hashed.encode())
    assert lines[4:] == ["", "Send the line above to your server administrator.", ""]


def test_hash_prints_a_line_for_the_admin() -> None:
    result = htpasswd("hash", "carol", "--password", "pw", "--cost", "4")
    assert result.returncode == 0
    user, hashed = result.stdout.strip().split(":", 1)
    assert user == "carol" and bcrypt.checkpw(b"pw", hashed.encode())
    assert result.stderr == (
        "Hashing password (cost=4)...\n\nSend the line above to your server administrator.\n"
    )
    piped = subprocess.run(
        ["torc-htpasswd", "hash", "--cost", "4"],
        input="pw\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "USER": "dana"},
    )
    assert piped.stdout.startswith("dana:$2b$04$"), piped.stderr


def test_bad_input_is_explained(tmp_path: Path) -> None:
    file = tmp_path / "htpasswd"
    file.write_text("# comment\nbroken-line\n")
    assert_error(
        htpasswd("list", "--file", str(file)), 1, f"{file}:2: expected 'username:bcrypt_hash'"
    )
    bad_name = htpasswd("add", "--file", str(tmp_path / "h2"), "--password", "x", "a:b")
    assert_error(bad_name, 1, "invalid user name")
    assert_error(htpasswd("hash", "dave", "--password", "x", "--cost", "3"), 1, "cost")
    assert_error(htpasswd("hash", "dave", "--password", "x" * 73, "--cost", "4"), 1, "72 bytes")
    file.write_bytes(b"alice:\xff\xfe\n")
    assert_error(htpasswd("list", str(file)), 1, f"{file}:1: not UTF-8 text")
    assert_error(htpasswd("list", str(tmp_path)), 1, f"cannot read {tmp_path}")


GOOD = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()


@pytest.mark.parametrize(
    ("hashed", "kind"),
    [
        ("pw", "a plaintext or unrecognised"),
        ("$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", "an Apache MD5 ($apr1$)"),
        ("{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=", "a SHA-1 ({SHA})"),
        ("$6$salt$" + "x" * 86, "a SHA-512-crypt ($6$)"),
        (GOOD[:-1], "a malformed bcrypt"),
        ("$2x$" + GOOD[4:], "a malformed bcrypt"),
    ],
)
def test_only_bcrypt_is_accepted(tmp_path: Path, hashed: str, kind: str) -> None:
    file = tmp_path / "htpasswd"
    file.write_text(f"# users\nalice:{GOOD}\n\nbob:{hashed}\n")
    expected = (
        f"error: {file}:4: user 'bob' has {kind} password; only bcrypt hashes ($2a$, $2b$, "
        f"$2y$) are accepted; set a new password with: torc-htpasswd add {file} bob\n"
    )
    for command in ("list", "verify"):
        result = htpasswd(
            command, str(file), *(["alice", "--password", "pw"] * (command == "verify"))
        )
        assert result.returncode == 1 and result.stderr == expected
    assert htpasswd("add", str(file), "bob", "--password", "new", "--cost", "4").returncode == 1


def test_a_user_listed_twice_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "htpasswd"
    file.write_text(f"alice:{GOOD}\nbob:{GOOD}\nalice:{GOOD}\n")
    result = htpasswd("list", str(file))
    assert_error(result, 1, f"{file}: user 'alice' is on both line 1 and line 3")


@pytest.mark.parametrize("prefix", ["$2a$", "$2y$"])
def test_other_bcrypt_prefixes_verify(tmp_path: Path, prefix: str) -> None:
    file = tmp_path / "htpasswd"
    hashed = bcrypt.hashpw(b"pw", bcrypt.gensalt(4, prefix=b"2a")).decode()
    file.write_text(f"alice:{prefix}{hashed[4:]}\r\n")  # CRLF line ends, as from Windows
    assert htpasswd("verify", str(file), "alice", "--password", "pw").returncode == 0
    assert_error(htpasswd("verify", str(file), "alice", "--password", "no"), 1, "does not match")
