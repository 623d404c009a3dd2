"""The authentication layer in front of every route: it reads the ``Authorization``
header, checks a password (see :mod:`credentials`) and leaves the :class:`Identity` in
the request's scope for the access rules.

Modes: without an htpasswd file this layer is not installed at all. With one, valid
credentials name the user; missing or wrong ones continue as anonymous (logged) unless
authentication is required, when they get 401. A bearer token is passed on unchecked:
only the database knows it, and that is read in a worker thread (:mod:`access`).
"""

from __future__ import annotations

import base64
import binascii
import logging

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from torc_server.auth.credentials import Authenticator
from torc_server.auth.identity import ANONYMOUS, SCOPE_KEY, Identity
from torc_server.errors import CHALLENGE, auth_error_body

logger = logging.getLogger("torc_server.auth")


def printable(text: str) -> str:
    """A user name as it may appear in a log line: no forged lines through newlines."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def unauthorized_headers() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json"), (b"www-authenticate", CHALLENGE.encode())]


def unauthorized_body(message: str) -> bytes:
    return orjson.dumps(auth_error_body(401, "Unauthorized", message))


class AuthMiddleware:
    def __init__(self, app: ASGIApp, authenticator: Authenticator, *, required: bool) -> None:
        self.app = app
        self.authenticator = authenticator
        self.required = required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        identity, problem = await self.identify(header)
        if problem is not None and self.required:
            await send(
                {"type": "http.response.start", "status": 401, "headers": unauthorized_headers()}
            )
            await send({"type": "http.response.body", "body": unauthorized_body(problem)})
            return
        scope[SCOPE_KEY] = identity
        await self.app(scope, receive, send)

    async def identify(self, header: bytes | None) -> tuple[Identity, str | None]:
        """The identity and, when the credentials did not prove one, why not."""
        if header is None:
            if self.required:
                logger.warning("Authentication required but no credentials provided")
                return ANONYMOUS, "Authentication required but no credentials provided"
            logger.debug("No credentials provided, allowing anonymous access")
            return ANONYMOUS, None
        scheme, _, value = header.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return Identity(bearer=value.strip()), None
        if scheme.lower() != "basic":
            logger.warning("Authentication failed: unsupported scheme '%s'", printable(scheme))
            return (
                ANONYMOUS,
                f"unsupported authorization scheme '{printable(scheme)}'; use Basic or Bearer",
            )
        try:
            user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, sep, password = "", "", ""
        if not sep:
            logger.warning("Authentication failed: malformed Basic credentials")
            return ANONYMOUS, "malformed Basic credentials; expected base64 of user:password"
        if await self.authenticator.check(user, password):
            logger.debug("User '%s' authenticated successfully", printable(user))
            return Identity(user=user), None
        logger.warning("Authentication failed for user '%s'", printable(user))
        return ANONYMOUS, f"Authentication failed for user '{printable(user)}'"
