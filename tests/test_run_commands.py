"""``torc run``, ``torc exec`` and standalone mode, as a user types them."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def torc(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    env["XDG_CONFIG_HOME"] = str(cwd / ".config")
    return subprocess.run(
        ["torc", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def jobs_in(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as conn:
        return dict(conn.execute("SELECT name, status FROM job").fetchall())


def test_standalone_run_of_the_diamond(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    result = torc("-s", "run", "examples/yaml/diamond_workflow.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "4 completed, 0 failed" in result.stdout
    output = (tmp_path / "torc_output" / "diamond" / "output.txt").read_text().splitlines()
    assert output[0].split() == ["apple", "brown"]
    assert set(jobs_in(tmp_path / "torc_output" / "torc.db").values()) == {5}, "all completed"
    assert list((tmp_path / "output" / "job_stdio").glob("job_wf1_j*_r1_a1.o"))
    listing = torc("-s", "-f", "json", "jobs", "list", "1", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert '"completed"' in listing.stdout


def test_exec_in_memory_leaves_a_readable_database(tmp_path: Path) -> None:
    (tmp_path / "commands.txt").write_text("# make three files\ntouch a\ntouch b\n\ntouch c\n")
    result = torc(
        "-s", "--in-memory", "exec", "-C", "commands.txt", "-j", "2", "echo inline", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert all((tmp_path / name).exists() for name in "abc")
    jobs = jobs_in(tmp_path / "torc_output" / "torc.db")
    assert len(jobs) == 4 and set(jobs.values()) == {5}


def test_in_memory_is_refused_for_other_commands(tmp_path: Path) -> None:
    result = torc("-s", "--in-memory", "workflows", "list", cwd=tmp_path)
    assert result.returncode == 1
    assert "--in-memory works only with run and exec" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_jobs_make_run_exit_1(tmp_path: Path) -> None:
    result = torc("-s", "exec", "true", "exit 3", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 completed, 1 failed" in result.stdout
