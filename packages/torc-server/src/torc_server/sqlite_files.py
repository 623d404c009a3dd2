"""Copying a live SQLite database and cleaning up after copies (snapshots and exports).

``VACUUM INTO`` writes a transactionally consistent, defragmented copy from a read
transaction, so a running server's readers and writers carry on (WAL mode) while it runs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000
SIDECARS = ("-journal", "-wal", "-shm")


def connect(path: Path, *, foreign_keys: bool = False) -> sqlite3.Connection:
    """An autocommit connection to an existing file (never creates one by accident)."""
    if not path.is_file():
        raise FileNotFoundError(f"no SQLite database at {path}")
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    return conn


def vacuum_into(source: Path, dest: Path) -> None:
    """Write a consistent copy of ``source`` to ``dest``, which must not exist yet."""
    conn = connect(source)
    try:
        conn.execute("VACUUM INTO ?", (str(dest),))
    finally:
        conn.close()


def remove(path: Path) -> None:
    """Remove a database file and any journal SQLite left next to it."""
    for suffix in ("", *SIDECARS):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def local_path(database: str) -> Path | None:
    """The absolute SQLite file a ``--database`` value names; None for a PostgreSQL URL
    or ``:memory:``. Resolved early, against the launch directory, because a daemon
    changes to ``/`` before it opens the database."""
    if database.startswith(("postgresql://", "postgres://", "postgresql+")):
        return None
    database = database.removeprefix("sqlite:///")
    if database == ":memory:":
        return None
    return Path(database).expanduser().absolute()
