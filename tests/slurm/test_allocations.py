"""Workflows across real Slurm allocations: ``torc submit`` and ``torc slurm schedule-nodes``
submit sbatch jobs whose batch step runs ``torc-slurm-job-runner`` against a real server.

The server listens on 127.0.0.1, which the cluster's one node (this machine) reaches.
Each test waits for the workflow's end through the API, then checks what Slurm itself
recorded (``sacct``) beside what torc recorded (results, scheduled compute nodes).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.slurm_cluster import SlurmCluster, sacct_jobs, wait_for_slurm_job
from torc.api import TorcApi

pytestmark = pytest.mark.slurm


@pytest.fixture
def server(tmp_path: Path, slurm_cluster: SlurmCluster) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "torc.db", "--completion-check-interval-secs", "0.5")
    yield process
    process.stop()


def torc(server: ServerProcess, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["torc", "--url", server.url, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"torc {' '.join(args)}: {result.stdout}{result.stderr}"
    return result


def wait_until_complete(api: TorcApi, workflow_id: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not api.is_workflow_complete(workflow_id).is_complete:
        assert time.monotonic() < deadline, api.get_workflow_status(workflow_id)
        time.sleep(0.5)  # polling the server for the condition


def allocations(api: TorcApi, workflow_id: int) -> list[Any]:
    return api.list_scheduled_compute_nodes(workflow_id).items


def wait_for_allocations_to_end(api: TorcApi, workflow_id: int) -> list[str]:
    """Every allocation's final Slurm state, once Slurm has ended them all."""
    states = []
    for record in allocations(api, workflow_id):
        final = {"COMPLETED", "CANCELLED", "TIMEOUT", "FAILED"}
        states.append(wait_for_slurm_job(record.scheduler_id, final, timeout=180))
    return states


def staged_spec(account: str, out: Path) -> str:
    return f"""\
name: staged
compute_node_wait_for_new_jobs_seconds: 5
jobs:
  - name: prepare
    command: echo prepared > {out}/prepared.txt
    scheduler: first
  - name: use
    command: cat {out}/prepared.txt
    depends_on: [prepare]
    scheduler: second
slurm_schedulers:
  - name: first
    account: {account}
    walltime: "00:10:00"
  - name: second
    account: {account}
    walltime: "00:10:00"
actions:
  - trigger_type: on_workflow_start
    action_type: schedule_nodes
    scheduler: first
    scheduler_type: slurm
    num_allocations: 1
  - trigger_type: on_jobs_ready
    action_type: schedule_nodes
    jobs: [use]
    scheduler: second
    scheduler_type: slurm
    num_allocations: 1
"""


def test_a_staged_workflow_submits_each_allocation_once(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    spec = tmp_path / "staged.yaml"
    spec.write_text(staged_spec(slurm_cluster.account, out))
    submitted = torc(server, tmp_path, "-f", "json", "submit", str(spec))
    workflow_id = int(json.loads(submitted.stdout)["workflow_id"])
    api = server.api()
    wait_until_complete(api, workflow_id)
    results = api.list_results(workflow_id).items
    assert sorted(r.return_code for r in results) == [0, 0]
    records = allocations(api, workflow_id)
    assert len(records) == 2  # the start allocation and the second stage's, once each
    assert wait_for_allocations_to_end(api, workflow_id) == ["COMPLETED", "COMPLETED"]
    assert {r.status for r in allocations(api, workflow_id)} == {"complete"}
    for record in records:
        (job,) = sacct_jobs(record.scheduler_id)
        assert job["account"] == slurm_cluster.account
        assert (
            out.parent / "output" / f"slurm_output_wf{workflow_id}_sl{record.scheduler_id}.o"
        ).exists()


def flat_spec(account: str, count: int) -> str:
    return f"""\
name: flat
compute_node_wait_for_new_jobs_seconds: 5
jobs:
  - name: job{{i}}
    command: echo {{i}}
    parameters:
      i: "1:{count}"
slurm_schedulers:
  - name: workers
    account: {account}
    walltime: "00:10:00"
"""


def test_schedule_nodes_runs_every_job_once_across_three_allocations(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    spec = tmp_path / "flat.yaml"
    spec.write_text(flat_spec(slurm_cluster.account, 60))
    created = torc(server, tmp_path, "-f", "json", "workflows", "create", str(spec))
    workflow_id = json.loads(created.stdout)["id"]
    torc(server, tmp_path, "workflows", "initialize", str(workflow_id))
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-n", "3", "-p", "1")
    api = server.api()
    wait_until_complete(api, workflow_id)
    results = api.list_results(workflow_id).items
    ran = sorted(r.job_id or 0 for r in results)
    assert ran == sorted(j.id or 0 for j in api.list_jobs(workflow_id).items)  # each once
    assert len(allocations(api, workflow_id)) == 3
    ends = wait_for_allocations_to_end(api, workflow_id)
    for record, state in zip(allocations(api, workflow_id), ends, strict=True):
        # one still queued when the others had run every job is canceled, never started
        (job,) = sacct_jobs(record.scheduler_id)
        assert state == "COMPLETED" or (state == "CANCELLED" and job["time"]["elapsed"] == 0)
    assert "COMPLETED" in ends


def test_a_job_that_would_outlast_the_allocation_is_not_claimed(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    spec = tmp_path / "long.yaml"
    spec.write_text(
        f"""\
name: too_long
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: quick
    command: "true"
  - name: endless
    command: sleep 3600
    resource_requirements: {{num_cpus: 1, memory: 10m, runtime: PT2H}}
slurm_schedulers:
  - name: short
    account: {slurm_cluster.account}
    walltime: "00:05:00"
"""
    )
    created = torc(server, tmp_path, "-f", "json", "workflows", "create", str(spec))
    workflow_id = json.loads(created.stdout)["id"]
    torc(server, tmp_path, "workflows", "initialize", str(workflow_id))
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-p", "1")
    api = server.api()
    assert wait_for_allocations_to_end(api, workflow_id) == ["COMPLETED"]
    jobs = {job.name: str(job.status) for job in api.list_jobs(workflow_id).items}
    assert jobs["quick"] == "completed"
    assert jobs["endless"] == "ready"  # left for an allocation long enough to run it
