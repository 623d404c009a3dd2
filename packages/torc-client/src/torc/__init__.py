"""The torc client library: typed API client, workflow specs, job runner, CLI, Python API.

The Python API for building workflows in code::

    from torc import make_api, map_function_to_jobs, setup_logging
"""

from __future__ import annotations

import logging

from torc.api import ApiError, TorcApi
from torc.openapi_client import ApiClient, Configuration  # the original client's names
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


def make_api(
    url: str | None = None, username: str | None = None, password: str | None = None
) -> TorcApi:
    """A client for the server at ``url`` (default: ``TORC_API_URL``, then localhost:8080)."""
    return TorcApi(url, username, password)


def setup_logging(level: int | str = logging.INFO) -> None:
    """Log torc's messages (and the caller's) to stderr with timestamps."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
