"""The six packages build as separate wheels and their entry points answer."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = {
    "torc-models": "torc_models",
    "torc-server": "torc_server",
    "torc-client": "torc",
    "torc-dash": "torc_dash",
    "torc-mcp": "torc_mcp",
    "torc-slurm-runner": "torc_slurm_runner",
}


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_wheel_builds(package: str, tmp_path: Path) -> None:
    subprocess.run(
        ["uv", "build", "--package", package, "--wheel", "--out-dir", str(tmp_path), "--quiet"],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    wheels = list(tmp_path.glob("*.whl"))
    assert len(wheels) == 1, wheels
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert f"{PACKAGES[package]}/__init__.py" in names
    assert any(n.endswith("/METADATA") for n in names)


ENTRY_POINTS = [
    ["torc", "--help"],
    ["torc-server", "--help"],
    ["torc-server", "run", "--help"],
    ["torc-htpasswd", "--help"],
]


@pytest.mark.parametrize("command", ENTRY_POINTS, ids=" ".join)
def test_entry_points_answer(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_torc_version() -> None:
    import torc

    result = subprocess.run(["torc", "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == f"torc {torc.__version__}"
