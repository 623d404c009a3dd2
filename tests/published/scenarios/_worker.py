# mypy: ignore-errors
"""What a job runner does through a published client, shared by the scenarios that run jobs:
register a compute node, learn the run, claim, start and complete jobs."""

from __future__ import annotations

import os

from _support import GENERATION, equal, expect, now_iso

from torc.openapi_client.models import (
    ComputeNodeModel,
    ComputeNodesResources,
    JobStatus,
    ResultModel,
)

HOSTNAME = "published-node"


def run_id_of(api, workflow_id: int) -> int:
    """0.35 reads the run from the workflow record; earlier clients from its status record."""
    if GENERATION >= (0, 35):
        run_id, source = api.get_workflow(workflow_id).run_id, "get_workflow"
    else:
        run_id, source = api.get_workflow_status(workflow_id).run_id, "get_workflow_status"
    expect(isinstance(run_id, int) and run_id >= 1, f"{source} gives run_id {run_id!r}")
    return run_id


def compute_node(api, workflow_id: int) -> int:
    node = api.create_compute_node(
        ComputeNodeModel(
            workflow_id=workflow_id,
            hostname=HOSTNAME,
            pid=os.getpid(),
            start_time=now_iso(),
            is_active=True,
            num_cpus=4,
            memory_gb=8.0,
            num_gpus=0,
            num_nodes=1,
            compute_node_type="local",
        )
    )
    return node.id


def claim(api, workflow_id: int, limit: int = 10) -> list:
    resources = ComputeNodesResources(num_cpus=4, memory_gb=8.0, num_gpus=0, num_nodes=1)
    return api.claim_jobs_based_on_resources(workflow_id, limit, resources).jobs or []


def start(api, job_id: int, run_id: int, node_id: int) -> None:
    started = api.start_job(job_id, run_id, node_id)
    equal(started.status, JobStatus.RUNNING, f"status of job {job_id} after start_job")


def result(job, run_id: int, node_id: int, return_code: int = 0) -> ResultModel:
    return ResultModel(
        job_id=job.id,
        workflow_id=job.workflow_id,
        run_id=run_id,
        attempt_id=job.attempt_id or 1,
        compute_node_id=node_id,
        return_code=return_code,
        exec_time_minutes=0.01,
        completion_time=now_iso(),
        status=JobStatus.COMPLETED if return_code == 0 else JobStatus.FAILED,
    )


def complete(api, job, run_id: int, node_id: int, return_code: int = 0):
    outcome = result(job, run_id, node_id, return_code)
    done = api.complete_job(job.id, outcome.status, run_id, outcome)
    equal(done.status, outcome.status, f"status of job {job.name} after complete_job")
    return done


def status_of(api, job_id: int) -> str:
    return api.get_job(job_id).status
