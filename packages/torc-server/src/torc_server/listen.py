"""The listening socket and the shutdown signals, set up before the web stack loads.

Binding first lets ``--port 0`` report the port the OS picked, lets a daemon report a
busy port on the terminal before it detaches, and lets clients connect (their connections
queue) while the rest of the server is still loading.
"""

from __future__ import annotations

import signal
import socket
from types import FrameType

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


def _exit_cleanly(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def exit_cleanly_on_shutdown_signals() -> None:
    """Exit 0 on SIGTERM/SIGINT: before uvicorn runs there is nothing to clean up, and
    uvicorn re-raises the signal (to these handlers) once it has shut down gracefully."""
    for shutdown_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(shutdown_signal, _exit_cleanly)
