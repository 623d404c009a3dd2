"""Helpers for the server-operations tests: the CLI as a subprocess, waiting, SQLite reads."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "torc_server.cli"]


def torc_server(
    *args: str | Path | int, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``torc-server ARGS`` to completion; ``env`` is added to the environment."""
    return subprocess.run(
        [*CLI, *map(str, args)],
        capture_output=True, text=True, timeout=60, cwd=cwd, env={**os.environ, **(env or {})},
    )  # fmt: skip


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll ``condition`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows from a SQLite file opened read-only (reading must not create journal files)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def column(path: Path, sql: str, *params: Any) -> list[Any]:
    return [row[0] for row in query(path, sql, *params)]


def workflow_ids(path: Path) -> list[int]:
    return column(path, "SELECT id FROM workflow ORDER BY id")


def process_gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie counts as exited: it no longer serves)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state in ("Z", "X")
