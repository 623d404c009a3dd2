"""Liveness and version (tag ``system``)."""

from __future__ import annotations

from fastapi import APIRouter

import torc_server
from torc_models import PingResponse, VersionResponse

API_VERSION = "0.22.0"
"""The contract's ``info.version``: the upstream API level we are wire-compatible with."""

router = APIRouter(tags=["system"])


@router.get("/ping", operation_id="ping")
def ping() -> PingResponse:
    return PingResponse(status="ok")


@router.get("/version", operation_id="get_version")
def get_version() -> VersionResponse:
    return VersionResponse(version=torc_server.__version__, api_version=API_VERSION)
