"""kill -9 of the server loses nothing it acknowledged, and restarts where it stopped."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.server.driver import Driver, job_statuses

pytestmark = pytest.mark.drill


def test_acknowledged_completions_survive_kill_9(tmp_path: Path) -> None:
    database = tmp_path / "durable.db"
    server = ServerProcess(database, "--completion-check-interval-secs", "3600")
    api = server.api()
    w = api.create_workflow(m.WorkflowModel(name="durable", user="tester")).id
    assert w is not None
    first = (
        api.create_jobs(
            m.JobsModel(
                jobs=[m.JobModel(workflow_id=w, name=f"a{i}", command="true") for i in range(50)]
            )
        ).jobs
        or []
    )
    api.create_job(
        m.JobModel(
            workflow_id=w, name="last", command="true", depends_on_job_ids=[j.id for j in first]
        )
    )
    api.initialize_jobs(w)
    driver = Driver(api, w)
    acknowledged = [driver.finish(job).name for job in driver.claim(expect=50)]
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()

    restarted = ServerProcess(database, "--completion-check-interval-secs", "3600")
    try:
        api = restarted.api()
        statuses = job_statuses(api, w)
        assert all(statuses[name] == "completed" for name in acknowledged)
        assert api.list_results(w).total_count == 50
        # completions acknowledged before the crash still unblock their dependents
        (last,) = Driver(api, w).claim()
        assert last.name == "last"
    finally:
        restarted.stop()
