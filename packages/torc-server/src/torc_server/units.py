"""Memory sizes and durations from request fields; a bad value is the client's 422."""

from __future__ import annotations

from torc_models import units
from torc_models.units import iso_duration
from torc_server.errors import Unprocessable

__all__ = ["duration_seconds", "iso_duration", "memory_bytes"]


def memory_bytes(value: str) -> int:
    try:
        return units.memory_bytes(value)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None


def duration_seconds(value: str) -> int:
    try:
        return units.duration_seconds(value)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
