"""kill -9 of the server mid-run: runners ride it out and nothing acknowledged is lost."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.runner.runner_process import start_runner
from tests.server.driver import job_statuses, wait_for

pytestmark = pytest.mark.drill


def test_runner_survives_server_restart(tmp_path: Path) -> None:
    database = tmp_path / "torc.db"
    server = ServerProcess(database, "--completion-check-interval-secs", "1")
    port = server.port
    api = server.api()
    created = api.create_workflow(m.WorkflowModel(name="restart", user="tester"))
    assert created.id is not None
    w = created.id
    marks = tmp_path / "marks"
    marks.mkdir()
    jobs = [
        m.JobModel(workflow_id=w, name=f"j{i}", command=f"sleep 0.02; echo x >> {marks}/{i}")
        for i in range(300)
    ]
    api.create_jobs(m.JobsModel(jobs=jobs))
    api.initialize_jobs(w)
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
    created = api.create_workflow(m.WorkflowModel(name="outage", user="tester"))
    assert created.id is not None
    w = created.id
    jobs = [m.JobModel(workflow_id=w, name=f"j{i}", command="sleep 0.1") for i in range(40)]
    api.create_jobs(m.JobsModel(jobs=jobs))
    api.initialize_jobs(w)
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
