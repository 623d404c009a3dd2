"""Reading and showing the sizes and durations of ``torc hpc``.

Input follows the manual: memory ``<number><k|m|g|t>`` (powers of 1024, any case) or a
bare number of MB; walltime ``HH:MM:SS``, Slurm's ``D-HH:MM:SS`` and ``MM``/``MM:SS``, or
``<N>d|h|m|s``. Output follows the manual's tables: memory in whole GB (``240 GB``) and
walltime in hours (``48h``).
"""

from __future__ import annotations

import math
import re

from torc.spec.checks import walltime_seconds
from torc_models.units import memory_bytes

MIB = 1024**2
_BARE_NUMBER = re.compile(r"^\s*\d+\s*$")
_UNIT_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhms])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_memory_mb(value: str) -> int:
    """``"16g"`` -> 16384, ``"512m"`` -> 512, ``"2000"`` -> 2000 (MB); rounded up."""
    if _BARE_NUMBER.match(value):
        megabytes = int(value)
    else:
        try:
            megabytes = math.ceil(memory_bytes(value) / MIB)
        except ValueError:
            raise ValueError(
                f"invalid memory {value!r}: use a number with a unit k, m, g or t "
                "(e.g. 512m, 64g) or a bare number of MB"
            ) from None
    if megabytes <= 0:
        raise ValueError(f"invalid memory {value!r}: it must be positive")
    return megabytes


def parse_walltime_secs(value: str) -> int:
    """``"2h"`` -> 7200, ``"04:00:00"`` -> 14400, ``"2-00:00:00"`` -> 172800."""
    unit = _UNIT_DURATION.match(value)
    try:
        seconds = (
            float(unit[1]) * _UNIT_SECONDS[unit[2].lower()] if unit else walltime_seconds(value)
        )
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(
            f"invalid walltime {value!r}: use HH:MM:SS (04:00:00), D-HH:MM:SS or a number "
            "with a unit h, m or s (4h, 30m, 3600s)"
        )
    return math.ceil(seconds)


def format_memory(memory_mb: int) -> str:
    """MB as the manual shows them: ``245760`` -> ``240 GB``, ``192000`` -> ``192 GB``.

    Sizes written in binary units (multiples of 1024 MB) are divided by 1024, other round
    figures by 1000, so that both ``memory_mb = 1048576`` (``1024 GB``) and
    ``memory_mb = 192000`` (``192 GB``) read as their authors meant them.
    """
    if memory_mb % 1024 == 0:
        return f"{memory_mb // 1024} GB"
    if memory_mb % 1000 == 0:
        return f"{memory_mb // 1000} GB"
    return f"{memory_mb / 1024:.1f} GB"


def format_walltime(seconds: int) -> str:
    """``172800`` -> ``48h``, ``5400`` -> ``1h30m``, ``90`` -> ``1m30s``."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{u}" for n, u in ((hours, "h"), (minutes, "m"), (secs, "s")) if n]
    return "".join(parts) or "0s"
