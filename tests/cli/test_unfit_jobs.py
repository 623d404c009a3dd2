"""Jobs that can never fit this runner: named once with the server's reason, and
``torc run`` ends with a clear error instead of idling once nothing else can run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

COMPLETED, READY, BLOCKED = 5, 2, 1


def run_spec(tmp_path: Path, text: str, *options: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "spec.yaml").write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / ".config")
    return subprocess.run(
        ["torc", "-s", "--db", "run.db", "run", *options, "spec.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # an idling runner would never end; this fails it instead of hanging
    )


def statuses(tmp_path: Path) -> dict[str, int]:
    with sqlite3.connect(tmp_path / "run.db") as conn:
        return dict(conn.execute("SELECT name, status FROM job"))


SPEC = """
name: unfit
resource_requirements:
  - {name: huge, num_cpus: 4096, memory: 1g, runtime: PT1M}
  - {name: cluster, num_cpus: 1, num_nodes: 2, memory: 1m, runtime: PT1M}
jobs:
  - {name: small_1, command: "echo 1"}
  - {name: small_2, command: "echo 2", depends_on: [small_1]}
  - {name: big, command: "echo big", resource_requirements: huge}
  - {name: wide, command: "echo wide", resource_requirements: cluster}
  - {name: after_big, command: "echo after", depends_on: [big]}
"""


def test_unfit_jobs_are_named_and_the_run_ends_with_the_reason(tmp_path: Path) -> None:
    done = run_spec(tmp_path, SPEC)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    # Each unfit job is named once, with what it needs and what this node has.
    assert done.stderr.count("(big) needs 4096 CPUs (this node has") == 2  # warning + error
    assert done.stderr.count("(wide) needs 2 nodes (this runner has 1)") == 2
    assert "cannot finish on this node" in done.stderr
    # Everything that could run here did; the rest is left as it was, not failed.
    jobs = statuses(tmp_path)
    assert jobs["small_1"] == jobs["small_2"] == COMPLETED
    assert jobs["big"] == jobs["wide"] == READY
    assert jobs["after_big"] == BLOCKED


def test_a_job_that_fits_after_all_runs(tmp_path: Path) -> None:
    """--num-cpus makes the node big enough: the same spec then completes."""
    fitting = SPEC.replace("num_cpus: 4096", "num_cpus: 3").replace("num_nodes: 2", "num_nodes: 1")
    done = run_spec(tmp_path, fitting, "--num-cpus", "3")
    assert done.returncode == 0, done.stderr
    assert "cannot run here" not in done.stderr
    assert set(statuses(tmp_path).values()) == {COMPLETED}
