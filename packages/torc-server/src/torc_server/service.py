"""``torc-server service``: run the server under systemd (a user or a system unit).

The unit starts this very installation's ``torc-server run`` with the flags given at
install time, restarts it on failure and starts it at boot. Every step that needs systemd
goes through ``systemctl``; when it is missing or refuses (a container, a login node
without a user manager) the command says so and exits non-zero, and ``install`` leaves
the unit file in place so an operator can load it by hand. ``TORC_SYSTEMD_UNIT_DIR``
moves the unit file elsewhere (tests, or systemd's ``/etc/systemd/user``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NAME = "torc-server"
UNIT_FILE = f"{NAME}.service"
UNIT_DIR_ENV = "TORC_SYSTEMD_UNIT_DIR"
NOT_ACTIVE = 3
"""``systemctl status`` exit code for an installed unit that is not running."""


class ServiceError(Exception):
    """A service operation that did not complete; the message tells the operator why."""


@dataclass(frozen=True)
class ServiceScope:
    """A user unit (no root needed) or a system unit, with their documented defaults."""

    user: bool

    @property
    def unit_dir(self) -> Path:
        if override := os.environ.get(UNIT_DIR_ENV):
            return Path(override).expanduser().absolute()
        if self.user:
            return Path.home() / ".config" / "systemd" / "user"
        return Path("/etc/systemd/system")

    @property
    def unit_path(self) -> Path:
        return self.unit_dir / UNIT_FILE

    @property
    def default_log_dir(self) -> Path:
        return Path.home() / ".torc" / "logs" if self.user else Path("/var/log/torc")

    @property
    def default_database(self) -> str:
        return str(Path.home() / ".torc" / "torc.db") if self.user else "/var/lib/torc/torc.db"

    @property
    def systemctl(self) -> list[str]:
        return ["systemctl", "--user"] if self.user else ["systemctl"]

    @property
    def manual_commands(self) -> str:
        systemctl = " ".join(self.systemctl)
        return f"{systemctl} daemon-reload && {systemctl} enable --now {NAME}"


def server_command() -> list[str]:
    """This installation's ``torc-server``, not whichever one PATH finds first."""
    beside = Path(sys.executable).parent / NAME
    if beside.is_file():
        return [str(beside)]
    if found := shutil.which(NAME):
        return [str(Path(found).absolute())]
    return [sys.executable, "-m", "torc_server.cli"]


def systemd_quote(arg: str) -> str:
    """One ExecStart word: ``%`` and ``$`` are systemd specifiers, whitespace splits."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and not any(c in arg for c in " \t\n\"'\\;"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def exec_start(command: list[str]) -> str:
    """The command line, one ``--flag value`` per continuation line for easy editing."""
    lines: list[list[str]] = [[]]
    for arg in command:
        if arg.startswith("--"):
            lines.append([])
        lines[-1].append(systemd_quote(arg))
    return " \\\n    ".join(" ".join(words) for words in lines)


def render_unit(scope: ServiceScope, command: list[str]) -> str:
    target = "default.target" if scope.user else "multi-user.target"
    reload = " ".join([*scope.systemctl, "daemon-reload"])
    return (
        f"# Written by `torc-server service install`. After editing, run `{reload}`.\n"
        "[Unit]\n"
        "Description=Torc Workflow Orchestration Server\n"
        "After=network.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={exec_start(command)}\n"
        "Restart=on-failure\n"
        "RestartSec=5s\n"
        "\n"
        "[Install]\n"
        f"WantedBy={target}\n"
    )


def systemctl(scope: ServiceScope, *args: str) -> subprocess.CompletedProcess[str]:
    """Run systemctl; raises ServiceError when it is missing or fails (other than
    ``status`` reporting a stopped service)."""
    command = [*scope.systemctl, *args]
    shown = " ".join(command)
    if shutil.which("systemctl") is None:
        raise ServiceError(f"`{shown}` cannot run: systemctl was not found (is this systemd?)")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 and not (args[0] == "status" and result.returncode == NOT_ACTIVE):
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[0] if detail else "no output"
        raise ServiceError(f"`{shown}` failed (exit {result.returncode}): {reason}")
    return result


def install(scope: ServiceScope, run_args: list[str]) -> Path:
    """Write the unit, then reload systemd and enable the service."""
    path = scope.unit_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_unit(scope, [*server_command(), "run", *run_args]))
    except OSError as exc:
        raise ServiceError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        systemctl(scope, "daemon-reload")
        systemctl(scope, "enable", NAME)
    except ServiceError as exc:
        raise ServiceError(
            f"{exc}. The unit file was written to {path}; once systemd is available, "
            f"load it with `{scope.manual_commands}`"
        ) from exc
    return path


def uninstall(scope: ServiceScope) -> Path:
    """Stop and disable the service, remove its unit, reload systemd.

    The unit file is removed even when systemctl fails (it is what the operator asked
    for), and the failure is still reported."""
    path = scope.unit_path
    if not path.exists():
        raise ServiceError(f"no {UNIT_FILE} installed at {path}")
    problems: list[str] = []

    def attempt(*args: str) -> None:
        try:
            systemctl(scope, *args)
        except ServiceError as exc:
            problems.append(str(exc))

    attempt("disable", "--now", NAME)
    path.unlink()
    attempt("daemon-reload")
    if problems:
        raise ServiceError(f"removed {path}, but systemd was not updated: {'; '.join(problems)}")
    return path


def control(scope: ServiceScope, action: str) -> subprocess.CompletedProcess[str]:
    """start, stop or status of the installed service."""
    if not scope.unit_path.exists():
        raise ServiceError(
            f"no {UNIT_FILE} installed at {scope.unit_path}; run `torc-server service install"
            f"{' --user' if scope.user else ''}` first"
        )
    return systemctl(scope, action, NAME)
