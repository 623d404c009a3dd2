"""Errors of the client library that a caller (the CLI, a script) reports to the user.

They live apart from the HTTP transport so that code which only needs to catch them, such
as the CLI's entry point, does not import httpx and the models to do so.
"""

from __future__ import annotations

from typing import Any

REMEDY = (
    "start one with `torc-server run`, run the command in standalone mode with `torc -s`, "
    "or point TORC_API_URL or --url at a running server"
)


class ApiError(Exception):
    """The server refused a request; carries its status code and error message."""

    def __init__(self, status_code: int, message: str, body: Any = None) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.body = body


class ServerUnreachable(ApiError):
    """No answer from the server at all (refused, unknown host, TLS, timeout).

    A 503 to callers that treat every ApiError alike; its message names the URL, the
    cause and what to do."""

    def __init__(self, url: str, cause: str) -> None:
        super().__init__(503, f"cannot reach the torc server at {url}: {cause}; {REMEDY}")
        self.url = url
        self.cause = cause
