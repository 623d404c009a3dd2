"""The torc client library: typed API client, workflow specs, job runner, CLI, Python API.

The Python API for building workflows in code::

    from torc import make_api, map_function_to_jobs, setup_logging

The API client and the models load on first use, so that ``torc --help`` and commands
that never talk to a server do not pay for importing them.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torc.api import ApiError, TorcApi
    from torc.openapi_client import ApiClient, Configuration
    from torc.workflows.mapping import map_function_to_jobs

__version__ = "0.1.0"
__all__ = [
    "ApiClient",
    "ApiError",
    "Configuration",
    "TorcApi",
    "make_api",
    "map_function_to_jobs",
    "setup_logging",
]
_LAZY = {
    "ApiError": "torc.api",
    "TorcApi": "torc.api",
    "ApiClient": "torc.openapi_client",  # the original client's names (its manual uses them)
    "Configuration": "torc.openapi_client",
    "map_function_to_jobs": "torc.workflows.mapping",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'torc' has no attribute {name!r}")


def make_api(
    url: str | None = None, username: str | None = None, password: str | None = None
) -> TorcApi:
    """A client for the server at ``url`` (default: ``TORC_API_URL``, then localhost:8080)."""
    from torc.api import TorcApi

    return TorcApi(url, username, password)


def setup_logging(level: int | str = logging.INFO) -> None:
    """Log torc's messages (and the caller's) to stderr with timestamps."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
