"""``--memory`` and ``--walltime`` as ``torc hpc match`` reads them, and the sizes and
durations its tables show."""

from __future__ import annotations

import pytest

from torc.hpc.units import format_memory, format_walltime, parse_memory_mb, parse_walltime_secs


@pytest.mark.parametrize(
    ("text", "mb"),
    [("16g", 16384), ("16G", 16384), ("512m", 512), ("1t", 1024**2), ("2048k", 2), ("2000", 2000)],
)
def test_memory(text: str, mb: int) -> None:
    assert parse_memory_mb(text) == mb


@pytest.mark.parametrize(
    ("text", "secs"),
    [
        ("04:00:00", 14400),
        ("1:00:00", 3600),
        ("2-00:00:00", 172800),
        ("4h", 14400),
        ("30m", 1800),
        ("3600s", 3600),
        ("1.5h", 5400),
        ("2d", 172800),
    ],
)
def test_walltime(text: str, secs: int) -> None:
    assert parse_walltime_secs(text) == secs


@pytest.mark.parametrize("text", ["", "lots", "12x", "-5g", "0", "g"])
def test_bad_memory(text: str) -> None:
    with pytest.raises(ValueError, match="invalid memory"):
        parse_memory_mb(text)


@pytest.mark.parametrize("text", ["", "soon", "4 hours", "0h", "UNLIMITED", "1:2:3:4"])
def test_bad_walltime(text: str) -> None:
    with pytest.raises(ValueError, match="invalid walltime"):
        parse_walltime_secs(text)


def test_formats_of_the_manual() -> None:
    assert format_memory(240 * 1024) == "240 GB"
    assert format_memory(192000) == "192 GB"
    assert format_memory(1048576) == "1024 GB"
    assert format_memory(24105) == "23.5 GB"
    assert [format_walltime(h * 3600) for h in (1, 4, 48, 72)] == ["1h", "4h", "48h", "72h"]
    assert format_walltime(5400) == "1h30m"
