"""One error shape for every 4xx/5xx answer: the contract's ``ErrorResponse``.

Handlers raise :class:`TorcError` (or a subclass); request bodies are validated in
:mod:`dispatch`, which names the offending field. Nothing reaches the client as a bare
traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

logger = logging.getLogger(__name__)


class TorcError(Exception):
    """An error the client should see, with its HTTP status."""

    status_code = 400
    kind = "BadRequest"

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class Unauthorized(TorcError):
    status_code = 401
    kind = "Unauthorized"


class Forbidden(TorcError):
    status_code = 403
    kind = "Forbidden"


class NotFound(TorcError):
    status_code = 404
    kind = "NotFound"


class Conflict(TorcError):
    status_code = 409
    kind = "Conflict"


class Unprocessable(TorcError):
    status_code = 422
    kind = "UnprocessableEntity"


class Unavailable(TorcError):
    status_code = 503
    kind = "ServiceUnavailable"


KINDS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    422: "UnprocessableEntity",
}


def error_body(status: int, kind: str, message: str) -> dict[str, Any]:
    return {"error": kind, "errorMessage": message, "code": status}


CHALLENGE = 'Basic realm="torc", charset="UTF-8"'


def auth_error_body(status: int, kind: str, message: str) -> dict[str, Any]:
    """401 and 403 also carry ``message``, the field the original's answers use."""
    return {**error_body(status, kind, message), "message": message}


async def torc_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TorcError)
    if exc.status_code in (401, 403):
        headers = {"WWW-Authenticate": CHALLENGE} if exc.status_code == 401 else None
        body = auth_error_body(exc.status_code, exc.kind, exc.message)
        return JSONResponse(body, exc.status_code, headers=headers)
    return JSONResponse(error_body(exc.status_code, exc.kind, exc.message), exc.status_code)


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = KINDS.get(exc.status_code, "HTTPError")
    return JSONResponse(
        error_body(exc.status_code, kind, str(exc.detail)), exc.status_code, headers=exc.headers
    )


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body(500, "InternalError", f"{type(exc).__name__}: {exc}"), 500)


def install_error_handlers(app: Starlette) -> None:
    app.add_exception_handler(TorcError, torc_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
