"""Servers with authentication for the CLI's access tests: an htpasswd file of known users,
a real ``torc-server`` that requires it, a self-signed certificate for HTTPS, and a tiny
HTTP server that records the headers a client sends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bcrypt

from tests.cli.conftest import Torc
from tests.conftest import ServerProcess
from tests.tls import self_signed as self_signed  # re-exported for the CLI tests

PASSWORDS = {"alice": "alice-pw", "bob": "bob-pw", "carol": "carol-pw"}
ADMIN = "alice"


def write_htpasswd(path: Path, users: dict[str, str]) -> Path:
    """bcrypt with 4 rounds: the server checks it like any other, but quickly."""
    hashes = {name: bcrypt.hashpw(pw.encode(), bcrypt.gensalt(4)) for name, pw in users.items()}
    lines = [f"{name}:{digest.decode()}" for name, digest in hashes.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def auth_server(root: Path, *extra: str) -> ServerProcess:
    """Auth required, access control enforced, alice the system administrator."""
    users = write_htpasswd(root / "htpasswd", PASSWORDS)
    return ServerProcess(
        root / "torc.db",
        "--auth-file", str(users), "--require-auth", "--enforce-access-control",
        "--admin-user", ADMIN, "--completion-check-interval-secs", "1", *extra,
    )  # fmt: skip


def as_user(name: str) -> dict[str, str]:
    """The environment that makes ``torc`` log in as ``name`` (a user added later has the
    password ``<name>-pw``)."""
    return {"TORC_USERNAME": name, "TORC_PASSWORD": PASSWORDS.get(name, f"{name}-pw")}


class Logged(Torc):
    """``torc`` logged in as one user."""

    def __init__(self, url: str, home: Path, *, user: str) -> None:
        super().__init__(url, home)
        self.user = user

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(**{**as_user(self.user), **extra})

    def as_(self, user: str) -> Logged:
        return Logged(self.url, self.home, user=user)


def table_rows(text: str) -> list[list[str]]:
    """The cells of a rich table's header and body rows, stripped."""
    return [
        [cell.strip() for cell in line.strip()[1:-1].split(line.strip()[0])]
        for line in text.splitlines()
        if line.strip()[:1] in ("┃", "│")
    ]


class HeaderRecorder(BaseHTTPRequestHandler):
    """Answers every GET with a ping reply and keeps the request headers."""

    seen: list[dict[str, str]]

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers.items()))
        body = json.dumps({"status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def header_recorder() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """(base URL, the headers of each request so far)."""
    seen: list[dict[str, str]] = []
    handler = type("Recorder", (HeaderRecorder,), {"seen": seen})
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}/torc-service/v1", seen
    finally:
        http.shutdown()
        http.server_close()
