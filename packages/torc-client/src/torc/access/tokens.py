"""Worker tokens: a bearer secret that lets a job runner on another machine work on one
workflow without its owner's password, revocable and expiring (7 days by default)."""

from __future__ import annotations

import re

import torc_models as m
from torc.access.groups import whole
from torc.api import TorcApi

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
DEFAULT_EXPIRES = "7d"
_DURATION = re.compile(r"(\d+)\s*([smhdw]?)")


def parse_expires(text: str) -> int:
    """Seconds in ``30s``, ``15m``, ``12h``, ``7d``, ``2w`` or plain ``3600``; raises
    ValueError with a message fit for the user."""
    found = _DURATION.fullmatch(text.strip().lower())
    seconds = int(found.group(1)) * UNITS[found.group(2) or "s"] if found else 0
    if seconds <= 0:
        raise ValueError(
            f"invalid duration '{text}': use a positive number with s, m, h, d or w "
            "(30s, 15m, 12h, 7d, 2w) or plain seconds"
        )
    return seconds


def mint(
    api: TorcApi, workflow_id: int, *, expires: str = DEFAULT_EXPIRES, name: str | None = None
) -> m.WorkerTokenModel:
    """A new token for ``workflow_id``; its ``token`` secret is in this answer only."""
    request = m.CreateWorkerTokenRequest(
        workflow_id=workflow_id, name=name, expires_in_seconds=parse_expires(expires)
    )
    return api.create_worker_token(request)


def all_tokens(api: TorcApi, workflow_id: int | None = None) -> m.ListWorkerTokensResponse:
    return whole(lambda offset: api.list_worker_tokens(workflow_id=workflow_id, offset=offset))
