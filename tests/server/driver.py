"""A minimal in-test job runner: claims jobs and reports results through the API.

Lifecycle tests use it to move workflows forward without running real processes, so they
check the server's rules (what becomes ready when, what is canceled) precisely.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import torc_models as m
from torc.api import TorcApi

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float = 10.0, what: str = "condition") -> T:
    """Poll ``probe`` until it returns something truthy (the server works asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


def job_statuses(api: TorcApi, workflow_id: int) -> dict[str, str]:
    """Every job's status by name (all pages)."""
    statuses: dict[str, str] = {}
    while True:
        page = api.list_jobs(workflow_id, offset=len(statuses))
        statuses.update((j.name, j.status.value) for j in page.items if j.status is not None)
        if not page.has_more:
            return statuses


class Driver:
    def __init__(self, api: TorcApi, workflow_id: int) -> None:
        self.api = api
        self.workflow_id = workflow_id
        node = m.ComputeNodeModel(
            workflow_id=workflow_id,
            hostname="test-host",
            pid=1,
            start_time="2026-11-23T00:00:00Z",
            num_cpus=8,
            memory_gb=16,
            num_gpus=0,
            num_nodes=1,
            compute_node_type="local",
            is_active=True,
        )
        node_id = api.create_compute_node(node).id
        assert node_id is not None
        self.node_id: int = node_id

    @property
    def run_id(self) -> int:
        return self.api.get_workflow_status(self.workflow_id).run_id

    def result(self, job: m.JobModel, status: m.JobStatus, return_code: int) -> m.ResultModel:
        assert job.id is not None
        return m.ResultModel(
            job_id=job.id,
            workflow_id=self.workflow_id,
            run_id=self.run_id,
            return_code=return_code,
            status=status,
            exec_time_minutes=0.01,
            completion_time="2026-11-23T00:00:01Z",
            compute_node_id=self.node_id,
        )

    def finish(self, job: m.JobModel, status: m.JobStatus = m.JobStatus.completed) -> m.JobModel:
        assert job.id is not None
        run_id = self.run_id
        self.api.start_job(job.id, run_id, self.node_id)
        code = 0 if status == m.JobStatus.completed else 1
        return self.api.complete_job(job.id, status, run_id, self.result(job, status, code))

    def claim(self, expect: int | None = None, timeout: float = 10.0) -> list[m.JobModel]:
        """Claim what is ready, waiting until something (or ``expect`` jobs) can be claimed."""
        claimed: list[m.JobModel] = []

        def probe() -> list[m.JobModel] | None:
            claimed.extend(self.api.claim_next_jobs(self.workflow_id, limit=1000).jobs or [])
            enough = len(claimed) >= expect if expect is not None else bool(claimed)
            return claimed if enough else None

        return wait_for(probe, timeout, f"{expect or 'some'} claimable jobs")

    def statuses(self) -> dict[str, str]:
        return job_statuses(self.api, self.workflow_id)

    def run_to_end(
        self, fail: frozenset[str] | set[str] = frozenset(), timeout: float = 30.0
    ) -> dict[str, str]:
        """Claim and finish jobs (failing those named in ``fail``) until the workflow is done."""
        deadline = time.monotonic() + timeout
        while not self.api.is_workflow_complete(self.workflow_id).is_complete:
            assert time.monotonic() < deadline, f"workflow stuck: {self.statuses()}"
            jobs = self.api.claim_next_jobs(self.workflow_id, limit=1000).jobs or []
            for job in jobs:
                status = m.JobStatus.failed if job.name in fail else m.JobStatus.completed
                self.finish(job, status)
            if not jobs:
                time.sleep(0.01)
        return self.statuses()
