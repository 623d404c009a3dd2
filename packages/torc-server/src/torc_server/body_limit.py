"""Request-body size limits: generous for bulk uploads, tight for everything else.

A body is read whole before parsing, so an unbounded one is a way to exhaust the
server's memory. Like the original (Axum's 2 MiB default with ``TORC_MAX_REQUEST_BODY_MB``
raising it for bulk job uploads), the bulk endpoints get a configurable limit and every
other route a fixed one. Oversized requests are answered 413 with the usual error body,
whether the client declared the length up front or streams a chunked body.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from torc_server.dispatch import BASE_PATH
from torc_server.errors import KINDS, TorcError, error_body

MIB = 1024 * 1024
DEFAULT_LIMIT = 10 * MIB
BULK_PATHS = tuple(f"{BASE_PATH}/{name}" for name in ("bulk_jobs", "bulk_files", "bulk_user_data"))


class PayloadTooLarge(TorcError):
    status_code = 413
    kind = KINDS[413]


def too_large_message(limit: int) -> str:
    return f"request body exceeds this endpoint's limit of {limit / MIB:g} MiB"


class BodySizeLimit:
    """ASGI middleware refusing bodies over ``limits[path]`` (else ``default``) bytes."""

    def __init__(self, app: ASGIApp, *, default: int, limits: Mapping[str, int]) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"].rstrip("/"), self.default)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            message = too_large_message(limit)
            response = JSONResponse(error_body(413, PayloadTooLarge.kind, message), 413)
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(too_large_message(limit))  # rendered by errors.py
            return message

        await self.app(scope, counting_receive, send)


def bulk_limits(bulk_mb: int) -> dict[str, int]:
    return dict.fromkeys(BULK_PATHS, bulk_mb * MIB)
