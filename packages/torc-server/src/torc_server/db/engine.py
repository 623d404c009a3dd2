"""Connections and transactions for SQLite (embedded default) and PostgreSQL.

SQLite: WAL journal, ``synchronous=NORMAL`` (a commit survives a crash or kill -9 of the
server; only an OS crash can drop the last commits), foreign keys on, and write
transactions that start with ``BEGIN IMMEDIATE``. Writers also queue on an in-process
lock first, so they wait in FIFO order instead of in SQLite's sleeping busy handler, which
adds tens of milliseconds under contention. ``:memory:`` puts the database file on a RAM
file system, so it behaves exactly like the file mode (WAL, concurrent readers) and can be
snapshotted, but is gone when the server stops.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from torc_server.db import storage
from torc_server.errors import Conflict, Unavailable, Unprocessable

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)


def database_url(database: str) -> tuple[str, Path | None]:
    """Turn ``--database`` (path, ``:memory:`` or URL) into an SQLAlchemy URL and the
    SQLite file it uses, if any."""
    if database.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        rest = database.split("://", 1)[1]
        return f"postgresql+psycopg://{rest}", None
    if database.startswith("sqlite:///"):
        database = database.removeprefix("sqlite:///")
    if database == ":memory:":
        ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
        fd, name = tempfile.mkstemp(prefix="torc-memory-", suffix=".db", dir=ram)
        os.close(fd)
        return f"sqlite:///{name}", Path(name)
    path = Path(database).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", path


STALE = -1
"""The generation of a connection opened while stale ones were still open."""


class Database:
    """The engine plus ``read()`` / ``write()`` transaction scopes."""

    def __init__(self, database: str, *, pool_size: int = 8, ephemeral: bool | None = None):
        self.url, self.sqlite_path = database_url(database)
        self.is_sqlite = self.sqlite_path is not None
        self.ephemeral = database == ":memory:" if ephemeral is None else ephemeral
        self._write_lock = threading.Lock()
        self._errors = storage.Throttle()
        self._generation = 0
        """Bumped by :meth:`_reopen`; connections from an earlier one are closed."""
        self._live: dict[int, int] = {}
        """The generation of every open SQLite connection (by ``id``), under ``_live_lock``."""
        self._live_lock = threading.Lock()
        if self.is_sqlite:
            self.engine = create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size * 4,
                connect_args={"check_same_thread": False},
            )
            self._configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url, pool_size=pool_size, max_overflow=pool_size * 2, pool_pre_ping=True
            )

    def _configure_sqlite(self, engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection: Any, record: Any) -> None:
            # Opened while a connection of an earlier generation is still open, it shares
            # that one's stale -shm mapping: it belongs to no generation and is closed at
            # its first checkin, until a connection opens with all the old ones gone.
            with self._live_lock:
                stale = any(g != self._generation for g in self._live.values())
                generation = STALE if stale else self._generation
                self._live[id(dbapi_connection)] = generation
            record.info["generation"] = generation
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
            cursor.close()

        @event.listens_for(engine, "begin")
        def on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        @event.listens_for(engine, "close")
        def on_close(dbapi_connection: Any, _record: Any) -> None:
            with self._live_lock:
                self._live.pop(id(dbapi_connection), None)

        @event.listens_for(engine, "close_detached")
        def on_close_detached(dbapi_connection: Any) -> None:
            with self._live_lock:
                self._live.pop(id(dbapi_connection), None)

        @event.listens_for(engine, "checkin")
        def on_checkin(_dbapi_connection: Any, record: Any) -> None:
            if record.info.get("generation") != self._generation:
                record.invalidate()  # in use during _reopen(): close it now

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot for several queries."""
        with self._guard(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement."""
        if not self.is_sqlite:
            with self._guard(), self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self._guard(), self.engine.connect() as plain:
            conn = plain.execution_options(immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Storage failures (disk full, read-only, locked, server gone) are 503 (see
        :mod:`storage`); values the database refuses are the client's to fix (409 for
        constraints, 422 otherwise)."""
        try:
            yield
        except IntegrityError as exc:
            raise Conflict(f"the database refused the change: {exc.orig}") from exc
        except DataError as exc:
            raise Unprocessable(f"invalid value: {exc.orig}") from exc
        except OverflowError as exc:  # sqlite3 refuses integers beyond 64 bits
            raise Unprocessable(f"a number is too large to store: {exc}") from exc
        except OperationalError as exc:
            url = self.engine.url.render_as_string(hide_password=True)
            message = storage.describe(exc, self.sqlite_path, url)
            self._errors.error(message)
            if storage.opened_read_only(exc.orig):
                self._reopen()
            raise Unavailable(message) from exc

    def _reopen(self) -> None:
        """Close every connection, so the next ones open the files afresh. A connection
        opened while the database could not be written stays read-only, and SQLite shares
        one ``-shm`` mapping between a process's connections: only when all are closed
        does it map the file again, writable once the storage is."""
        self._generation += 1
        self.engine.dispose()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.ephemeral and self.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
