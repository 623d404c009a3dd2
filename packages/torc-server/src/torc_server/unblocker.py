"""The background task that applies finished jobs to their dependents.

Completions only flag the finished job (``unblocking_processed = False``) and wake this
thread, so a completion request stays cheap; the thread then processes every pending
completion in one batch. A finished job nobody waits for is not flagged; its completion
names the workflow instead, so the pass still notices when that workflow is done. The
thread also runs every ``interval`` seconds as a safety net.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection

from sqlalchemy import Connection

from torc_server.db.engine import Database
from torc_server.errors import Unavailable
from torc_server.lifecycle.liveness import reap_dead_runners
from torc_server.settings import DEFAULT_RUNNER_TIMEOUT

logger = logging.getLogger(__name__)
COALESCE_SECONDS = 0.005
PASS_SPACING_SECONDS = 0.02
"""Passes start at most this often: under a stream of completions each pass takes more
of them (a pass costs about the same for one job as for fifty), while a completion
after a quiet spell still waits only ``COALESCE_SECONDS``."""
LIVENESS_INTERVAL = 1.0
"""Seconds between checks for dead job runners (done on the next pass after that)."""
RETRY_SECONDS = 1.0
"""Seconds before another pass when the database refused one (disk full, read-only)."""


class Unblocker:
    def __init__(
        self,
        db: Database,
        interval: float,
        process: Callable[[Connection, Collection[int]], object],
        *,
        runner_timeout: float = DEFAULT_RUNNER_TIMEOUT,
    ) -> None:
        self.db = db
        self.interval = interval
        self.process = process
        self.runner_timeout = runner_timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="torc-unblocker", daemon=True)
        self._next_liveness_check = 0.0
        self._last_pass = 0.0
        self._lock = threading.Lock()
        self._workflows: set[int] = set()
        # Runners cannot be heard while this server is down or its storage refuses writes:
        # silence counts only from when it could listen (start, or storage back).
        self._listening_since = time.time()
        self._storage_failed = False

    def wake(self, workflow_id: int | None = None) -> None:
        """Run a pass soon; ``workflow_id``: also check whether that workflow is done."""
        if workflow_id is not None:
            with self._lock:
                self._workflows.add(workflow_id)
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def run_once(self) -> None:
        with self._lock:
            workflows, self._workflows = self._workflows, set()
        try:
            with self.db.write() as conn:
                self.process(conn, workflows)
        except Exception as exc:
            with self._lock:
                self._workflows |= workflows
            self._storage_failed = self._storage_failed or isinstance(exc, Unavailable)
            raise
        if self._storage_failed:
            self._storage_failed = False
            self._listening_since = time.time()
        if time.monotonic() >= self._next_liveness_check:
            self._next_liveness_check = time.monotonic() + LIVENESS_INTERVAL
            with self.db.write() as conn:
                if reap_dead_runners(
                    conn, self.runner_timeout, listening_since=self._listening_since
                ):
                    self._wake.set()

    def _run(self) -> None:
        wait = self.interval
        while not self._stop.is_set():
            self._wake.wait(wait)
            # Let completions arriving together share one pass: a few milliseconds of
            # latency for dependents, far fewer passes under load.
            spacing = self._last_pass + PASS_SPACING_SECONDS - time.monotonic()
            self._stop.wait(max(COALESCE_SECONDS, spacing))
            self._wake.clear()
            self._last_pass = time.monotonic()
            if self._stop.is_set():
                break
            wait = self.interval
            try:
                self.run_once()
            except Unavailable:
                # The database logged why. Completions stay flagged: retry soon, so they
                # reach their dependents right after the storage is back.
                wait = min(self.interval, RETRY_SECONDS)
            except Exception:
                logger.exception("unblocking pass failed; retrying at the next wake-up")
