"""Checking passwords against the htpasswd file, without stalling the server.

bcrypt at cost 12 takes a quarter of a second by design, so a check runs on a small pool
of its own threads (bcrypt releases the GIL) and the event loop goes on serving other
requests. A success is remembered for ``ttl`` seconds under the SHA-256 of the
credentials, never the password itself; failures are never remembered, so a wrong
password costs a full check each time. Identical checks arriving together share one
bcrypt run. The file is re-read when its modification time changes (looked at no more
than once a second) or when an admin asks (``reload``); either way the cache is emptied,
so a removed user or a changed password takes effect at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from torc_server.auth import htpasswd

logger = logging.getLogger("torc_server.auth")
startup_logger = logging.getLogger("torc_server")
MTIME_CHECK_INTERVAL = 1.0
BCRYPT_THREADS = 4
MAX_CACHED = 10_000
"""Past this many remembered successes the expired ones are dropped."""


class Authenticator:
    def __init__(self, path: Path, ttl: float) -> None:
        self.path = path
        self.ttl = ttl
        self._lock = threading.Lock()
        self._users: dict[str, str] = {}
        self._mtime: int | None = None
        self._checked_at = 0.0
        self._cache: dict[bytes, tuple[str, float]] = {}
        self._pending: dict[bytes, asyncio.Future[bool]] = {}
        self._pool = ThreadPoolExecutor(BCRYPT_THREADS, "torc-bcrypt")
        self.reload(announce=False)  # torc-server run has reported the first load

    @property
    def user_count(self) -> int:
        return len(self._users)

    def reload(self, *, announce: bool = True) -> int:
        """Re-read the file; raises HtpasswdError or OSError and keeps the old users then."""
        mtime = self.path.stat().st_mtime_ns
        users = htpasswd.read(self.path)
        with self._lock:
            self._users, self._mtime, self._cache = users, mtime, {}
        if announce:
            startup_logger.info("Loaded %d users from htpasswd file", len(users))
        return len(users)

    def _reload_if_changed(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < MTIME_CHECK_INTERVAL:
            return
        self._checked_at = now
        try:
            if os.stat(self.path).st_mtime_ns == self._mtime:
                return
            logger.info("%s changed; reloading it", self.path)
            self.reload()
        except (OSError, htpasswd.HtpasswdError) as exc:
            logger.error("cannot reload %s, keeping the users loaded before: %s", self.path, exc)
            self._mtime = None if isinstance(exc, OSError) else self._mtime

    async def check(self, user: str, password: str) -> bool:
        """Whether ``user`` has ``password``; waits for bcrypt only on a cache miss."""
        self._reload_if_changed()
        key = hashlib.sha256(f"{user}\0{password}".encode()).digest()
        cached = self._cache.get(key)
        if cached is not None and cached[0] == user and cached[1] > time.monotonic():
            return True
        pending = self._pending.get(key)
        if pending is None:
            hashed = self._users.get(user)
            if hashed is None:
                return False
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(self._pool, htpasswd.check_password, password, hashed)
            self._pending[key] = pending
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
            ok = await asyncio.shield(pending)
            if ok and self.ttl > 0 and self._users.get(user) == hashed:
                self._remember(key, user)
            return ok
        return await asyncio.shield(pending)

    def _remember(self, key: bytes, user: str) -> None:
        now = time.monotonic()
        if len(self._cache) >= MAX_CACHED:
            self._cache = {k: v for k, v in self._cache.items() if v[1] > now}
        self._cache[key] = (user, now + self.ttl)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
