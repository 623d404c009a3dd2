"""Many runner processes against one server: every job runs exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.server.driver import Driver, job_statuses, wait_for
from torc.api import TorcApi

pytestmark = pytest.mark.drill

WORKER = Path(__file__).with_name("claim_worker.py")


def test_eight_processes_complete_5000_jobs_exactly_once(
    torc_server: ServerProcess, api: TorcApi
) -> None:
    w = api.create_workflow(m.WorkflowModel(name="concurrent", user="tester")).id
    assert w is not None
    first = [m.JobModel(workflow_id=w, name=f"a{i}", command="true") for i in range(2500)]
    ids = [j.id for j in api.create_jobs(m.JobsModel(jobs=first)).jobs or []]
    barrier = api.create_job(
        m.JobModel(workflow_id=w, name="barrier", command="true", depends_on_job_ids=ids)
    )
    second = [
        m.JobModel(workflow_id=w, name=f"b{i}", command="true", depends_on_job_ids=[barrier.id])
        for i in range(2499)
    ]
    api.create_jobs(m.JobsModel(jobs=second))
    api.initialize_jobs(w)

    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), torc_server.url, str(w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
        assert "database is locked" not in stderr
    completed = Counter(int(line) for stdout, _ in outputs for line in stdout.split())
    assert len(completed) == 5000 and set(completed.values()) == {1}
    results = Counter(r.job_id for r in _all_results(api, w))
    assert len(results) == 5000 and set(results.values()) == {1}
    assert set(job_statuses(api, w).values()) == {"completed"}


def _all_results(api: TorcApi, workflow_id: int) -> list[m.ResultModel]:
    items: list[m.ResultModel] = []
    while True:
        page = api.list_results(workflow_id, offset=len(items))
        items += page.items
        if not page.has_more:
            return items


def test_dependent_is_ready_within_milliseconds_not_the_interval(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "slow.db", "--completion-check-interval-secs", "3600")
    try:
        api = server.api()
        w = api.create_workflow(m.WorkflowModel(name="latency", user="tester")).id
        assert w is not None
        a = api.create_job(m.JobModel(workflow_id=w, name="a", command="true"))
        api.create_job(
            m.JobModel(workflow_id=w, name="b", command="true", depends_on_job_ids=[a.id])
        )
        api.initialize_jobs(w)
        driver = Driver(api, w)
        (claimed,) = driver.claim()
        driver.finish(claimed)
        ready = wait_for(lambda: api.claim_next_jobs(w, limit=1).jobs, timeout=5, what="b ready")
        assert ready[0].name == "b"
    finally:
        server.stop()
