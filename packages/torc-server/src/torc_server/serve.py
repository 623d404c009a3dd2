"""Serving the app with uvicorn on a socket bound beforehand (see :mod:`listen`).

uvicorn shuts down gracefully on SIGTERM/SIGINT (the app's lifespan then stops the
unblocker and closes the database) and then re-raises the signal, which
:mod:`listen`'s handlers turn into exit status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Callable
from types import FrameType

import uvicorn

from torc_server.app import create_app
from torc_server.listen import MINIMUM_TLS
from torc_server.settings import Settings

logger = logging.getLogger("uvicorn.error")  # where uvicorn's own shutdown logs


class TlsConfig(uvicorn.Config):
    """uvicorn's config with its TLS context refusing protocols older than TLS 1.2
    (uvicorn builds the context in ``load`` and has no option for the minimum)."""

    def load(self) -> None:
        super().load()
        context: ssl.SSLContext | None = getattr(self, "ssl", None)
        if context is not None:
            context.minimum_version = MINIMUM_TLS


class ReportingServer(uvicorn.Server):
    """A uvicorn server that calls ``on_started`` once the app's startup succeeded, and
    begins shutting down as soon as a signal arrives instead of at its next 0.1 s tick."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_started = on_started
        self._signalled: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self.on_started()

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._signalled = asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):  # uvicorn's loop, woken by a signal
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._signalled.wait(), 0.1)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None and self._signalled is not None:
            self._loop.call_soon_threadsafe(self._signalled.set)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown without its fixed 0.1 s pause after asking the open
        connections to close (a tenth of a small ``torc -s run``): idle ones are gone after
        one turn of the event loop, and busy ones are still waited for as uvicorn does."""
        logger.info("Shutting down")
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        await asyncio.sleep(0)  # closed transports report connection_lost
        try:
            await asyncio.wait_for(
                self._wait_tasks_to_complete(), timeout=self.config.timeout_graceful_shutdown
            )
        except TimeoutError:
            logger.error("Cancel %s running task(s) at shutdown", len(self.server_state.tasks))
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()


def serve(
    settings: Settings,
    sock: socket.socket,
    log_level: int,
    on_started: Callable[[], None] = lambda: None,
) -> bool:
    """Serve until a shutdown signal; returns False if the app failed to start."""
    config = TlsConfig(
        create_app(settings),
        log_config=None,  # logs.configure() routes uvicorn's loggers
        log_level=log_level,
        access_log=log_level <= logging.DEBUG,
        proxy_headers=False,  # nothing uses the client's address; saves a middleware
        ws="none",  # no websockets: spares importing them
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
    )
    server = ReportingServer(config, on_started)
    server.run(sockets=[sock])
    return server.started
