"""``Configuration``: where the server is and who is asking, as the generated client took it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Configuration:
    """The server's base URL and HTTP basic-auth credentials.

    Left as ``None``, each comes from ``TORC_API_URL``, ``TORC_USERNAME`` and
    ``TORC_PASSWORD`` when a :class:`~torc.openapi_client.DefaultApi` is made, exactly as for
    :class:`torc.api.TorcApi`.
    """

    host: str | None = None
    username: str | None = None
    password: str | None = None
