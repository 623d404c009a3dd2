"""Shared by the benchmark scripts: machine facts, a private server, result files."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    return {
        "host": platform.node(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
    }


def record(benchmark: str, figures: dict[str, Any]) -> None:
    """Append one JSON line with the figures and the machine they were measured on."""
    RESULTS.mkdir(exist_ok=True)
    line = {
        "benchmark": benchmark,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **figures,
        "machine": machine(),
    }
    with (RESULTS / f"{benchmark}.jsonl").open("a") as handle:
        handle.write(json.dumps(line) + "\n")


def user_env(**extra: str) -> dict[str, str]:
    """The environment for a torc process, as on a user's machine: Python caches bytecode
    (some shells here set PYTHONDONTWRITEBYTECODE, which recompiles torc at every start)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


@contextmanager
def server(*args: str, database: str | None = None) -> Iterator[tuple[str, psutil.Process]]:
    """A ``torc-server`` on a free port and a fresh SQLite file; yields (URL, process)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            "-m",
            "torc_server.cli",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--log-level",
            "warn",
            "--database",
            database or str(Path(tmp) / "bench.db"),
            *args,
        ]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        port = proc.stdout.readline().strip().split("=", 1)[1]
        try:
            yield f"http://127.0.0.1:{port}/torc-service/v1", psutil.Process(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
