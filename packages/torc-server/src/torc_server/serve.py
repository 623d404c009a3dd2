"""Serving the app with uvicorn on a socket bound beforehand.

Binding first lets ``--port 0`` report the port the OS picked, and lets a daemon report
a busy port on the terminal before it detaches. uvicorn shuts down gracefully on
SIGTERM/SIGINT (the app's lifespan then stops the unblocker and closes the database);
this module makes such a shutdown exit with status 0 rather than die of the signal.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

import uvicorn

from torc_server.app import create_app
from torc_server.context import Settings

STARTUP_FAILED = 3


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; connections queue until uvicorn starts accepting."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


class ReportingServer(uvicorn.Server):
    """A uvicorn server that calls ``on_started`` once the app's startup succeeded."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self.on_started()


def _exit_cleanly(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def exit_cleanly_on_shutdown_signals() -> None:
    """Exit 0 on SIGTERM/SIGINT: before uvicorn runs there is nothing to clean up, and
    uvicorn re-raises the signal (to these handlers) once it has shut down gracefully."""
    for shutdown_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(shutdown_signal, _exit_cleanly)


def serve(
    settings: Settings,
    sock: socket.socket,
    log_level: int,
    on_started: Callable[[], None] = lambda: None,
) -> bool:
    """Serve until a shutdown signal; returns False if the app failed to start."""
    config = uvicorn.Config(
        create_app(settings),
        log_config=None,  # logs.configure() routes uvicorn's loggers
        log_level=log_level,
        access_log=log_level <= logging.DEBUG,
        proxy_headers=False,  # nothing uses the client's address; saves a middleware
    )
    server = ReportingServer(config, on_started)
    server.run(sockets=[sock])
    return server.started
