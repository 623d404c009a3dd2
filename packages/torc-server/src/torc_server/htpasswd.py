"""The htpasswd file: one ``user:bcrypt_hash`` per line, ``#`` comments allowed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import bcrypt

DEFAULT_COST = 12
HEADER = "# Torc htpasswd file\n# Format: username:bcrypt_hash\n"


class HtpasswdError(ValueError):
    """The file or an entry in it is malformed."""


def hash_password(password: str, cost: int = DEFAULT_COST) -> str:
    if not 4 <= cost <= 31:
        raise HtpasswdError(f"bcrypt cost must be between 4 and 31, got {cost}")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=cost)).decode()


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


def validate_username(name: str) -> str:
    if not name or ":" in name or any(c.isspace() for c in name):
        raise HtpasswdError(
            f"invalid user name {name!r}: it must be non-empty, without ':' or spaces"
        )
    return name


def read(path: Path) -> dict[str, str]:
    """Return ``{user: hash}``; a missing file has no users."""
    users: dict[str, str] = {}
    if not path.exists():
        return users
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, hashed = line.partition(":")
        if not sep or not user or not hashed:
            raise HtpasswdError(f"{path}:{number}: expected 'username:bcrypt_hash'")
        users[user] = hashed
    return users


def write(path: Path, users: dict[str, str]) -> None:
    """Replace the file atomically so a crash never leaves it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = HEADER + "".join(f"{user}:{hashed}\n" for user, hashed in users.items())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
