"""Wire formats shared by the server and every client: memory sizes and durations.

Hand-written (unlike ``models.py``): memory strings such as ``512k`` or ``2g`` and ISO-8601
durations such as ``PT30M`` travel as text in the API, and each side must read them the
same way.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from pydantic import TypeAdapter, ValidationError

MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?\s*$", re.IGNORECASE)
FACTORS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_DURATION = TypeAdapter(timedelta)


def memory_bytes(value: str) -> int:
    """``"512k"`` -> 524288. Units are powers of 1024; a bare number is bytes."""
    match = MEMORY.match(value)
    if match is None:
        raise ValueError(
            f"invalid memory {value!r}: use a number with an optional unit k, m, g, t "
            "(e.g. 512m or 2g)"
        )
    return int(float(match[1]) * FACTORS[match[2].lower()])


def duration_seconds(value: str) -> int:
    """``"PT30M"`` -> 1800 (rounded up to whole seconds)."""
    try:
        parsed = _DURATION.validate_python(value.strip())
    except ValidationError:
        raise ValueError(
            f"invalid runtime {value!r}: use an ISO-8601 duration such as PT30M or P0DT2H"
        ) from None
    if parsed.total_seconds() < 0:
        raise ValueError(f"invalid runtime {value!r}: it must not be negative")
    return math.ceil(parsed.total_seconds())


def iso_duration(seconds: int) -> str:
    """Seconds -> ``P0DT1H2M3S``-style duration."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"P{days}DT{hours}H{minutes}M{secs}S"
