"""Standalone mode: a private ``torc-server`` for one command, on a local SQLite file.

``torc -s run workflow.yaml`` needs no server set-up: it starts ``torc-server`` on a free
port with ``./torc_output/torc.db`` (or ``--db``), runs the command against it and stops
it. With ``--in-memory`` the server keeps the database in RAM and writes it to the db
path right before it stops (and every ``--snapshot-interval-seconds``), using the
server's SIGUSR1 snapshot.

The server starts first and boots (imports, migrations) while the command imports and
reads its spec; the first request that needs it waits for its port. It runs in a session
of its own, so the terminal's Ctrl-C reaches only the command, which reports its jobs to
the still-running server before stopping it; it dies with the command (Linux's parent
death signal) if the command is killed outright.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)
DEFAULT_DB = Path("torc_output") / "torc.db"


class StandaloneError(RuntimeError):
    """The private server could not be started or snapshotted."""


def server_command() -> list[str]:
    executable = shutil.which("torc-server")
    if executable:
        return [executable]
    try:
        import torc_server  # noqa: F401
    except ImportError:
        raise StandaloneError(
            "standalone mode needs torc-server: install it (pip install torc-server)"
        ) from None
    return [sys.executable, "-m", "torc_server.cli"]


class StandaloneServer:
    def __init__(
        self, db: Path | None, *, in_memory: bool = False, snapshot_interval: float | None = None
    ) -> None:
        self.db = (db or DEFAULT_DB).resolve()
        self.in_memory = in_memory
        self.snapshot_interval = snapshot_interval
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self._stop = threading.Event()
        self._snapshots: threading.Thread | None = None

    @property
    def options(self) -> tuple[Path, bool, float | None]:
        """What makes two servers the same: database, RAM or not, snapshot interval."""
        return (self.db, self.in_memory, self.snapshot_interval)

    def start(self) -> None:
        """Launch the server; :meth:`wait_url` waits until it listens."""
        try:
            self.db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StandaloneError(
                f"cannot create the folder of the database {self.db}: {exc.strerror}; "
                "choose another --db"
            ) from None
        env = dict(os.environ)
        if self.in_memory:
            env["TORC_SERVER_SNAPSHOT_PATH"] = str(self.db)
            env["TORC_SERVER_SNAPSHOT_KEEP"] = "1"
        command = [
            *server_command(),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--database",
            ":memory:" if self.in_memory else str(self.db),
            "--completion-check-interval-secs",
            "1",
            "--log-level",
            "warn",
            "--no-config",  # the user's [server] settings are for their shared server
        ]
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def wait_url(self) -> str:
        """The server's URL, once it listens (requests queue until its app is ready)."""
        if self.url:
            return self.url
        assert self.proc is not None and self.proc.stdout is not None, "start() comes first"
        line = self.proc.stdout.readline().strip()
        if not line.startswith("TORC_SERVER_PORT="):
            self.proc.kill()
            self.proc.wait()
            raise StandaloneError(
                f"torc-server did not start (database {self.db}); see its output above"
            )
        self.url = f"http://127.0.0.1:{line.split('=', 1)[1]}/torc-service/v1"
        if self.in_memory and self.snapshot_interval:
            self._snapshots = threading.Thread(target=self._periodic, daemon=True)
            self._snapshots.start()
        logger.debug("standalone torc-server at %s (database %s)", self.url, self.db)
        return self.url

    def snapshot(self, timeout: float = 600.0) -> None:
        """Ask the server to write the in-memory database to the db path; wait until done."""
        assert self.proc is not None
        before = self.db.stat().st_mtime_ns if self.db.exists() else 0
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.db.exists() and self.db.stat().st_mtime_ns != before:
                tmp = self.db.with_name(self.db.name + ".tmp")
                if not tmp.exists():
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise StandaloneError(f"the in-memory database could not be written to {self.db}")

    def _periodic(self) -> None:
        assert self.snapshot_interval is not None
        while not self._stop.wait(self.snapshot_interval):
            try:
                self.snapshot()
            except StandaloneError as exc:
                logger.warning("%s", exc)

    def stop(self) -> None:
        """SIGTERM and wait for the exit: the server shuts down gracefully (closing the
        database) and needs no more than that; a server that hangs is killed."""
        self._stop.set()
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            if self.in_memory and self.url:
                self.snapshot()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the server's process before exec: SIGTERM it when the command dies (Linux)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
