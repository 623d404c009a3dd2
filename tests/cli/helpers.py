"""Finished and failed jobs for CLI tests, without running processes: the server tests'
driver, with the resource peaks and fixed times that results and reports show."""

from __future__ import annotations

import torc_models as m
from tests.server.driver import Driver, job_statuses, wait_for
from torc.api import TorcApi

GIB = 1024**3


class Runner(Driver):
    """Each result used 3 GiB and 150 % CPU for 1.5 minutes and finished at a fixed time."""

    def __init__(self, api: TorcApi, workflow_id: int) -> None:
        super().__init__(api, workflow_id)
        self.return_codes: dict[int, int] = {}

    def result(self, job: m.JobModel, status: m.JobStatus, return_code: int) -> m.ResultModel:
        changes = {
            "return_code": self.return_codes.get(job.id or 0, return_code),
            "attempt_id": job.attempt_id or 1,
            "exec_time_minutes": 1.5,
            "completion_time": "2026-01-02T03:04:05.000Z",
            "peak_memory_bytes": 3 * GIB,
            "peak_cpu_percent": 150.0,
        }
        return super().result(job, status, return_code).model_copy(update=changes)

    def run_ready(self, return_codes: dict[str, int] | None = None) -> list[str]:
        """Claim every ready job and complete it; a non-zero return code fails it."""
        jobs = self.api.claim_next_jobs(self.workflow_id, limit=1000).jobs or []
        for job in jobs:
            code = (return_codes or {}).get(job.name, 0)
            self.return_codes[job.id or 0] = code
            self.finish(job, m.JobStatus.completed if code == 0 else m.JobStatus.failed)
        return [job.name for job in jobs]

    def wait_for_status(self, name: str, status: str) -> None:
        """The server releases dependents in the background; wait until it has."""
        wait_for(lambda: self.statuses().get(name) == status, 20, f"{name} to be {status}")


def statuses(api: TorcApi, workflow_id: int) -> dict[str, str]:
    return job_statuses(api, workflow_id)
