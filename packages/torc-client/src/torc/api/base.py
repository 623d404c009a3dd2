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
import functools
import logging
import os
import socket
import ssl
import time
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from torc.config import DEFAULT_URL, ConfigError
from torc.errors import ApiError, ServerUnreachable
from torc.user import login_name

__all__ = ["DEFAULT_URL", "ApiError", "BaseApi", "ServerUnreachable"]
RETRYABLE_STATUS = frozenset({502, 503, 504})
RETRYABLE_ERRORS = (httpx.TransportError,)

T = TypeVar("T")
logger = logging.getLogger(__name__)


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


@functools.cache
def _verifying_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def tls_context(url: str, ca_cert: str | None = None) -> ssl.SSLContext:
    """The verifying context for HTTPS: the system store, loaded once per process (reading
    it takes 50 ms), or the site's own CA bundle ``ca_cert``. Plain HTTP never uses TLS:
    it gets a context that trusts nothing, which costs nothing to make."""
    if ca_cert:
        return _ca_context(ca_cert)
    if url.startswith("https:"):
        return _verifying_context()
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _ca_context(ca_cert: str) -> ssl.SSLContext:
    """A context that trusts only the CA bundle; a missing or unreadable one is named."""
    path = Path(ca_cert).expanduser()
    if not path.is_file():
        raise ConfigError(f"CA certificate file {path} (--ca-cert, TORC_CA_CERT) does not exist")
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        raise ConfigError(f"CA certificate file {path} is not a PEM bundle: {exc}") from None


def _env(value: str | None, name: str) -> str | None:
    """An argument, else its variable; an empty string means "none" (not the variable)."""
    return os.environ.get(name) if value is None else value or None


class BaseApi:
    """Holds one pooled ``httpx.Client``; the generated :class:`TorcApi` adds the operations.

    Arguments left as ``None`` come from ``TORC_API_URL``, ``TORC_USERNAME``,
    ``TORC_PASSWORD``, ``TORC_TOKEN``, ``TORC_CA_CERT`` and ``TORC_COOKIE_HEADER``. A
    password without a username is the login name's (as in the original, whose users set
    only ``TORC_PASSWORD``); a worker ``token`` (sent as a Bearer header) wins over both.
    ``cookie_header`` is sent as ``Cookie`` with every request, for sites whose
    authenticating proxy issues a session cookie. ``anonymous`` sends no credentials and
    reads none (standalone mode's private server has no authentication). Job runners keep
    the long ``retry_timeout``; an interactive caller passes ``retry_timeout=0`` to hear at
    once that the server is unreachable.
    """

    def __init__(
        self,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        *,
        token: str | None = None,
        ca_cert: str | None = None,
        cookie_header: str | None = None,
        anonymous: bool = False,
        timeout: float = 120.0,
        connect_timeout: float = 10.0,
        retry_timeout: float = 600.0,
        max_backoff: float = 10.0,
    ) -> None:
        self.url = (url or os.environ.get("TORC_API_URL") or DEFAULT_URL).rstrip("/")
        headers = {"Accept": "application/json"}
        auth: httpx.BasicAuth | None = None
        self.username: str | None = None
        self.token: str | None = None
        """The worker token this client sends, if any (allocations it submits inherit it)."""
        if not anonymous:
            token = _env(token, "TORC_TOKEN")
            username = username or os.environ.get("TORC_USERNAME")
            password = password if password is not None else os.environ.get("TORC_PASSWORD")
            if token:
                headers["Authorization"] = f"Bearer {token}"
                self.token = token
            else:
                if password is not None and not username:
                    username = login_name()
                auth = httpx.BasicAuth(username, password or "") if username else None
                self.username = username
            if cookie := _env(cookie_header, "TORC_COOKIE_HEADER"):
                headers["Cookie"] = cookie
            ca_cert = _env(ca_cert, "TORC_CA_CERT")
        self.retry_timeout = retry_timeout
        self.max_backoff = max_backoff
        self._http = httpx.Client(
            base_url=self.url,
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            headers=headers,
            verify=tls_context(self.url, None if anonymous else ca_cert),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
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
        accepted: type[Any] | None = None,
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
        if reply.status_code == 202 and accepted is not None:
            task: T = _adapter(accepted).validate_json(reply.content)
            return task
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
                problem = unreachable_cause(exc)
            if time.monotonic() + delay > deadline:
                if reply is not None:
                    return reply  # the caller raises ApiError with the server's own answer
                raise ServerUnreachable(self.url, problem)
            logger.warning("%s %s failed (%s); retrying in %.1f s", method, url, problem, delay)
            time.sleep(delay)
            delay = min(delay * 2, self.max_backoff)


DNS_HINTS = ("Name or service not known", "nodename nor servname", "name resolution")


def unreachable_cause(exc: httpx.TransportError) -> str:
    """What kept a request from the server, in words; the exception chain names it."""
    chain: list[BaseException] = [exc]
    while (link := chain[-1].__cause__ or chain[-1].__context__) and len(chain) < 10:
        chain.append(link)
    text = " ".join(str(item) for item in chain)
    if isinstance(exc, httpx.TimeoutException):
        waited = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for an answer"
        return f"timed out {waited}"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or "refused" in text:
        return "connection refused (nothing listens on that port)"
    if any(isinstance(item, socket.gaierror) for item in chain) or any(
        hint in text for hint in DNS_HINTS
    ):
        return "DNS lookup failed (unknown host name)"
    if any(isinstance(item, ssl.SSLError) for item in chain) or "SSL" in text:
        return f"TLS error ({exc})"
    return f"{type(exc).__name__}: {exc}"
