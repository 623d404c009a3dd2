"""kill -9 of the server mid-run: runners ride it out and nothing acknowledged is lost."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.runner.runner_process import start_runner
from tests.server.driver import job_statuses, wait_for
from tests.server.helpers import workflow_of_commands

pytestmark = pytest.mark.drill


def test_runner_survives_server_restart(tmp_path: Path) -> None:
    database = tmp_path / "torc.db"
    server = ServerProcess(database, "--completion-check-interval-secs", "1")
    port = server.port
    api = server.api()
    marks = tmp_path / "marks"
    marks.mkdir()
    commands = [f"sleep 0.02; echo x >> {marks}/{i}" for i in range(300)]
    w = workflow_of_commands(api, "restart", commands)
    runner = start_runner(server.url, w, tmp_path / "out")
    wait_for(lambda: api.list_results(w).total_count >= 50, timeout=60, what="50 results")
    acknowledged = {r.job_id for r in api.list_results(w, limit=10_000).items}
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()

    restarted = ServerProcess(database, "--completion-check-interval-secs", "1", port=port)
    try:
        _, err = runner.communicate(timeout=180)
        assert runner.returncode == 0, err
        api = restarted.api()
        assert set(job_statuses(api, w).values()) == {"completed"}
        results = api.list_results(w, limit=10_000).items
        assert acknowledged <= {r.job_id for r in results}, "an acknowledged result went missing"
        assert len(results) == 300 and len({r.job_id for r in results}) == 300
        assert len(list(marks.iterdir())) == 300
    finally:
        restarted.stop()


def test_downtime_longer_than_the_runner_timeout_kills_no_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runners retrying through an outage were silent only because the server was down."""
    timeout = 2
    monkeypatch.setenv("TORC_RUNNER_TIMEOUT_SECS", str(timeout))
    database = tmp_path / "torc.db"
    server = ServerProcess(database, "--completion-check-interval-secs", "1")
    api = server.api()
    w = workflow_of_commands(api, "outage", ["sleep 0.1"] * 40)
    runner = start_runner(server.url, w, tmp_path / "out")
    wait_for(lambda: api.list_results(w).total_count >= 4, timeout=60, what="4 results")
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    time.sleep(timeout + 1)  # the outage itself: longer than the runner timeout

    restarted = ServerProcess(database, "--completion-check-interval-secs", "1", port=server.port)
    try:
        _, err = runner.communicate(timeout=120)
        assert runner.returncode == 0, err
        api = restarted.api()
        lost = api.list_events(w, category="compute_node").items
        assert not [
            e for e in lost if isinstance(e.data, dict) and e.data.get("type") == "runner_lost"
        ]
        results = api.list_results(w, limit=1000).items
        assert sorted(r.job_id for r in results) == sorted({r.job_id for r in results})
        assert len(results) == 40
    finally:
        restarted.stop()
