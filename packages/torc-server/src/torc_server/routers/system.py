"""Liveness and version (tag ``system``)."""

from __future__ import annotations

from typing import Any

import torc_server
from torc_server.context import ServerContext
from torc_server.dispatch import operation

API_VERSION = "0.22.0"
"""The contract's ``info.version``: the upstream API level we are wire-compatible with."""


@operation("ping")
def ping(ctx: ServerContext) -> dict[str, Any]:
    return {"status": "ok"}


@operation("get_version")
def get_version(ctx: ServerContext) -> dict[str, Any]:
    return {"version": torc_server.__version__, "api_version": API_VERSION, "git_hash": None}
