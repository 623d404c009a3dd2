"""Fixtures for the CLI tests: one real server per module and ``torc`` as a subprocess.

Commands run exactly as a user runs them: the ``torc`` console script in a child process,
with no terminal on stdin (so nothing prompts), no COLUMNS (so tables take their natural
width), a fixed ``USER`` and a private HOME and working directory (so no configuration
file of the machine leaks in).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerProcess
from torc.api import TorcApi

GOLDEN = Path(__file__).parent / "golden"
USER = "tester"
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
DROPPED_ENV = ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")


@dataclass
class Torc:
    """Runs ``torc --url <server> ...`` and checks the exit code."""

    url: str
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in DROPPED_ENV and not k.startswith("TORC_")
        }
        env.update(USER=USER, HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / ".config"))
        return {**env, **extra}

    def __call__(
        self,
        *args: str,
        expect: int = 0,
        input: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["torc", "--log-level", "warn", "--url", self.url, *args],
            capture_output=True,
            text=True,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            env=self.env(**(env or {})),
            cwd=self.home,
            timeout=120,
        )
        assert result.returncode == expect, (
            f"torc {' '.join(args)} exited {result.returncode}, expected {expect}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return json.loads(self("-f", "json", *args, env=env).stdout)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the whole module: starting one takes seconds."""
    process = ServerProcess(
        tmp_path_factory.mktemp("server") / "torc.db", "--completion-check-interval-secs", "1"
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[TorcApi]:
    client = server.api()
    yield client
    client.close()


@pytest.fixture(scope="module")
def torc(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Torc:
    return Torc(server.url, tmp_path_factory.mktemp("home"))


def mask(text: str) -> str:
    """Timestamps become ``<TIME>`` padded to their width, so tables keep their shape."""
    return ISO_TIME.sub(lambda match: "<TIME>".ljust(len(match.group())), text)


def mask_json(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: "<TIME>" if k in TIME_KEYS and v else mask_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_json(item) for item in data]
    return data


TIME_KEYS = {
    "timestamp",
    "completion_time",
    "start_time",
    "exported_at",
    "st_mtime",
    "walltime_seconds",  # measured up to now while a runner is active
}


def check_golden(name: str, text: str) -> None:
    """Compare with ``golden/<name>``; ``TORC_UPDATE_GOLDEN=1`` rewrites the file."""
    path = GOLDEN / name
    masked = mask(text)
    if os.environ.get("TORC_UPDATE_GOLDEN"):
        path.write_text(masked)
    assert path.exists(), f"missing golden file {path}; run with TORC_UPDATE_GOLDEN=1"
    assert masked == path.read_text(), f"output differs from {path}"


def check_golden_json(name: str, data: Any) -> None:
    check_golden(name, json.dumps(mask_json(data), indent=2, sort_keys=True) + "\n")
