"""Point-in-time copies of the server's SQLite database on SIGUSR1, with rotation.

Meant for ``--database :memory:`` (state lives in RAM and is otherwise lost when the
process ends) and usable as a hot backup of an on-disk database. Each snapshot is written
to a ``.tmp`` sibling and renamed into place, so an interrupted snapshot never damages an
earlier one; the canonical path always holds the newest, older ones move to ``.1``,
``.2``, ... The copy runs on a worker thread: requests keep flowing while it is written.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from torc_server import sqlite_files

if TYPE_CHECKING:
    from torc_server.db.engine import Database

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path("torc-server-snapshot.db")
DEFAULT_KEEP = 5


@dataclass(frozen=True)
class SnapshotPolicy:
    path: Path = DEFAULT_PATH
    keep: int = DEFAULT_KEEP
    """Snapshots retained in total, the canonical one included (at least 1)."""

    def numbered(self, index: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{index}")


def ignore_signal() -> None:
    """SIGUSR1 terminates a process by default: ignore it whenever snapshots can't run
    (before the database is open and after it is closed). Only the main thread may set
    signal handlers; an app embedded elsewhere (a test client) simply has no snapshots."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)


def make_room(policy: SnapshotPolicy) -> None:
    """Shift ``path`` -> ``.1`` -> ... -> ``.keep-1`` and drop anything older.

    The canonical file is hard-linked to ``.1`` rather than moved, so it stays readable
    until the new snapshot replaces it (the rename is the fallback where links fail).
    """
    if policy.keep <= 1:
        return
    prefix = f"{policy.path.name}."
    for old in policy.path.parent.iterdir():
        suffix = old.name.removeprefix(prefix)
        if old.name.startswith(prefix) and suffix.isdigit() and int(suffix) >= policy.keep - 1:
            old.unlink(missing_ok=True)
    for index in range(policy.keep - 2, 0, -1):
        if policy.numbered(index).exists():
            policy.numbered(index).replace(policy.numbered(index + 1))
    if policy.path.exists():
        try:
            os.link(policy.path, policy.numbered(1))
        except OSError:
            policy.path.replace(policy.numbered(1))


def write_snapshot(source: Path, policy: SnapshotPolicy) -> int:
    """Copy ``source`` to the policy's path with rotation; returns the snapshot's size."""
    policy.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = policy.path.with_name(f"{policy.path.name}.tmp")
    sqlite_files.remove(tmp)  # left over from an interrupted snapshot
    try:
        sqlite_files.vacuum_into(source, tmp)
        make_room(policy)
        tmp.replace(policy.path)
    except BaseException:
        sqlite_files.remove(tmp)
        raise
    return policy.path.stat().st_size


class Snapshotter:
    """Takes snapshots of ``db`` when the process receives SIGUSR1, one at a time."""

    def __init__(self, db: Database, policy: SnapshotPolicy) -> None:
        self.db = db
        self.policy = policy
        self._lock = threading.Lock()
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None

    def describe(self) -> str:
        if self.db.sqlite_path is None:
            return "SIGUSR1 snapshots are SQLite-only; this server uses PostgreSQL"
        return (
            f"send SIGUSR1 (kill -USR1 {os.getpid()}) to snapshot the database to "
            f"{self.policy.path} (keeping {self.policy.keep})"
        )

    def take(self) -> None:
        """Write one snapshot and log the outcome; never raises (it runs unattended)."""
        source = self.db.sqlite_path
        if source is None:
            logger.warning("SIGUSR1 ignored: snapshots are SQLite-only (use pg_dump)")
            return
        with self._lock:
            if self._closed:
                return
            started = time.monotonic()
            try:
                size = write_snapshot(source, self.policy)
            except Exception as exc:
                logger.error("snapshot to %s failed: %s", self.policy.path, exc)
                return
            elapsed_ms = (time.monotonic() - started) * 1000
            logger.info(
                "snapshot written to %s (%d bytes in %.0f ms, keeping %d)",
                self.policy.path,
                size,
                elapsed_ms,
                self.policy.keep,
            )

    def start(self) -> None:
        """Answer SIGUSR1 from the running event loop, copying on a worker thread."""
        if self.db.ephemeral:
            logger.info("in-memory database (lost when the server stops); %s", self.describe())
        else:
            logger.debug("%s", self.describe())
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        self._loop.add_signal_handler(signal.SIGUSR1, self._on_signal)

    def _on_signal(self) -> None:
        assert self._loop is not None
        self._loop.run_in_executor(None, self.take)

    def stop(self) -> None:
        """Stop answering SIGUSR1 and wait for a snapshot in progress to finish."""
        if self._loop is not None:
            self._loop.remove_signal_handler(signal.SIGUSR1)
            self._loop = None
        ignore_signal()
        with self._lock:
            self._closed = True
