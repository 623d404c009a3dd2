"""How an allocation's end reaches its jobs, on the real cluster: a ``--signal=B:TERM@N``
warning before the wall time leaves them terminated (after checkpointing, for jobs that
support it) and the workflow restartable; a scancel returns them to ready for the next
allocation, and no failure is recorded; ``torc workflows cancel`` scancels the running
and the queued allocations and leaves the jobs canceled."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.slurm.test_allocations import (
    allocations,
    server,  # noqa: F401  (the fixture)
    torc,
    wait_for_allocations_to_end,
    wait_until_complete,
)
from tests.slurm_cluster import SlurmCluster
from torc.api import TorcApi

pytestmark = pytest.mark.slurm


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where the jobs leave their marks (started, checkpointed, tried)."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)  # polling the server or Slurm for the condition


def statuses(api: TorcApi, workflow_id: int) -> dict[str, str]:
    return {job.name or "": str(job.status) for job in api.list_jobs(workflow_id).items}


def create(server: ServerProcess, tmp_path: Path, text: str) -> int:  # noqa: F811
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    created = torc(server, tmp_path, "-f", "json", "workflows", "create", str(spec))
    workflow_id = int(json.loads(created.stdout)["id"])
    torc(server, tmp_path, "workflows", "initialize", str(workflow_id))
    return workflow_id


def test_wall_time_signal_leaves_terminated_jobs_and_a_restartable_workflow(
    server: ServerProcess,  # noqa: F811
    slurm_cluster: SlurmCluster,
    tmp_path: Path,
    out: Path,
) -> None:
    checkpoint = out / "checkpoint.txt"
    # Slurm may send the warning up to a minute early: two minutes of wall time with a
    # 30 s warning leaves time for both jobs to start first (--exclusive: both CPUs).
    workflow_id = create(
        server,
        tmp_path,
        f"""\
name: wall_time
jobs:
  - name: checkpointing
    command: >-
      bash -c 'trap "echo saved > {checkpoint}; exit 0" TERM; touch {out}/started1;
      while true; do sleep 0.2; done'
    supports_termination: true
    resource_requirements: {{num_cpus: 1, memory: 10m, runtime: PT100S}}
  - name: plain
    command: bash -c 'touch {out}/started2; while true; do sleep 0.2; done'
    resource_requirements: {{num_cpus: 1, memory: 10m, runtime: PT100S}}
slurm_schedulers:
  - name: short
    account: {slurm_cluster.account}
    walltime: "00:02:00"
    extra: "--signal=B:TERM@30 --exclusive"
""",
    )
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-p", "1")
    api = server.api()
    (state,) = wait_for_allocations_to_end(api, workflow_id)
    assert state == "COMPLETED"  # the runner ended before Slurm's kill
    assert statuses(api, workflow_id) == {"checkpointing": "terminated", "plain": "terminated"}
    assert checkpoint.read_text() == "saved\n"
    assert {r.status for r in allocations(api, workflow_id)} == {"complete"}
    results = {r.job_id: r.status for r in api.list_results(workflow_id).items}
    assert sorted(str(s) for s in results.values()) == ["terminated", "terminated"]

    # the seed's restart of terminated jobs (they resume from their checkpoints)
    torc(server, tmp_path, "workflows", "reinitialize", str(workflow_id))
    assert statuses(api, workflow_id) == {"checkpointing": "ready", "plain": "ready"}


def test_a_canceled_allocation_returns_its_jobs_to_ready_for_the_next(
    server: ServerProcess,  # noqa: F811
    slurm_cluster: SlurmCluster,
    tmp_path: Path,
    out: Path,
) -> None:
    workflow_id = create(
        server,
        tmp_path,
        f"""\
name: canceled_allocation
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: once_slow
    command: >-
      bash -c 'if [ -e {out}/tried ]; then echo finished; else touch {out}/tried;
      sleep 600; fi'
slurm_schedulers:
  - name: workers
    account: {slurm_cluster.account}
    walltime: "00:10:00"
""",
    )
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-p", "1")
    api = server.api()
    wait_for(lambda: statuses(api, workflow_id)["once_slow"] == "running", "the job to run")
    (first,) = allocations(api, workflow_id)
    subprocess.run(["scancel", str(first.scheduler_id)], check=True)
    assert wait_for_allocations_to_end(api, workflow_id) == ["CANCELLED"]
    wait_for(lambda: statuses(api, workflow_id)["once_slow"] == "ready", "the job to be released")
    assert api.list_results(workflow_id).items == []  # losing the node is not a failure
    assert {r.status for r in allocations(api, workflow_id)} == {"complete"}

    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-p", "1")
    wait_until_complete(api, workflow_id)
    (result,) = api.list_results(workflow_id).items
    assert result.return_code == 0


def test_canceling_the_workflow_cancels_its_allocations(
    server: ServerProcess,  # noqa: F811
    slurm_cluster: SlurmCluster,
    tmp_path: Path,
    out: Path,
) -> None:
    workflow_id = create(
        server,
        tmp_path,
        f"""\
name: canceled_workflow
jobs:
  - name: endless{{i}}
    command: sleep 600
    parameters:
      i: "1:2"
slurm_schedulers:
  - name: workers
    account: {slurm_cluster.account}
    walltime: "00:10:00"
    extra: --exclusive
""",
    )  # --exclusive: the second allocation waits in the queue behind the first
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-n", "2", "-p", "1")
    api = server.api()
    wait_for(lambda: set(statuses(api, workflow_id).values()) == {"running"}, "the jobs to run")
    torc(server, tmp_path, "workflows", "cancel", str(workflow_id))
    assert wait_for_allocations_to_end(api, workflow_id) == ["CANCELLED", "CANCELLED"]
    wait_for(
        lambda: {r.status for r in allocations(api, workflow_id)} == {"complete"},
        "both allocations to be complete",
    )
    assert statuses(api, workflow_id) == {"endless1": "canceled", "endless2": "canceled"}
    results = api.list_results(workflow_id).items  # both ran in the first (exclusive) one
    assert sorted(str(r.status) for r in results) == ["canceled", "canceled"]
