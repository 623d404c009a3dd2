"""How big and how long generated Slurm allocations are, and how many a group of jobs needs.

Shared by ``torc slurm generate`` (from a spec) and ``torc slurm regenerate`` (from a
workflow on the server). The rules:

* **Walltime** (``max-job-runtime``, the default): the longest runtime of the scheduler's
  jobs times the multiplier (1.5), at least that runtime plus one minute (time for the job
  runner to start, so even ``--walltime-multiplier 1.0`` runs the jobs), rounded up to
  whole minutes and capped at the partition's limit. ``max-partition-time``: the
  partition's limit.
* **Jobs per node**: as many of the jobs as fit on one node of the partition at once
  (CPUs, memory and GPUs), but no more than the largest number the scheduler gets at one
  stage; a multi-node job has its nodes to itself. Each allocation asks for what that many
  jobs need on a node: ``mem`` (the requirement's memory for one job), ``gres: gpu:N``
  and, for more than one CPU, ``ntasks_per_node`` (so that a cluster that hands out cores
  rather than whole nodes gives the job runner the CPUs).
* **Allocations**: the jobs of one stage, divided by what one allocation runs in its
  walltime (jobs per node times how many runtimes fit in the walltime), rounded up: one
  single-node allocation per node needed (Nx1), or, with ``--single-allocation``, one
  allocation of all those nodes (1xN) with one job runner per node.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from torc.hpc.matching import Need
from torc.hpc.model import Partition
from torc.hpc.units import format_walltime as hours_text
from torc_models.units import duration_seconds, memory_bytes

MIB = 1024**2
STRATEGIES = ("max-job-runtime", "max-partition-time")
GROUP_BY = ("resource-requirements", "partition")
START_SLACK_SECS = 60
"""Walltime beyond the longest runtime that every allocation gets at least."""


class GenerateError(ValueError):
    """The workflow or the options cannot be turned into Slurm schedulers; the message
    says which job or option and what to do."""


@dataclass(frozen=True)
class Requirement:
    """What one job of a group needs (a resource-requirements entry, or the maximum of
    several when jobs are grouped by partition)."""

    name: str
    cpus: int
    memory_mb: int
    runtime_secs: int
    gpus: int = 0
    nodes: int = 1

    @classmethod
    def parse(
        cls, name: str, cpus: int, memory: str, runtime: str, gpus: int = 0, nodes: int = 1
    ) -> Requirement:
        """From the spec's or the server's fields (memory ``8g``, runtime ``PT30M``)."""
        return cls(
            name,
            max(1, cpus),
            max(1, math.ceil(memory_bytes(memory) / MIB)),
            max(1, duration_seconds(runtime)),
            max(0, gpus),
            max(1, nodes),
        )

    @property
    def need(self) -> Need:
        return Need(self.cpus, self.memory_mb, self.runtime_secs, self.gpus, self.nodes)

    def describe(self) -> str:
        """``4 CPUs, 8g memory, 1 GPU, 1 node, runtime 30m``."""
        parts = [_count(self.cpus, "CPU"), f"{format_memory(self.memory_mb)} memory"]
        if self.gpus:
            parts.append(_count(self.gpus, "GPU"))
        parts += [_count(self.nodes, "node"), f"runtime {hours_text(self.runtime_secs)}"]
        return ", ".join(parts)


def combine(name: str, requirements: Iterable[Requirement]) -> Requirement:
    """The largest of each field: what every job of the group fits into."""
    items = list(requirements)
    return Requirement(
        name,
        max(r.cpus for r in items),
        max(r.memory_mb for r in items),
        max(r.runtime_secs for r in items),
        max(r.gpus for r in items),
        max(r.nodes for r in items),
    )


@dataclass(frozen=True)
class Sizing:
    """How to choose walltimes and allocation counts (the generation options)."""

    walltime_strategy: str = "max-job-runtime"
    walltime_multiplier: float = 1.5
    single_allocation: bool = False

    def check(self) -> None:
        if self.walltime_strategy not in STRATEGIES:
            raise GenerateError(
                f"unknown walltime strategy '{self.walltime_strategy}'; use "
                + " or ".join(STRATEGIES)
            )
        if not math.isfinite(self.walltime_multiplier) or self.walltime_multiplier < 1:
            raise GenerateError(
                f"--walltime-multiplier must be at least 1.0, not {self.walltime_multiplier:g}: "
                "a walltime shorter than the jobs' runtime would never run them"
            )

    def walltime_secs(self, requirement: Requirement, partition: Partition) -> int:
        limit = partition.max_walltime_secs
        if self.walltime_strategy == "max-partition-time":
            return limit
        runtime = requirement.runtime_secs
        wanted = max(runtime * self.walltime_multiplier, runtime + START_SLACK_SECS)
        return min(limit, math.ceil(wanted / 60) * 60)


def slots_per_node(partition: Partition, requirement: Requirement) -> int:
    """How many of the jobs fit on one node of the partition at once (at least 1)."""
    if requirement.nodes > 1:
        return 1
    fits = [
        partition.cpus_per_node // requirement.cpus,
        partition.memory_mb // requirement.memory_mb,
    ]
    if requirement.gpus:
        fits.append(partition.gpus_per_node // requirement.gpus)
    return max(1, min(fits))


@dataclass(frozen=True)
class Plan:
    """One generated scheduler: its partition, its jobs' needs and its allocation size."""

    name: str
    partition: Partition
    requirement: Requirement
    walltime_secs: int
    jobs_per_node: int
    single_allocation: bool = False

    @classmethod
    def make(
        cls,
        name: str,
        partition: Partition,
        requirement: Requirement,
        stage_sizes: Iterable[int],
        sizing: Sizing,
    ) -> Plan:
        largest = max(stage_sizes, default=1)
        per_node = min(slots_per_node(partition, requirement), max(1, largest))
        walltime = sizing.walltime_secs(requirement, partition)
        return cls(name, partition, requirement, walltime, per_node, sizing.single_allocation)

    @property
    def jobs_per_allocation(self) -> int:
        """Jobs one (single-node, or one multi-node job's) allocation runs in its walltime."""
        rounds = max(1, self.walltime_secs // self.requirement.runtime_secs)
        return self.jobs_per_node * rounds

    def units(self, jobs: int) -> int:
        """Nodes (sets of nodes, for multi-node jobs) that ``jobs`` jobs need."""
        return max(1, math.ceil(jobs / self.jobs_per_allocation))

    def allocations(self, jobs: int) -> int:
        """Allocations to submit for ``jobs`` jobs that become ready together."""
        return 1 if self.single_allocation else self.units(jobs)

    def nodes(self, largest_stage: int) -> int:
        """Nodes of each allocation: the job's nodes, times the units of the largest stage
        with ``--single-allocation``."""
        units = self.units(largest_stage) if self.single_allocation else 1
        return self.requirement.nodes * units

    def one_worker_per_node(self, largest_stage: int) -> bool:
        return (
            self.single_allocation and self.requirement.nodes == 1 and self.units(largest_stage) > 1
        )

    def fields(
        self, account: str, *, with_partition: bool, largest_stage: int
    ) -> dict[str, str | int]:
        """The scheduler as a spec's ``slurm_schedulers`` entry (unset fields left out)."""
        req, per_node = self.requirement, self.jobs_per_node
        fields: dict[str, str | int] = {"name": self.name, "account": account}
        if with_partition:
            fields["partition"] = self.partition.name
        fields["nodes"] = self.nodes(largest_stage)
        fields["walltime"] = format_walltime(self.walltime_secs)
        fields["mem"] = format_memory(req.memory_mb * per_node)
        if req.gpus:
            fields["gres"] = f"gpu:{req.gpus * per_node}"
        if req.cpus * per_node > 1:
            fields["ntasks_per_node"] = req.cpus * per_node
        return fields


def format_walltime(seconds: int) -> str:
    """``5400`` -> ``01:30:00`` (hours may exceed 24: ``48:00:00``)."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def format_memory(memory_mb: int) -> str:
    """Slurm memory: ``8192`` -> ``8g``, ``1536`` -> ``1536m`` (units of 1024, as torc's)."""
    return f"{memory_mb // 1024}g" if memory_mb % 1024 == 0 else f"{memory_mb}m"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... if taken; the result is taken from then on."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}_{number}"
    taken.add(candidate)
    return candidate
