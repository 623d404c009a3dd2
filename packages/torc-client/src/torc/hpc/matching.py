"""Which partitions of a profile can run a job, best first (``torc hpc match`` and the
scheduler generation of ``torc slurm generate``/``regenerate``).

The rules, in order:

1. A partition fits when each node has at least the CPUs, memory and GPUs asked for and
   its walltime limit covers the runtime; a multi-node need must reach the partition's
   ``min_nodes``. ``requires_explicit_request`` partitions are never chosen here.
2. A GPU job only fits GPU partitions. A CPU-only job goes to CPU partitions and falls
   back to GPU partitions only when no CPU partition fits, so that GPUs are not held idle.
3. Debug partitions are used only when nothing else fits (they are for quick tests).
4. Among the rest, the best fit: an exact fit of the resources first, then the smallest
   node (fewest GPUs, then least memory, then fewest CPUs: the least left idle), then
   the shortest walltime limit (the queue that schedules soonest), then non-shared over
   shared, then the profile's own order (general partitions are listed first).

Node size ranks above walltime so that a 16 GB job is not sent to a 1 TB node merely
because that queue's limit is shorter; walltime ranks above sharing because, of two
equal nodes, a short job belongs in the short (even if shared) queue: the custom profile
tutorial expects ``--cpus 8 --memory 16g --walltime 2h`` to pick the shared 4-hour
``short`` over the exclusive 72-hour ``batch``.
"""

from __future__ import annotations

from dataclasses import dataclass

from torc.hpc.model import HpcProfile, Partition


@dataclass(frozen=True)
class Need:
    """One job's (or one group of jobs') requirements, per node."""

    cpus: int
    memory_mb: int
    runtime_secs: int
    gpus: int = 0
    nodes: int = 1


def fits(partition: Partition, need: Need) -> bool:
    """Whether the partition's limits cover the need (rule 1, without the GPU-kind rule)."""
    return (
        partition.cpus_per_node >= need.cpus
        and partition.memory_mb >= need.memory_mb
        and partition.gpus_per_node >= need.gpus
        and partition.max_walltime_secs >= need.runtime_secs
        and (partition.min_nodes is None or need.nodes >= partition.min_nodes)
    )


def _tier(partition: Partition, need: Need) -> int:
    """0 for the partitions a job belongs on; higher tiers are fallbacks (rules 2 and 3)."""
    wrong_kind = need.gpus == 0 and partition.is_gpu
    return 2 * int(wrong_kind) + int(partition.is_debug)


def _is_exact(partition: Partition, need: Need) -> bool:
    return (
        partition.cpus_per_node == need.cpus
        and partition.memory_mb == need.memory_mb
        and partition.gpus_per_node == need.gpus
    )


def _rank(
    partition: Partition, need: Need, index: int
) -> tuple[bool, int, int, int, int, bool, int]:
    return (
        not _is_exact(partition, need),
        partition.gpus_per_node,
        partition.memory_mb,
        partition.cpus_per_node,
        partition.max_walltime_secs,
        partition.shared,
        index,
    )


def matching_partitions(profile: HpcProfile, need: Need) -> list[Partition]:
    """The partitions that can run ``need``, best first; empty when none can.

    Only the best tier is returned: debug or wrong-kind partitions appear only when no
    better partition fits at all.
    """
    candidates = [
        (index, p)
        for index, p in enumerate(profile.partitions)
        if not p.requires_explicit_request
        and fits(p, need)
        and not (need.gpus > 0 and not p.is_gpu)
    ]
    if not candidates:
        return []
    best_tier = min(_tier(p, need) for _, p in candidates)
    chosen = [(i, p) for i, p in candidates if _tier(p, need) == best_tier]
    return [p for i, p in sorted(chosen, key=lambda item: _rank(item[1], need, item[0]))]


def best_partition(profile: HpcProfile, need: Need) -> Partition | None:
    """The first of :func:`matching_partitions`, or ``None`` ("No partition found for job")."""
    found = matching_partitions(profile, need)
    return found[0] if found else None
