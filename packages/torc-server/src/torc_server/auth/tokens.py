"""Worker tokens: bearer secrets that let a job runner on another machine work on one
workflow without the user's password.

The secret is 256 random bits, so a SHA-256 of it is as good as bcrypt against someone
who reads the database, and a lookup costs one indexed query. Only the hash is stored;
the secret is shown once, in the answer that mints it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from torc_server.resources import T

TOKEN = T["worker_token"]
PREFIX = "torc_wt_"
DEFAULT_LIFETIME = 7 * 24 * 3600


@dataclass(frozen=True)
class WorkerToken:
    id: int
    workflow_id: int


class TokenRefused(Exception):
    """The bearer token is unknown, revoked or expired; the message says which."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def mint(
    conn: Connection, workflow_id: int, user: str, name: str | None, lifetime: int | None
) -> dict[str, Any]:
    """A new token row and, in ``token``, its secret."""
    secret = PREFIX + secrets.token_urlsafe(32)
    created = now()
    row = {
        "workflow_id": workflow_id,
        "token_hash": digest(secret),
        "name": name,
        "created_by": user,
        "created_at": stamp(created),
        "expires_at": stamp(created + timedelta(seconds=lifetime or DEFAULT_LIFETIME)),
    }
    token_id = conn.execute(insert(TOKEN).values(row)).inserted_primary_key[0]  # type: ignore[index]
    return {**public(row), "id": token_id, "token": secret}


def public(row: Any) -> dict[str, Any]:
    """A token row as the API shows it: never its hash."""
    return {key: value for key, value in dict(row).items() if key != "token_hash"}


def resolve(conn: Connection, secret: str) -> WorkerToken:
    """The token a bearer secret belongs to; raises TokenRefused."""
    row = conn.execute(select(TOKEN).where(TOKEN.c.token_hash == digest(secret))).mappings().first()
    if row is None:
        raise TokenRefused("unknown worker token")
    if row["revoked_at"] is not None:
        raise TokenRefused(f"worker token {row['id']} was revoked at {row['revoked_at']}")
    if row["expires_at"] is not None and row["expires_at"] <= stamp(now()):
        raise TokenRefused(f"worker token {row['id']} expired at {row['expires_at']}")
    return WorkerToken(row["id"], row["workflow_id"])


def revoke(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(TOKEN)
        .where(TOKEN.c.id == token_id, TOKEN.c.revoked_at.is_(None))
        .values(revoked_at=stamp(now()))
    )
