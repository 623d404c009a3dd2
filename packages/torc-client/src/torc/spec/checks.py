"""Value checks, scheduler checks and warnings that need the whole workflow.

Hard errors (a memory string the server would refuse, a forbidden ``slurm_defaults`` key,
a scheduler without an account) raise :class:`SpecError`. The seed's "scheduler node
requirements" are *check errors* that ``--skip-checks`` may override: a job bound to a
scheduler that needs more nodes than the scheduler allocates, or a runtime longer than
its walltime. The seed does not list these checks; these two are the ones that make a
job impossible to run where it is bound.
"""

from __future__ import annotations

import math
import re

from torc.spec.errors import SpecError
from torc.spec.expanded import ExpandedJob
from torc.spec.models import (
    ResourceNeeds,
    ResourceRequirementsSpec,
    SlurmDefaultsSpec,
    SlurmSchedulerSpec,
    WorkflowSpec,
)
from torc_models.units import duration_seconds, memory_bytes

_WALLTIME = re.compile(r"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$")
_LARGEST = 2**63 - 1  # what the server can store
_DIFFERENCES = {
    "mem": "memory (mem)",
    "gres": "GPUs (gres)",
    "walltime": "walltime",
    "partition": "partition",
}


def walltime_seconds(value: str) -> float:
    """Slurm time (``MM``, ``MM:SS``, ``HH:MM:SS``, ``D-HH[:MM[:SS]]``, ``UNLIMITED``)."""
    if value.strip().upper() in ("UNLIMITED", "INFINITE"):
        return math.inf
    match = _WALLTIME.match(value.strip())
    if match is None:
        raise ValueError(value)
    days, first, second, third = (int(g) if g else None for g in match.groups())
    assert first is not None
    if days is None:
        if third is not None:  # HH:MM:SS
            return first * 3600 + (second or 0) * 60 + third
        return first * 60 + (second or 0)  # MM or MM:SS
    return days * 86400 + first * 3600 + (second or 0) * 60 + (third or 0)


def needs_problem(needs: ResourceNeeds) -> tuple[str, str] | None:
    """The field and the reason, if the server would refuse this memory or runtime."""
    for field, parse in (("memory", memory_bytes), ("runtime", duration_seconds)):
        value = getattr(needs, field)
        try:
            too_large = parse(value) > _LARGEST
        except ValueError as exc:
            return field, str(exc)
        if too_large:
            return field, f"{field} '{value}' is too large"
    return None


def check_values(spec: WorkflowSpec) -> None:
    """Memory, runtime, walltime and Slurm defaults, each at its own line."""
    source = spec.source
    for index, rr in enumerate(spec.resource_requirements):
        problem = needs_problem(rr)
        if problem is not None:
            raise source.error(("resource_requirements", index, problem[0]), problem[1])
    defaults = spec.slurm_defaults.root if spec.slurm_defaults else {}
    for key in defaults:
        if key in SlurmDefaultsSpec.FORBIDDEN:
            message = (
                f"slurm_defaults must not set '{key}': torc manages partition, nodes, "
                "walltime/time, mem, gres and name/job-name per scheduler"
            )
            raise source.error(("slurm_defaults", key), message)
    for index, scheduler in enumerate(spec.slurm_schedulers):
        path = ("slurm_schedulers", index)
        try:
            walltime_seconds(scheduler.walltime)
        except ValueError:
            message = f"invalid walltime '{scheduler.walltime}': use HH:MM:SS or D-HH:MM:SS"
            raise source.error((*path, "walltime"), message) from None
        if scheduler.account is None and not isinstance(defaults.get("account"), str):
            name = f" '{scheduler.name}'" if scheduler.name else ""
            message = f"slurm scheduler{name} needs an account (or set slurm_defaults.account)"
            raise source.error(path, message)


def scheduler_account(spec: WorkflowSpec, scheduler: SlurmSchedulerSpec) -> str:
    defaults = spec.slurm_defaults.root if spec.slurm_defaults else {}
    return scheduler.account or str(defaults.get("account", ""))


def check_errors(
    spec: WorkflowSpec, jobs: list[ExpandedJob], inline: list[ResourceRequirementsSpec]
) -> list[str]:
    """Problems of jobs bound to schedulers that cannot satisfy them."""
    schedulers = {s.name: s for s in spec.slurm_schedulers if s.name}
    requirements = {r.name: r for r in [*spec.resource_requirements, *inline]}
    problems: dict[tuple[str, str], list[str]] = {}
    for job in jobs:
        scheduler = schedulers.get(job.scheduler or "")
        needs = requirements.get(job.resource_requirements or "")
        if scheduler is None or needs is None:
            continue
        if needs.num_nodes > scheduler.nodes:
            problem = f"{needs.num_nodes} nodes but it allocates {scheduler.nodes}"
            problems.setdefault((scheduler.name or "", problem), []).append(job.name)
        if duration_seconds(needs.runtime) > walltime_seconds(scheduler.walltime):
            problem = f"runtime {needs.runtime} but its walltime is {scheduler.walltime}"
            problems.setdefault((scheduler.name or "", problem), []).append(job.name)
    return [
        f"{_count(names)} bound to scheduler '{name}' {'needs' if len(names) == 1 else 'need'} "
        f"{problem}: {_some(names)}"
        for (name, problem), names in problems.items()
    ]


def warnings(spec: WorkflowSpec, jobs: list[ExpandedJob]) -> list[str]:
    found = []
    unbound = sum(1 for job in jobs if job.scheduler is None)
    schedulers = spec.slurm_schedulers
    if len(schedulers) > 1 and unbound and spec.jobs_sort_method is None:
        differ = [
            label
            for attribute, label in _DIFFERENCES.items()
            if len({getattr(s, attribute) for s in schedulers}) > 1
        ]
        if differ:
            found.append(
                f"Workflow has {len(schedulers)} schedulers with different {', '.join(differ)} "
                f"but {unbound} job(s) have no explicit scheduler assignment and "
                "jobs_sort_method is not set. The default sort method 'gpus_runtime_memory' "
                "will be used (jobs sorted by GPUs, then runtime, then memory). If this "
                "doesn't match your workload, consider setting jobs_sort_method explicitly to "
                "'gpus_memory_runtime' (prioritize memory over runtime) or 'none' (no sorting)."
            )
    writers: dict[str, list[str]] = {}
    for job in jobs:
        for name in job.output_files:
            writers.setdefault(name, []).append(job.name)
    for name, names in writers.items():
        if len(names) > 1:
            found.append(f"file '{name}' is an output of {len(names)} jobs: {_some(names)}")
    return found


def _count(names: list[str]) -> str:
    return "1 job" if len(names) == 1 else f"{len(names)} jobs"


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def raise_check_errors(errors: list[str], file: str | None) -> None:
    """Creation refuses check errors unless ``skip_checks`` is given."""
    if errors:
        details = "; ".join(errors)
        raise SpecError(f"scheduler checks failed ({details}); use --skip-checks to override", file)
