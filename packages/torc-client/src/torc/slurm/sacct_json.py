"""Reading ``sacct --json`` as any Slurm release writes it: one :class:`Step` per job step.

The JSON differs between releases: 22.05 (openapi v0.0.38) gives ``state.current`` as a
string, ``step.id`` as ``batch`` or ``0`` and plain numbers; 23.02 and later give lists
of states, ``step.id`` as ``178.batch`` and numbers as ``{"set": true, "number": 5}``.
Every field is read defensively: a field a release lacks is None, never an error.

Figures: Max RSS and Max VM size are the ``mem`` and ``vmem`` of ``tres.requested.max``
(bytes), disk read / write the ``fs/disk`` of ``tres.requested.max`` /
``tres.consumed.max``, Ave CPU the ``cpu`` of ``tres.requested.average`` (milliseconds),
CPU time ``time.total`` and the step's memory limit the ``mem`` of ``tres.allocated`` (MB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TERMINAL = frozenset(
    {"BOOT_FAIL", "CANCELLED", "COMPLETED", "DEADLINE", "FAILED", "NODE_FAIL",
     "OUT_OF_MEMORY", "PREEMPTED", "REVOKED", "TIMEOUT"}
)  # fmt: skip
"""States after which a job or step never changes."""


def _number(value: Any) -> float | None:
    """A number as any Slurm release writes it (``5``, ``{"set": true, "number": 5}``)."""
    if isinstance(value, dict):
        if value.get("set") is False or value.get("infinite"):
            return None
        value = value.get("number")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def state_of(value: Any) -> str:
    """``"COMPLETED"``, ``{"current": "COMPLETED"}`` or ``{"current": ["FAILED", ...]}``."""
    if isinstance(value, dict):
        value = value.get("current")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value else "UNKNOWN"


def _tres(entries: Any, kind: str, name: str | None = None) -> int | None:
    """The count of one TRES (``mem``, ``vmem``, ``cpu``, ``fs``/``disk``) in a list."""
    for entry in entries if isinstance(entries, list) else []:
        matches = isinstance(entry, dict) and entry.get("type") == kind
        if matches and (name is None or entry.get("name") == name):
            return _int(entry.get("count"))
    return None


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _seconds(time: Any) -> float | None:
    """``{"seconds": 1, "microseconds": 1134865}`` (microseconds may exceed a second)."""
    seconds, micro = _number(_get(time, "seconds")), _number(_get(time, "microseconds"))
    if seconds is None and micro is None:
        return None
    return (seconds or 0.0) + (micro or 0.0) / 1e6


@dataclass
class Step:
    """One job step of an allocation as sacct accounts it."""

    slurm_job_id: str
    step_id: str
    name: str
    state: str
    exit_code: int | None
    signal: int | None
    elapsed_seconds: float | None
    max_rss_bytes: int | None
    cpu_time_seconds: float | None
    nodes: str | None
    memory_limit_bytes: int | None = None
    max_vm_size_bytes: int | None = None
    max_disk_read_bytes: int | None = None
    max_disk_write_bytes: int | None = None
    ave_cpu_seconds: float | None = None
    torc_job_id: int | None = None
    torc_job_name: str | None = None

    @property
    def ended(self) -> bool:
        return self.state in TERMINAL

    @property
    def out_of_memory(self) -> bool:
        """Killed for memory: OUT_OF_MEMORY (cgroup sites), or a peak over the step's
        limit (sites that poll, where the step shows CANCELLED or FAILED)."""
        over = (
            self.max_rss_bytes is not None
            and self.memory_limit_bytes is not None
            and self.max_rss_bytes > self.memory_limit_bytes
        )
        return self.state == "OUT_OF_MEMORY" or (over and self.state != "COMPLETED")


def parse_step(slurm_job_id: str, raw: Mapping[str, Any], job_nodes: str | None) -> Step:
    raw_id = _get(raw, "step", "id")  # 0 is the first numbered step: test for None only
    step_id = "" if raw_id is None else str(raw_id)
    step_id = step_id.removeprefix(f"{slurm_job_id}.")
    exit_code = raw.get("exit_code")
    limit_mb = _tres(_get(raw, "tres", "allocated"), "mem")
    ave_cpu_ms = _tres(_get(raw, "tres", "requested", "average"), "cpu")
    return Step(
        slurm_job_id=slurm_job_id,
        step_id=step_id,
        name=str(_get(raw, "step", "name") or step_id),
        state=state_of(raw.get("state")),
        exit_code=_int(_get(exit_code, "return_code")),
        signal=_int(_get(exit_code, "signal", "signal_id")) or None,  # set when SIGNALED
        elapsed_seconds=_number(_get(raw, "time", "elapsed")),
        max_rss_bytes=_tres(_get(raw, "tres", "requested", "max"), "mem"),
        cpu_time_seconds=_seconds(_get(raw, "time", "total")),
        nodes=str(_get(raw, "nodes", "range") or job_nodes or "") or None,
        memory_limit_bytes=limit_mb * 2**20 if limit_mb else None,
        max_vm_size_bytes=_tres(_get(raw, "tres", "requested", "max"), "vmem"),
        max_disk_read_bytes=_tres(_get(raw, "tres", "requested", "max"), "fs", "disk"),
        max_disk_write_bytes=_tres(_get(raw, "tres", "consumed", "max"), "fs", "disk"),
        ave_cpu_seconds=ave_cpu_ms / 1000 if ave_cpu_ms is not None else None,
    )
