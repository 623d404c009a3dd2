"""Who sent a request, as the authentication layer found out."""

from __future__ import annotations

from dataclasses import dataclass

SCOPE_KEY = "torc.identity"
"""Where the middleware leaves the :class:`Identity` in the ASGI scope."""


@dataclass(frozen=True)
class Identity:
    """A user who gave a valid password, a worker token still to be checked against the
    database (``bearer``), or nobody (``user`` and ``bearer`` both None)."""

    user: str | None = None
    bearer: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.user is None and self.bearer is None


ANONYMOUS = Identity()
