"""The partition matcher (seed §2.O) on the built-in Kestrel profile and on the tutorial's
"research" custom profile, with the answers the manual expects."""

from __future__ import annotations

import pytest

from torc.config import Config
from torc.hpc.kestrel import kestrel_profile
from torc.hpc.matching import Need, best_partition, matching_partitions
from torc.hpc.model import HpcProfile, Partition
from torc.hpc.profiles import get_profile
from torc.hpc.units import parse_memory_mb, parse_walltime_secs

KESTREL = kestrel_profile()
HOUR = 3600
GB = 1024


def need(cpus: int, memory: str, walltime: str, gpus: int = 0, nodes: int = 1) -> Need:
    return Need(cpus, parse_memory_mb(memory), parse_walltime_secs(walltime), gpus, nodes)


def names(profile: HpcProfile, wanted: Need) -> list[str]:
    return [p.name for p in matching_partitions(profile, wanted)]


@pytest.mark.parametrize(
    ("wanted", "best"),
    [
        (need(8, "16g", "2h"), "short"),
        (need(16, "64g", "8h", gpus=2), "gpu"),
        (need(24, "512g", "24h"), "himem"),
    ],
)
def test_tutorial_expectations(research: Config, wanted: Need, best: str) -> None:
    found = best_partition(get_profile("research", research), wanted)
    assert found is not None and found.name == best


def test_research_matches_are_ranked(research: Config) -> None:
    profile = get_profile("research", research)
    assert names(profile, need(8, "16g", "2h")) == ["short", "batch", "himem"]
    assert names(profile, need(8, "16g", "10h")) == ["batch", "himem"]  # not the 1 TB nodes
    assert names(profile, need(8, "16g", "60h")) == ["batch"]
    assert names(profile, need(64, "16g", "1h")) == []


@pytest.mark.parametrize(
    ("wanted", "best"),
    [
        (need(32, "64g", "2h"), "short"),
        (need(4, "1g", "30m"), "short"),  # debug fits too, but is kept for testing
        (need(104, "200g", "24h"), "standard"),
        (need(32, "400g", "24h"), "medmem"),
        (need(32, "1000g", "24h"), "bigmem"),
        (need(32, "64g", "100h"), "long"),
        (need(32, "64g", "2h", gpus=2), "gpu-h100"),
        (need(120, "64g", "2h"), "gpu-h100"),  # no CPU partition has 120 cores
    ],
)
def test_kestrel_best_partition(wanted: Need, best: str) -> None:
    found = best_partition(KESTREL, wanted)
    assert found is not None and found.name == best


def test_kestrel_gpu_jobs_only_on_gpu_partitions() -> None:
    assert names(KESTREL, need(1, "1g", "1h", gpus=1)) == ["gpu-h100"]
    assert names(KESTREL, need(1, "1g", "1h", gpus=5)) == []


def test_kestrel_cpu_jobs_stay_off_gpu_partitions() -> None:
    assert "gpu-h100" not in names(KESTREL, need(1, "1g", "1h"))


def test_kestrel_min_nodes() -> None:
    assert "hbw" not in names(KESTREL, need(1, "1g", "2h", nodes=9))
    assert "hbw" in names(KESTREL, need(1, "1g", "2h", nodes=10))


def test_kestrel_no_match() -> None:
    assert best_partition(KESTREL, need(104, "3t", "1h")) is None
    assert best_partition(KESTREL, need(1, "1g", "300h")) is None


def partition(
    name: str,
    cpus: int = 8,
    memory_mb: int = 8000,
    hours: int = 4,
    *,
    shared: bool = False,
    requires_explicit_request: bool = False,
) -> Partition:
    return Partition(
        name,
        cpus,
        memory_mb,
        hours * HOUR,
        shared=shared,
        requires_explicit_request=requires_explicit_request,
    )


def test_debug_only_when_nothing_else_fits() -> None:
    profile = HpcProfile(
        "p", "P", (partition("debug", cpus=64, hours=1), partition("work", cpus=8, hours=8))
    )
    assert names(profile, need(4, "1g", "30m")) == ["work"]
    assert names(profile, need(32, "1g", "30m")) == ["debug"]


def test_explicit_request_partitions_are_never_chosen() -> None:
    profile = HpcProfile(
        "p",
        "P",
        (partition("priority", hours=1, requires_explicit_request=True), partition("normal")),
    )
    assert names(profile, need(1, "1g", "30m")) == ["normal"]
    alone = HpcProfile("q", "Q", (partition("priority", requires_explicit_request=True),))
    assert best_partition(alone, need(1, "1g", "30m")) is None


def test_exact_fit_first_then_non_shared() -> None:
    profile = HpcProfile(
        "p",
        "P",
        (
            partition("roomy", cpus=64, hours=2),
            partition("exact", cpus=8, memory_mb=8000, hours=48),
            partition("shared", cpus=16, hours=2, shared=True),
            partition("exclusive", cpus=16, hours=2),
        ),
    )
    assert names(profile, Need(8, 8000, HOUR)) == ["exact", "exclusive", "shared", "roomy"]
