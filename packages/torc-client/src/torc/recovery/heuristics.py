"""What recovery does about each diagnosed failure (planned here, applied by
:mod:`torc.recovery.recover`).

* OOM: memory raised (:func:`torc.recovery.sizing.raise_memory`); timeout: runtime raised;
  both when both were seen.
* Unknown cause: retried unchanged with ``retry_unknown`` or a recovery hook, else
  skipped (a bug is not fixed by running it again).
* A raise that no partition of the HPC profile can run (given the job's CPUs, GPUs and
  nodes) is skipped with the largest partition named: resubmitting it would only fail at
  scheduling.

Jobs that share a requirement and failed the same way get one raised requirement. It is
raised in place when those jobs are all that use it; otherwise the failed jobs move to a
new requirement (``<name>_recovery``), so that jobs which did not fail keep their size
on later runs and ``slurm regenerate``, which groups by requirement name, gives the
raised jobs their own, larger allocations instead of enlarging everyone's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import torc_models as m
from torc.hpc.model import HpcProfile
from torc.recovery.diagnosis import Diagnosis
from torc.recovery.sizing import (
    PEAK_MARGIN,
    Limit,
    need_of,
    over_limit,
    raise_memory,
    raise_runtime,
)
from torc_models.units import memory_bytes

DEFAULT_MEMORY = "1m"
DEFAULT_RUNTIME = "PT1H"


@dataclass(frozen=True)
class Settings:
    memory_multiplier: float = 1.5
    runtime_multiplier: float = 1.4
    retry_unknown: bool = False
    has_hook: bool = False
    memory_margin: float = PEAK_MARGIN


@dataclass
class Fix:
    """One failed job and what recovery does about it."""

    diagnosis: Diagnosis
    action: str
    """``raise`` (requirements raised), ``retry`` (unchanged) or ``skip``."""
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """``memory``/``runtime`` -> (old, new)."""
    reason: str | None = None
    """Why it is skipped."""
    from_peak: bool = False
    """The new memory came from the measured peak, not from the multiplier."""

    @property
    def job_id(self) -> int:
        return self.diagnosis.job_id

    def line(self) -> str:
        d = self.diagnosis
        head = f"  Job {d.job_id} ({d.job_name}):"
        if d.kind == "unknown":
            detail = f"exit code {d.return_code}" if d.return_code is not None else d.evidence
            return f"{head} unknown failure cause ({detail}), retrying without changes"
        seen = " and ".join(
            name for name, flag in (("OOM", d.likely_oom), ("timeout", d.likely_timeout)) if flag
        )
        detected = f"{seen[0].upper()}{seen[1:]} detected"
        if self.action == "skip":
            return f"{head} {detected}, but {self.reason}; skipping"
        raised = " and ".join(f"{k} {old} -> {new}" for k, (old, new) in self.changes.items())
        peak = (
            f" (measured peak {d.peak_memory_bytes / 1024**2:.0f} MiB x {PEAK_MARGIN:g})"
            if self.from_peak and d.peak_memory_bytes
            else ""
        )
        return f"{head} {detected}, increasing {raised}{peak}"


@dataclass
class Group:
    """Failed jobs that share a requirement and failed the same way: one raise for all."""

    requirement: m.ResourceRequirementsModel
    fixes: list[Fix]
    in_place: bool
    new_requirement_id: int | None = None


@dataclass
class Plan:
    fixes: list[Fix]
    groups: list[Group]

    def count(self, action: str, kind: str | None = None) -> int:
        return sum(
            1
            for f in self.fixes
            if f.action == action and (kind is None or f.diagnosis.kind == kind)
        )

    @property
    def retried(self) -> list[Fix]:
        return [f for f in self.fixes if f.action in ("raise", "retry")]

    @property
    def unknown_skipped(self) -> int:
        return self.count("skip", "unknown")


def _raise(
    fixes: list[Fix], rr: m.ResourceRequirementsModel, settings: Settings
) -> tuple[dict[str, tuple[str, str]], bool]:
    """The raised fields of a group, and whether the memory came from a peak."""
    first = fixes[0].diagnosis
    changes: dict[str, tuple[str, str]] = {}
    from_peak = False
    if first.likely_oom:
        old = rr.memory or DEFAULT_MEMORY
        peaks = [f.diagnosis.peak_memory_bytes or 0 for f in fixes]
        peak = max(peaks) or None
        new = raise_memory(old, settings.memory_multiplier, peak, settings.memory_margin)
        blind = raise_memory(old, settings.memory_multiplier)
        from_peak = memory_bytes(new) > memory_bytes(blind)
        changes["memory"] = (old, new)
    if first.likely_timeout:
        old = rr.runtime or DEFAULT_RUNTIME
        changes["runtime"] = (old, raise_runtime(old, settings.runtime_multiplier))
    return changes, from_peak


def _limit(
    rr: m.ResourceRequirementsModel, changes: dict[str, tuple[str, str]], profile: HpcProfile
) -> Limit | None:
    memory = changes.get("memory", (None, rr.memory or DEFAULT_MEMORY))[1]
    runtime = changes.get("runtime", (None, rr.runtime or DEFAULT_RUNTIME))[1]
    need = need_of(rr.num_cpus, memory, runtime, rr.num_gpus, rr.num_nodes)
    return over_limit(profile, need)


def plan_fixes(
    diagnoses: list[Diagnosis],
    requirements: dict[int, m.ResourceRequirementsModel],
    users: Counter[int],
    settings: Settings,
    profile: HpcProfile | None,
) -> Plan:
    """Decide each job's fix. ``users`` counts the workflow's jobs per requirement ID;
    ``profile`` caps the raises (None: no cap, e.g. a local workflow)."""
    fixes: list[Fix] = []
    keyed: dict[tuple[int, bool, bool], list[Fix]] = {}
    for d in diagnoses:
        fix = Fix(d, "skip")
        fixes.append(fix)
        if d.kind == "unknown":
            if settings.retry_unknown or settings.has_hook:
                fix.action = "retry"
            else:
                fix.reason = "unknown failure cause"
        elif d.resource_requirements_id not in requirements:
            fix.reason = "it has no resource requirements to raise"
        else:
            key = (d.resource_requirements_id or 0, d.likely_oom, d.likely_timeout)
            keyed.setdefault(key, []).append(fix)
    groups: list[Group] = []
    per_requirement = Counter(rr_id for rr_id, _, _ in keyed)
    for (rr_id, _, _), members in keyed.items():
        rr = requirements[rr_id]
        changes, from_peak = _raise(members, rr, settings)
        limit = _limit(rr, changes, profile) if profile is not None else None
        for fix in members:
            fix.changes, fix.from_peak = changes, from_peak
            if limit is not None and profile is not None:
                field_name = limit.field if limit.field in changes else next(iter(changes))
                fix.reason = f"{field_name} {changes[field_name][1]} exceeds what fits: " + (
                    limit.describe(profile)
                )
            else:
                fix.action = "raise"
        if limit is None:
            alone = per_requirement[rr_id] == 1 and users[rr_id] == len(members)
            groups.append(Group(rr, members, in_place=alone))
    return Plan(fixes, groups)
