"""One error shape for every 4xx/5xx answer: the contract's ``ErrorResponse``.

Handlers raise :class:`TorcError` (or a subclass); validation failures from FastAPI are
rewritten to name the offending field. Nothing reaches the client as a bare traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request body"


def describe_validation_error(exc: RequestValidationError) -> str:
    problems = []
    for err in exc.errors()[:5]:
        where = err.get("loc", ())
        source = where[0] if where else "body"
        problems.append(f"{source} field '{_field_path(tuple(where))}': {err.get('msg')}")
    return "; ".join(problems)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TorcError)
    async def torc_error(_: Request, exc: TorcError) -> JSONResponse:
        return JSONResponse(error_body(exc.status_code, exc.kind, exc.message), exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(422, KINDS[422], describe_validation_error(exc)), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = KINDS.get(exc.status_code, "HTTPError")
        return JSONResponse(
            error_body(exc.status_code, kind, str(exc.detail)), exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body(500, "InternalError", f"{type(exc).__name__}: {exc}"), 500)
