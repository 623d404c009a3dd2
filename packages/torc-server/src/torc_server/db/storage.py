"""What the server says when the database's storage refuses work.

A storage failure (disk full, read-only file system, database locked by another program,
PostgreSQL unreachable) answers 503: nothing of the request was applied, clients send it
again (``torc.api`` retries 503s), and work carries on once the storage is back, without
a restart. The message names the database, the cause and the remedy.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from sqlalchemy.exc import OperationalError

logger = logging.getLogger(__name__)

RETRIED = "nothing of this request was applied and torc clients retry it"


def sqlite_error(exc: BaseException | None) -> str:
    """SQLite's error name (``SQLITE_FULL``, ``SQLITE_READONLY_DBMOVED``, ...) or ''."""
    return str(getattr(exc, "sqlite_errorname", ""))


def opened_read_only(exc: BaseException | None) -> bool:
    """The connection itself is read-only: SQLite opened the files while they could not be
    written, and it stays so after they can (healthy connections on storage that turned
    read-only report I/O errors instead)."""
    return sqlite_error(exc).startswith("SQLITE_READONLY")


def on_read_only_file_system(path: Path) -> bool:
    """Writes to a file system remounted read-only fail as SQLite I/O errors."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def describe(exc: OperationalError, sqlite_path: Path | None, url: str) -> str:
    detail = str(exc.orig) if exc.orig is not None else str(exc)
    if sqlite_path is None:
        return f"the database server at {url} is unavailable ({detail}); {RETRIED}"
    name = sqlite_error(exc.orig)
    if opened_read_only(exc.orig) or on_read_only_file_system(sqlite_path):
        return (
            f"the database {sqlite_path} is read-only ({detail}): make its file system and "
            f"files writable again; {RETRIED} until it accepts writes"
        )
    if name == "SQLITE_FULL":
        return (
            f"the disk holding the database {sqlite_path} is full ({detail}): free space on "
            f"it; {RETRIED} until there is room"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"the database {sqlite_path} is locked by another program ({detail}): end that "
            f"program's transaction; {RETRIED}"
        )
    return f"the database {sqlite_path} cannot be used ({detail}); {RETRIED}"


class Throttle:
    """Logs a storage failure once a minute at most (and whenever the cause changes), so
    many clients retrying against a full disk give a few clear lines, not a flood."""

    SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._message = ""
        self._logged = 0.0

    def error(self, message: str) -> None:
        now = time.monotonic()
        with self._lock:
            if message == self._message and now - self._logged < self.SECONDS:
                return
            self._message, self._logged = message, now
        logger.error("%s", message)
