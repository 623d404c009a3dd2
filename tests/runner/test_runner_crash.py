"""kill -9 of a job runner: the server notices and another runner finishes the workflow."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import psutil
import pytest

from tests.conftest import ServerProcess
from tests.runner.runner_process import start_runner
from tests.server.driver import job_statuses, wait_for
from tests.server.helpers import workflow_of_commands
from torc.api import TorcApi

pytestmark = pytest.mark.drill


def crash(proc: subprocess.Popen[str]) -> None:
    """What a node failure does: the runner and its jobs vanish at once."""
    groups = {os.getpgid(child.pid) for child in psutil.Process(proc.pid).children(recursive=True)}
    proc.send_signal(signal.SIGKILL)
    for group in groups:
        os.killpg(group, signal.SIGKILL)
    proc.wait()


def test_dead_runner_jobs_go_back_to_ready(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    w = workflow_of_commands(api, "crash", ["sleep 1"] * 4)
    first = start_runner(torc_server.url, w, tmp_path / "a")
    wait_for(
        lambda: Counter(job_statuses(api, w).values()).get("running") == 2,
        timeout=30,
        what="two running jobs",
    )
    crash(first)

    second = start_runner(torc_server.url, w, tmp_path / "b")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert set(job_statuses(api, w).values()) == {"completed"}
    assert json.loads(out)["completed"] >= 2, "the jobs the dead runner held ran again"
    lost = [
        e
        for e in api.list_events(w, category="compute_node").items
        if isinstance(e.data, dict) and e.data.get("type") == "runner_lost"
    ]
    assert len(lost) == 1 and lost[0].data["jobs_released"] >= 2
    nodes = api.list_compute_nodes(w).items
    assert not any(node.is_active for node in nodes)
