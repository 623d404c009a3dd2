"""``torc-server service``: the systemd unit it writes, and clear failures without systemd.

The unit directory is redirected with TORC_SYSTEMD_UNIT_DIR, and systemctl is either
absent from PATH or present without a running systemd, so no test touches the machine's
services."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.ops_helpers import torc_server

SYSTEMD_RUNNING = Path("/run/systemd/system").exists()


def environment(tmp_path: Path, *, with_systemctl: bool) -> dict[str, str]:
    """An environment whose unit directory and home are temporary; without systemctl on
    PATH unless asked (only Python's own bin directory is kept)."""
    env = {"TORC_SYSTEMD_UNIT_DIR": str(tmp_path / "units"), "HOME": str(tmp_path / "home")}
    if not with_systemctl:
        env["PATH"] = str(Path(sys.executable).parent)
    return env


def test_install_writes_the_unit_and_explains_missing_systemctl(tmp_path: Path) -> None:
    env = environment(tmp_path, with_systemctl=False)
    result = torc_server(
        "service", "install", "--user", "--port", "9123", "--database", "data/my torc.db",
        "--log-level", "debug", "--threads", "2", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "systemctl was not found" in result.stderr
    unit = tmp_path / "units" / "torc-server.service"
    assert f"The unit file was written to {unit}" in result.stderr
    assert "systemctl --user daemon-reload && systemctl --user enable --now torc-server" in (
        result.stderr
    )
    text = unit.read_text()
    exec_start = text.split("ExecStart=", 1)[1].split("\nRestart=")[0]
    lines = [line.strip(" \\") for line in exec_start.splitlines()]
    binary, command = lines[0].split()
    assert Path(binary).name == "torc-server" and command == "run"
    assert f'--database "{tmp_path}/data/my torc.db"' in exec_start  # absolute, quoted
    for flag in ("--host 0.0.0.0", "--port 9123", "--threads 2", "--log-level debug",
                 f"--log-dir {tmp_path}/home/.torc/logs",
                 "--completion-check-interval-secs 30"):  # fmt: skip
        assert flag in lines, flag
    assert "Restart=on-failure" in text and "WantedBy=default.target" in text

    status = torc_server("service", "status", "--user", env=env)
    assert status.returncode == 1 and "systemctl was not found" in status.stderr

    removed = torc_server("service", "uninstall", "--user", env=env)
    assert removed.returncode == 1
    assert f"removed {unit}, but systemd was not updated" in removed.stderr
    assert not unit.exists()
    again = torc_server("service", "uninstall", "--user", env=env)
    assert again.returncode == 1 and "no torc-server.service installed" in again.stderr


def test_system_unit_defaults(tmp_path: Path) -> None:
    env = environment(tmp_path, with_systemctl=False)
    result = torc_server("service", "install", "--json-logs", env=env)
    assert result.returncode == 1
    text = (tmp_path / "units" / "torc-server.service").read_text()
    for flag in ("--database /var/lib/torc/torc.db", "--log-dir /var/log/torc", "--json-logs"):
        assert flag in text
    assert "WantedBy=multi-user.target" in text


@pytest.mark.skipif(
    SYSTEMD_RUNNING or shutil.which("systemctl") is None,
    reason="needs systemctl installed without a running systemd",
)
def test_systemctl_failure_is_reported(tmp_path: Path) -> None:
    env = environment(tmp_path, with_systemctl=True)
    result = torc_server("service", "install", "--user", env=env)
    assert result.returncode == 1
    assert "`systemctl --user daemon-reload` failed" in result.stderr
    assert (tmp_path / "units" / "torc-server.service").exists()
    start = torc_server("service", "start", "--user", env=env)
    assert start.returncode == 1 and "`systemctl --user start torc-server` failed" in start.stderr
    assert "Traceback" not in result.stderr + start.stderr


def unit_lines(tmp_path: Path) -> list[str]:
    """The ExecStart words of the written unit, one ``--flag value`` per item."""
    text = (tmp_path / "units" / "torc-server.service").read_text()
    exec_start = text.split("ExecStart=", 1)[1].split("\nRestart=")[0]
    return [line.strip(" \\") for line in exec_start.splitlines()]


def test_install_writes_authentication_and_tls_options(tmp_path: Path) -> None:
    env = environment(tmp_path, with_systemctl=False)
    (tmp_path / "users").write_text("alice:$2b$04$abcdefghijklmnopqrstuu\n")
    (tmp_path / "tls").mkdir()
    result = torc_server(
        "service", "install", "--user", "--auth-file", "users", "--require-auth",
        "--enforce-access-control", "--admin-user", "alice", "--admin-user", "bob",
        "--credential-cache-ttl-secs", "0", "--https", "--tls-cert", "tls/cert.pem",
        "--tls-key", "tls/key.pem", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1 and "systemctl was not found" in result.stderr
    lines = unit_lines(tmp_path)
    for flag in (f"--auth-file {tmp_path}/users", "--require-auth", "--enforce-access-control",
                 "--admin-user alice", "--admin-user bob", "--credential-cache-ttl-secs 0",
                 "--https", f"--tls-cert {tmp_path}/tls/cert.pem",
                 f"--tls-key {tmp_path}/tls/key.pem"):  # fmt: skip
        assert flag in lines, flag
    assert "without required authentication" not in result.stderr
    assert "clear text" not in result.stderr
    # the certificate does not exist yet: said, but the unit is still written
    assert f"warning: {tmp_path}/tls/cert.pem does not exist" in result.stderr
    assert f"{tmp_path}/users does not exist" not in result.stderr


def test_install_warns_only_without_required_authentication(tmp_path: Path) -> None:
    env = environment(tmp_path, with_systemctl=False)
    (tmp_path / "users").write_text("alice:$2b$04$abcdefghijklmnopqrstuu\n")
    open_to_all = torc_server("service", "install", "--user", env=env, cwd=tmp_path)
    assert "listens on 0.0.0.0 without required authentication" in open_to_all.stderr
    assert not any(line.startswith("--auth-file") for line in unit_lines(tmp_path))
    optional = torc_server(
        "service", "install", "--user", "--auth-file", "users", env=env, cwd=tmp_path
    )
    assert "without required authentication" in optional.stderr
    required = torc_server(
        "service", "install", "--user", "--auth-file", "users", "--require-auth",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert "without required authentication" not in required.stderr
    assert "passwords travel in clear text" in required.stderr  # no --https
    local = torc_server("service", "install", "--user", "--host", "127.0.0.1", env=env)
    assert "warning" not in local.stderr


def test_install_refuses_what_run_would_refuse(tmp_path: Path) -> None:
    env = environment(tmp_path, with_systemctl=False)
    cases = [
        (["--require-auth"], "--require-auth needs --auth-file"),
        (["--https"], "--https needs --tls-cert FILE and --tls-key FILE"),
        (["--tls-key", "k.pem"], "--tls-key needs --tls-cert as well"),
        (["--credential-cache-ttl-secs", "-1"], "must be at least 0"),
    ]
    for args, message in cases:
        result = torc_server("service", "install", "--user", *args, env=env, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "units" / "torc-server.service").exists()
