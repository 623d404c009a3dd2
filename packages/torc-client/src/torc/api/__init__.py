"""Typed client for the torc REST API.

``TorcApi`` has one method per operation of ``api/openapi.yaml`` (generated); requests and
responses are ``torc_models`` types.
"""

from torc.api.base import DEFAULT_URL, ApiError
from torc.api.operations import TorcApi

__all__ = ["DEFAULT_URL", "ApiError", "TorcApi"]
