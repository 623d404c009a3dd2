"""Transport for the generated client: base URL, auth, connection reuse, retries, errors.

A job runner may live for days while the server is restarted under it, so connection
failures and 503 answers are retried with capped exponential backoff until
``retry_timeout`` runs out, instead of surfacing as a crash. A request whose reply was
lost is sent again, so the server keeps lifecycle operations (start, complete) idempotent
for a repeated run.

The rule for 503: the server is up but could not apply the request and applied none of it
(its database is locked, its disk is full or read-only), so sending it again is safe and
it succeeds once the storage is back. When ``retry_timeout`` runs out, the
:class:`ApiError` carries the server's last answer, whose message says what to fix.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

DEFAULT_URL = "http://localhost:8080/torc-service/v1"
RETRYABLE_STATUS = frozenset({502, 503, 504})
RETRYABLE_ERRORS = (httpx.TransportError,)

T = TypeVar("T")
logger = logging.getLogger(__name__)


class ApiError(Exception):
    """The server refused a request; carries its status code and error message."""

    def __init__(self, status_code: int, message: str, body: Any = None) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.body = body


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(response_type: Any) -> TypeAdapter[Any]:
    """Parsers are cached per response type: building one costs more than using it."""
    adapter = _ADAPTERS.get(response_type)
    if adapter is None:
        adapter = _ADAPTERS[response_type] = TypeAdapter(response_type)
    return adapter


def _jsonable(value: Any) -> Any:
    """Turn a request body into JSON-ready data, omitting unset (None) fields like upstream."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _query_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def error_message(response: httpx.Response) -> tuple[str, Any]:
    """Extract the server's human-readable message from an error response."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip() or response.reason_phrase, response.text
    if isinstance(body, dict):
        for key in ("errorMessage", "error", "detail", "message"):
            if body.get(key):
                return str(body[key]), body
    return str(body), body


class BaseApi:
    """Holds one pooled ``httpx.Client``; the generated :class:`TorcApi` adds the operations.

    Arguments left as ``None`` come from ``TORC_API_URL``, ``TORC_USERNAME`` and
    ``TORC_PASSWORD``.
    """

    def __init__(
        self,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 120.0,
        retry_timeout: float = 600.0,
        max_backoff: float = 10.0,
    ) -> None:
        self.url = (url or os.environ.get("TORC_API_URL") or DEFAULT_URL).rstrip("/")
        username = username or os.environ.get("TORC_USERNAME")
        password = password if password is not None else os.environ.get("TORC_PASSWORD")
        auth = httpx.BasicAuth(username, password or "") if username else None
        self.retry_timeout = retry_timeout
        self.max_backoff = max_backoff
        self._http = httpx.Client(
            base_url=self.url,
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BaseApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self,
        method: str,
        template: str,
        *,
        path: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
        response: type[T],
    ) -> T:
        url = template
        for name, value in (path or {}).items():
            url = url.replace("{" + name + "}", quote(str(_query_value(value)), safe=""))
        params = [
            (name, _query_value(item))
            for name, value in (query or {}).items()
            if value is not None
            for item in (value if isinstance(value, list) else [value])
        ]
        reply = self._send(method, url, params, None if body is None else _jsonable(body))
        if reply.status_code >= 400:
            message, payload = error_message(reply)
            raise ApiError(reply.status_code, message, payload)
        result: T = _adapter(response).validate_json(reply.content)
        return result

    def _send(
        self, method: str, url: str, params: list[tuple[str, Any]], data: Any
    ) -> httpx.Response:
        deadline = time.monotonic() + self.retry_timeout
        delay = 0.1
        while True:
            reply: httpx.Response | None = None
            try:
                reply = self._http.request(method, url, params=params, json=data)
                if reply.status_code not in RETRYABLE_STATUS:
                    return reply
                problem = f"HTTP {reply.status_code}: {error_message(reply)[0]}"
            except RETRYABLE_ERRORS as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if time.monotonic() + delay > deadline:
                if reply is not None:
                    return reply  # the caller raises ApiError with the server's own answer
                raise ApiError(503, f"torc server at {self.url} unavailable: {problem}")
            logger.warning("%s %s failed (%s); retrying in %.1f s", method, url, problem, delay)
            time.sleep(delay)
            delay = min(delay * 2, self.max_backoff)
