"""The listening socket and the shutdown signals, set up before the web stack loads.

Binding first lets ``--port 0`` report the port the OS picked, lets a daemon report a
busy port on the terminal before it detaches, and lets clients connect (their connections
queue) while the rest of the server is still loading. The TLS certificate and key are
checked here too, so that a bad one is a one-line error before anything is served.
"""

from __future__ import annotations

import signal
import socket
import ssl
from pathlib import Path
from types import FrameType

STARTUP_FAILED = 3
MINIMUM_TLS = ssl.TLSVersion.TLSv1_2
"""Older protocol versions have known weaknesses; no torc client needs them."""


class TlsError(Exception):
    """A certificate or key the server cannot serve with; the message names the file."""


class _EncryptedKey(Exception):
    pass


def _no_password() -> str:
    """Instead of OpenSSL prompting on a terminal a service or daemon does not have."""
    raise _EncryptedKey


def check_tls(cert: Path, key: Path) -> None:
    """Load the pair the way the server will; raises TlsError saying which file is wrong."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    for path in (cert, key):
        try:
            path.read_bytes()
        except OSError as exc:
            raise TlsError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        context.load_cert_chain(cert, key, password=_no_password)
    except _EncryptedKey:
        raise TlsError(f"{key}: the private key is encrypted; give an unencrypted one") from None
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise TlsError(f"{key} is not the private key of the certificate {cert}") from None
        detail = f" ({exc.reason})" if exc.reason else ""
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=cert)
        except ssl.SSLError:
            raise TlsError(f"{cert}: not a PEM certificate{detail}") from None
        raise TlsError(f"{key}: not a PEM private key{detail}") from None


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
