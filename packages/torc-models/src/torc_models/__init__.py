"""Pydantic models of the torc REST API, generated from api/openapi.yaml (see models.py)."""

from torc_models.models import *  # noqa: F403

__version__ = "0.1.0"
