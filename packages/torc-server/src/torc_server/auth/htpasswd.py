"""The htpasswd file the server reads: one ``user:bcrypt_hash`` per line, ``#`` comments.

Only bcrypt is accepted. Apache's other schemes (MD5 ``$apr1$``, ``{SHA}``, crypt,
plaintext) are weak, so a file holding one is refused with the line to fix rather than
half-loaded; a user listed twice is refused too, since which line wins would be a guess.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import bcrypt

DEFAULT_COST = 12
HEADER = "# Torc htpasswd file\n# Format: username:bcrypt_hash\n"

# $2a$, $2b$ and $2y$ name the same algorithm; $2x$ marks hashes of a buggy implementation.
_BCRYPT = re.compile(r"\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")
_SCHEMES = {
    "$apr1$": "an Apache MD5 ($apr1$)",
    "{SHA}": "a SHA-1 ({SHA})",
    "$1$": "an MD5-crypt ($1$)",
    "$5$": "a SHA-256-crypt ($5$)",
    "$6$": "a SHA-512-crypt ($6$)",
    "$2": "a malformed bcrypt",
}


class HtpasswdError(ValueError):
    """The file cannot be read or written, or an entry in it is malformed."""


def check_cost(cost: int) -> int:
    if not 4 <= cost <= 31:
        raise HtpasswdError(f"bcrypt cost must be between 4 and 31, got {cost}")
    return cost


def validate_password(password: str) -> str:
    if not password:
        raise HtpasswdError("empty password")
    if len(password.encode()) > 72:
        raise HtpasswdError("password is longer than 72 bytes, the most bcrypt uses")
    return password


def hash_password(password: str, cost: int = DEFAULT_COST) -> str:
    check_cost(cost)
    validate_password(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=cost)).decode()


def check_password(password: str, hashed: str) -> bool:
    """True when ``password`` matches ``hashed``; anything unverifiable is a mismatch."""
    if hashed.startswith("$2y$"):  # PHP's name for $2b$; older bcrypt releases reject it
        hashed = "$2b$" + hashed[4:]
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


def _not_bcrypt(path: Path, number: int, user: str, hashed: str) -> HtpasswdError:
    kind = next(
        (k for prefix, k in _SCHEMES.items() if hashed.strip().startswith(prefix)),
        "a plaintext or unrecognised",
    )
    return HtpasswdError(
        f"{path}:{number}: user '{user}' has {kind} password; only bcrypt hashes "
        f"($2a$, $2b$, $2y$) are accepted; set a new password with: "
        f"torc-htpasswd add {path} {user}"
    )


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HtpasswdError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise HtpasswdError(f"{path}:{line}: not UTF-8 text") from None


def read(path: Path) -> dict[str, str]:
    """Return ``{user: hash}``; a missing file has no users."""
    text = _text(path)
    if text is None:
        return {}
    users: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, hashed = line.partition(":")
        if not sep or not user or not hashed:
            raise HtpasswdError(f"{path}:{number}: expected 'username:bcrypt_hash'")
        try:
            validate_username(user)
        except HtpasswdError as exc:
            raise HtpasswdError(f"{path}:{number}: {exc}") from None
        if not _BCRYPT.fullmatch(hashed):
            raise _not_bcrypt(path, number, user, hashed)
        if user in lines:
            raise HtpasswdError(
                f"{path}: user '{user}' is on both line {lines[user]} and line {number}; "
                "delete one of them"
            )
        users[user], lines[user] = hashed, number
    return users


def write(path: Path, users: dict[str, str]) -> None:
    """Replace the file atomically (mode 0600) so a crash never leaves it half-written."""
    body = HEADER + "".join(f"{user}:{hashed}\n" for user, hashed in users.items())
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise HtpasswdError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
