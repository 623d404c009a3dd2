"""Fixtures of the HPC profile tests: the tutorial's configuration file, read through
``TORC_CONFIG`` from a private working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hpc.helpers import RESEARCH_TOML, WriteConfig
from torc.config import Config, load_config


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory and HOME of the test's own, with no detection variables."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    for name in ("TORC_CONFIG", "NREL_CLUSTER", "CLUSTER_NAME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def write_config(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> WriteConfig:
    """``write_config(text)`` writes a configuration file, points TORC_CONFIG at it and
    returns the loaded configuration."""

    def write(text: str, name: str = "custom.toml") -> Config:
        path = isolated / name
        path.write_text(text)
        monkeypatch.setenv("TORC_CONFIG", str(path))
        return load_config({})

    return write


@pytest.fixture
def research_file(isolated: Path) -> Path:
    path = isolated / "research.toml"
    path.write_text(RESEARCH_TOML)
    return path


@pytest.fixture
def research(research_file: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("TORC_CONFIG", str(research_file))
    return load_config({})
