"""The raised requirements of ``torc recover``: units kept, peaks used, partitions cap."""

from __future__ import annotations

import pytest

from torc.hpc.matching import Need
from torc.hpc.model import HpcProfile, Partition
from torc.recovery.sizing import over_limit, raise_memory, raise_runtime

MIB = 1024**2


@pytest.mark.parametrize(
    ("current", "peak", "expected"),
    [
        ("8g", None, "12g"),  # the seed's example
        ("8G", None, "12G"),
        ("1g", None, "1.5g"),
        ("3g", None, "4.5g"),
        ("100m", 200 * MIB, "240m"),  # the peak x 1.2 asks for more than 150m
        ("8g", 8 * 1024 * MIB, "12g"),  # killed at its limit: the multiplier decides
        ("1000", None, "1500"),
    ],
)
def test_memory_keeps_its_unit(current: str, peak: int | None, expected: str) -> None:
    assert raise_memory(current, 1.5, peak) == expected


@pytest.mark.parametrize(
    ("current", "expected"),
    [("PT1H", "PT1H24M"), ("PT4S", "PT6S"), ("P1D", "P1DT9H36M"), ("PT30M", "PT42M")],
)
def test_runtime_is_iso_8601(current: str, expected: str) -> None:
    assert raise_runtime(current, 1.4) == expected


def test_cap_names_the_largest_partition_for_the_other_needs() -> None:
    profile = HpcProfile(
        "site",
        "Site",
        (
            Partition("short", 8, 16 * 1024, 3600),
            Partition("long", 8, 64 * 1024, 86400),
            Partition("wide", 64, 512 * 1024, 86400),
        ),
    )
    assert over_limit(profile, Need(8, 60 * 1024, 3600)) is None
    assert over_limit(profile, Need(8, 100 * 1024, 7200)) is None  # "wide" runs it
    limit = over_limit(profile, Need(8, 1024 * 1024, 3600))
    assert limit is not None and limit.field == "memory" and limit.largest is not None
    assert limit.largest.name == "wide"
    assert "wide" in limit.describe(profile) and "512 GB" in limit.describe(profile)
    limit = over_limit(profile, Need(8, 1024, 200000))
    assert limit is not None and limit.field == "runtime"
