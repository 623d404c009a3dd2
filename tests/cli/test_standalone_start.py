"""Standalone mode starts its private server before anything else and never leaves it
behind: not when the command is mistyped, not when its database cannot be made."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psutil


def torc(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / ".config")
    return subprocess.run(
        ["torc", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


def servers_on(database: Path) -> list[int]:
    """PIDs of torc-server processes serving ``database``."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "torc-server" in cmdline and str(database) in cmdline:
            found.append(proc.info["pid"])
    return found


def test_a_mistyped_command_stops_the_server_started_for_it(tmp_path: Path) -> None:
    result = torc(tmp_path, "-s", "--db", "mine.db", "no-such-command")
    assert result.returncode == 2 and "No such command" in result.stderr
    assert servers_on(tmp_path / "mine.db") == []


def test_a_command_in_standalone_mode_leaves_no_server(tmp_path: Path) -> None:
    result = torc(tmp_path, "-s", "--db", "mine.db", "-f", "json", "workflows", "list")
    assert result.returncode == 0, result.stderr
    assert '"workflows": []' in result.stdout
    assert servers_on(tmp_path / "mine.db") == []


def test_a_database_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = torc(tmp_path, "-s", "--db", str(blocker / "torc.db"), "run", "1")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: cannot create the folder of the database {blocker}/torc.db:")
    assert line.endswith("; choose another --db")
