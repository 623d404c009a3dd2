"""16 runner processes (``torc workflows run``) against one server, 20,000 jobs.

Each job appends its ID to one shared file, so a job that ran twice (two runners handed
the same job) or never shows up there, whatever the server's tables say.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.server.driver import job_statuses
from torc.api import TorcApi

pytestmark = [pytest.mark.slow, pytest.mark.drill]
RUNNERS = 16
STAGES = 2
PER_STAGE = 10_000
TORC = [sys.executable, "-c", "from torc.cli.app import main; main()"]
ONE_AT_A_TIME = ["--max-parallel-jobs", "1", "-p", "1"]


def _create(api: TorcApi, marks: Path) -> int:
    """Two stages of 10,000 jobs with a barrier job between them (seed 004's shape)."""
    created = api.create_workflow(m.WorkflowModel(name="many_runners", user="tester"))
    assert created.id is not None
    w = created.id
    gate: int | None = None
    for stage in range(STAGES):
        jobs = [
            m.JobModel(
                workflow_id=w,
                name=f"s{stage}_{i}",
                command=f'echo "$TORC_JOB_ID" >> {marks}',
                depends_on_job_ids=[gate] if gate else None,
            )
            for i in range(PER_STAGE)
        ]
        ids = [j.id for j in api.create_jobs(m.JobsModel(jobs=jobs)).jobs or [] if j.id]
        barrier = m.JobModel(
            workflow_id=w,
            name=f"barrier{stage}",
            command=f'echo "$TORC_JOB_ID" >> {marks}',
            depends_on_job_ids=ids,
        )
        gate = api.create_job(barrier).id
    api.initialize_jobs(w)
    return w


def test_sixteen_runners_run_each_of_20000_jobs_exactly_once(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "torc.db", "--log-dir", str(tmp_path))
    api = server.api()
    marks = tmp_path / "marks"
    try:
        w = _create(api, marks)
        env = {**os.environ, "TORC_API_URL": server.url}
        runners = [
            subprocess.Popen(
                [
                    *TORC,
                    "workflows",
                    "run",
                    str(w),
                    "--output-dir",
                    str(tmp_path / f"o{i}"),
                    *ONE_AT_A_TIME,
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(RUNNERS)
        ]
        errors = [runner.communicate(timeout=1500)[1] for runner in runners]
        for runner, stderr in zip(runners, errors, strict=True):
            assert runner.returncode == 0, stderr
            assert "ERROR" not in stderr and "refused" not in stderr, stderr
        total = STAGES * (PER_STAGE + 1)
        ran = Counter(int(line) for line in marks.read_text().split())
        assert len(ran) == total and set(ran.values()) == {1}, "a job ran twice or never"
        statuses = job_statuses(api, w)
        assert len(statuses) == total and set(statuses.values()) == {"completed"}
        results = Counter(
            r.job_id
            for offset in range(0, total, 10_000)
            for r in api.list_results(w, offset=offset, limit=10_000).items
        )
        assert len(results) == total and set(results.values()) == {1}
        assert api.is_workflow_complete(w).is_complete
        log = "".join(p.read_text(errors="replace") for p in tmp_path.glob("torc-server.log*"))
        assert "database is locked" not in log and "Traceback" not in log
    finally:
        api.close()
        server.stop()
