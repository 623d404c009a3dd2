"""The published ``torc-client`` releases, each installed from PyPI into its own virtualenv
once per machine (cached under the temporary directory), and a runner for scenario scripts."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CACHE = Path(tempfile.gettempdir()) / "torc-published-clients"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
PROBE = "import importlib.metadata as m, torc.openapi_client; print(m.version('torc-client'))"
SCENARIO_TIMEOUT = 120
INSTALL_TIMEOUT = 600


def clean_env() -> dict[str, str]:
    """The environment without the workspace's virtualenv, so neither uv nor the clients'
    interpreter picks up the project's own ``torc`` package."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["UV_COMPILE_BYTECODE"] = "0"  # plotly's thousands of modules, mostly never imported
    return env


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One installer per version at a time, should two sessions start together."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _installed(python: Path) -> str | None:
    if not python.exists():
        return None
    probe = subprocess.run(
        [str(python), "-c", PROBE], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def _run(command: list[str]) -> None:
    done = subprocess.run(
        command, capture_output=True, text=True, env=clean_env(), cwd=CACHE, timeout=INSTALL_TIMEOUT
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


@dataclass(frozen=True)
class PublishedClient:
    """One release's virtualenv; :meth:`run` executes a scenario script with its interpreter."""

    version: str
    python: Path

    def run(self, scenario: str, url: str) -> dict[str, Any]:
        command = [str(self.python), str(SCENARIOS / f"{scenario}.py"), url]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=clean_env(),
                cwd=SCENARIOS,
                timeout=SCENARIO_TIMEOUT,
            )
        except subprocess.TimeoutExpired as expired:
            pytest.fail(f"{scenario} with torc-client {self.version} ran over {expired.timeout} s")
        lines = done.stdout.strip().splitlines()
        failed = (line for line in lines if line.startswith("FAILED "))
        headline = next(failed, f"{scenario} exited {done.returncode}")
        report = f"{headline}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr[-6000:]}"
        if done.returncode != 0 or not lines:
            pytest.fail(report, pytrace=False)
        summary: dict[str, Any] = json.loads(lines[-1])
        return summary


def install(version: str) -> PublishedClient:
    """The cached virtualenv when it imports the right release, else a fresh one from PyPI."""
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / version
    python = target / "bin" / "python"
    with _locked(CACHE / f"{version}.lock"):
        if _installed(python) != version:
            shutil.rmtree(target, ignore_errors=True)
            _run([*_uv(), "venv", "--quiet", "--python", "3.11", str(target)])
            requirement = f"torc-client=={version}"
            _run([*_uv(), "pip", "install", "--quiet", "--python", str(python), requirement])
            found = _installed(python)
            if found != version:
                raise RuntimeError(f"{target} imports torc-client {found!r}, not {version}")
    return PublishedClient(version, python)


@pytest.fixture(scope="session")
def published_client(request: pytest.FixtureRequest) -> PublishedClient:
    """Parametrized indirectly with a release number such as ``"0.35.0"``."""
    version: str = request.param
    return install(version)
