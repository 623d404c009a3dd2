"""The raised requirements of a failed job: more memory after an OOM, more time after a
timeout, never beyond what the cluster's partitions offer.

Memory: the larger of the requirement times the multiplier (the seed's heuristic) and the
measured peak times :data:`PEAK_MARGIN`. The peak comes from samples taken every few
seconds, so the true high-water mark can lie above it, and a rerun of the same job seldom
peaks at exactly the same size; 20 % headroom covers both without doubling anything. A
job the OOM killer stopped at its limit shows a peak near the limit, so there the
multiplier decides; a job that ran far over its limit (monitored locally, where nothing
enforces memory) is sized from what it really used, and does not need several rounds of
blind multiplication. The result keeps the requirement's unit (``8g`` -> ``12g``): whole
units from ten up, else one decimal (``1g`` -> ``1.5g``), always rounded up.

Runtime: the limit times the multiplier, rounded up (to whole minutes for anything of
ten minutes or more), written as a compact ISO 8601 duration (``PT1H`` x 1.4 ->
``PT1H24M``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from torc.hpc.matching import Need, matching_partitions
from torc.hpc.model import HpcProfile, Partition
from torc.hpc.units import format_memory
from torc_models.units import FACTORS, duration_seconds, memory_bytes

PEAK_MARGIN = 1.2
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(([kmgtp]?)(i?b?))\s*$", re.IGNORECASE)
MIB = 1024**2


def raise_memory(
    current: str, multiplier: float, peak_bytes: int | None = None, margin: float = PEAK_MARGIN
) -> str:
    """``"8g"`` x 1.5 -> ``"12g"``; with a measured peak, at least ``peak x margin``."""
    match = _MEMORY.match(current)
    if match is None:
        raise ValueError(f"cannot read memory {current!r}")
    suffix, unit = match[2], match[3].lower()
    target = memory_bytes(current) * multiplier
    if peak_bytes:
        target = max(target, peak_bytes * margin)
    amount = target / FACTORS[unit]
    if unit == "":  # a bare number of bytes
        return str(math.ceil(amount))
    whole = math.ceil(amount - 1e-9)
    if whole >= 10:
        return f"{whole}{suffix}"
    tenths = math.ceil(amount * 10 - 1e-9) / 10
    text = f"{tenths:.1f}".removesuffix(".0")
    return f"{text}{suffix}"


def iso_runtime(seconds: int) -> str:
    """``5040`` -> ``PT1H24M``, ``90000`` -> ``P1DT1H``."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    if not days and not clock:
        return "PT0S"
    return (f"P{days}D" if days else "P") + (f"T{clock}" if clock else "")


def raise_runtime(current: str, multiplier: float) -> str:
    """``"PT1H"`` x 1.4 -> ``"PT1H24M"``: rounded up to whole minutes from ten minutes
    up, else to whole seconds (``PT5S`` x 1.4 -> ``PT7S``)."""
    seconds = duration_seconds(current) * multiplier
    if seconds >= 600:
        return iso_runtime(math.ceil(seconds / 60 - 1e-9) * 60)
    return iso_runtime(math.ceil(seconds - 1e-9))


@dataclass(frozen=True)
class Limit:
    """Why a raise does not fit: the largest partition that matches the other needs."""

    field: str
    """``memory`` or ``runtime``."""
    largest: Partition | None
    """None: no partition fits the job's other needs at all."""

    def describe(self, profile: HpcProfile) -> str:
        if self.largest is None:
            return f"no partition of HPC profile '{profile.name}' fits the job's other needs"
        p = self.largest
        memory = format_memory(p.memory_mb) if p.memory_mb >= 1024 else f"{p.memory_mb} MB"
        offer = (
            f"{memory} of memory per node"
            if self.field == "memory"
            else f"a walltime limit of {iso_runtime(p.max_walltime_secs)}"
        )
        return (
            f"the largest partition of HPC profile '{profile.name}' for it ({p.name}) has {offer}"
        )


def over_limit(profile: HpcProfile, need: Need) -> Limit | None:
    """None when some partition runs ``need``; else which raised field does not fit."""
    if matching_partitions(profile, need):
        return None
    for field_name, relaxed in (
        ("memory", replace(need, memory_mb=0)),
        ("runtime", replace(need, runtime_secs=0)),
    ):
        found = matching_partitions(profile, relaxed)
        if found:
            attribute = "memory_mb" if field_name == "memory" else "max_walltime_secs"
            return Limit(field_name, max(found, key=lambda p: getattr(p, attribute)))
    return Limit("memory", None)


def need_of(
    cpus: int | None, memory: str, runtime: str, gpus: int | None, nodes: int | None
) -> Need:
    """The per-node need of a requirement's fields, as the partition matcher reads them."""
    return Need(
        max(1, cpus or 1),
        max(1, math.ceil(memory_bytes(memory) / MIB)),
        max(1, duration_seconds(runtime)),
        max(0, gpus or 0),
        max(1, nodes or 1),
    )
