"""Orphans and idle allocations on the real cluster: ``torc workflows sync-status`` after
an allocation died under its jobs, queued allocations nobody needs, runners that leave as
soon as nothing is left for them, and the node-hours ``torc reports summary`` shows.

The server here runs as on a real cluster, on another host than the compute node: in a
UTS namespace of its own (another host name), so that it cannot tell a runner's death from
its process ID and relies on heartbeats only, with a timeout (900 s) longer than the test.
A runner killed outright (``scancel --batch --signal=KILL``: no SIGTERM to release its
jobs, as when the OOM killer or a node failure takes it) then leaves its jobs ``running``:
the orphans sync-status is for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.slurm.test_allocation_end import create, statuses, wait_for
from tests.slurm.test_allocations import allocations, torc, wait_until_complete
from tests.slurm_cluster import SlurmCluster, sacct_jobs, wait_for_slurm_job
from torc.api import TorcApi

pytestmark = pytest.mark.slurm
FINAL = {"COMPLETED", "CANCELLED", "TIMEOUT", "FAILED"}
DIES_WITH_RUNNER = "for i in $(seq 600); do kill -0 $PPID 2>/dev/null || exit 1; sleep 1; done"
"""A job that ends within a second of its runner (its parent): a killed runner leaves no
stray process on the node."""
PROMPT_SECONDS = 30
"""An allocation with nothing left ends within this of its last job (its runner would
otherwise wait compute_node_wait_for_new_jobs_seconds: 300 here)."""


class ServerElsewhere(ServerProcess):
    """``torc-server run`` under another host name than the compute node's."""

    def __init__(self, database: Path) -> None:
        self.database = database
        command = ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"']
        command += ["torc-server-elsewhere", sys.executable, "-m", "torc_server.cli", "run"]
        command += ["--host", "127.0.0.1", "--port", "0", "--database", str(database)]
        command += ["--log-level", "warn", "--completion-check-interval-secs", "0.5"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TORC_RUNNER_TIMEOUT_SECS": "900"}
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("TORC_SERVER_PORT="):
            self.proc.kill()
            raise RuntimeError(f"torc-server did not report its port: {line!r}")
        self.port = int(line.strip().split("=", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}/torc-service/v1"


@pytest.fixture
def server(tmp_path: Path, slurm_cluster: SlurmCluster) -> Iterator[ServerProcess]:
    process = ServerElsewhere(tmp_path / "torc.db")
    yield process
    process.stop()


def scheduler(cluster: SlurmCluster, extra: str = "") -> str:
    line = f"\n    extra: {extra}" if extra else ""
    return f"""\
slurm_schedulers:
  - name: workers
    account: {cluster.account}
    walltime: "00:10:00"{line}
"""


def job_id(api: TorcApi, workflow_id: int, name: str) -> int:
    (job,) = [j for j in api.list_jobs(workflow_id).items if j.name == name]
    assert job.id is not None
    return job.id


def test_sync_status_fails_the_jobs_of_an_allocation_that_died(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    spec = f"name: orphans\njobs:\n  - name: stuck\n    command: '{DIES_WITH_RUNNER}'\n"
    spec += "  - name: after\n    command: 'true'\n    depends_on: [stuck]\n"
    workflow_id = create(server, tmp_path, spec + scheduler(slurm_cluster))
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-p", "1")
    api = server.api()
    wait_for(lambda: statuses(api, workflow_id)["stuck"] == "running", "the job to run")
    (allocation,) = allocations(api, workflow_id)
    slurm_id = str(allocation.scheduler_id)
    # SIGKILL to the batch step alone, the runner: "scancel --signal=KILL" of the whole job
    # is a cancel (SIGTERM first, which the runner would answer by releasing its jobs)
    subprocess.run(["scancel", "--batch", "--signal=KILL", slurm_id], check=True)  # ours
    wait_for_slurm_job(slurm_id, FINAL, timeout=120)
    # the orphan: Slurm runs nothing, the server still has the job running
    assert statuses(api, workflow_id) == {"stuck": "running", "after": "blocked"}
    assert [a.status for a in allocations(api, workflow_id)] == ["active"]
    stuck = job_id(api, workflow_id, "stuck")
    affected = f"  - Job {stuck} (stuck): Allocation terminated (Slurm job {slurm_id})"

    preview = torc(server, tmp_path, "workflows", "sync-status", str(workflow_id), "--dry-run")
    assert preview.stdout.splitlines() == [
        f"Synchronizing job statuses for workflow {workflow_id}... (dry run: nothing is changed)",
        "Would clean up orphaned jobs:",
        "  - 1 job(s) from terminated Slurm allocations",
        "  - 0 pending allocation(s) that no longer exist in Slurm",
        "Affected jobs:",
        affected,
        "Total: 1 job(s) would be marked as failed",
        "Run without --dry-run to apply these changes.",
    ]
    assert statuses(api, workflow_id) == {"stuck": "running", "after": "blocked"}
    assert [a.status for a in allocations(api, workflow_id)] == ["active"]
    assert api.list_results(workflow_id).items == []

    synced = torc(server, tmp_path, "workflows", "sync-status", str(workflow_id))
    assert synced.stdout.splitlines() == [
        f"Synchronizing job statuses for workflow {workflow_id}...",
        "Cleaned up orphaned jobs:",
        "  - 1 job(s) from terminated Slurm allocations",
        "  - 0 pending allocation(s) that no longer exist in Slurm",
        "Affected jobs:",
        affected,
        "Total: 1 job(s) marked as failed",
        f"You can now run `torc recover {workflow_id}` to retry failed jobs.",
    ]
    (result,) = api.list_results(workflow_id).items
    assert (result.job_id, str(result.status), result.return_code) == (stuck, "failed", -1)
    wait_for(  # the failure reaches the dependent as any failure does
        lambda: statuses(api, workflow_id) == {"stuck": "failed", "after": "canceled"},
        "the dependent to be canceled",
    )
    wait_until_complete(api, workflow_id)
    assert [a.status for a in allocations(api, workflow_id)] == ["complete"]
    assert not any(n.is_active for n in api.list_compute_nodes(workflow_id).items)

    again = json.loads(
        torc(server, tmp_path, "-f", "json", "workflows", "sync-status", str(workflow_id)).stdout
    )
    assert (again["jobs_marked_failed"], again["ended_allocations"]) == (0, [])


def test_sync_status_completes_vanished_and_cancels_unneeded_queued_allocations(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    spec = "name: held\njobs:\n  - name: work\n    command: 'true'\n    scheduler: workers\n"
    workflow_id = create(server, tmp_path, spec + scheduler(slurm_cluster, "--hold"))
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-n", "2", "-p", "1")
    api = server.api()
    first, second = (str(a.scheduler_id) for a in allocations(api, workflow_id))
    for held in (first, second):  # --hold: queued until released, which never happens
        wait_for_slurm_job(held, {"PENDING"}, timeout=60)
    subprocess.run(["scancel", first], check=True)  # canceled before it started
    wait_for_slurm_job(first, {"CANCELLED"}, timeout=60, in_sacct=False)

    synced = torc(server, tmp_path, "workflows", "sync-status", str(workflow_id))
    assert synced.stdout.splitlines()[1:] == [
        "Cleaned up orphaned jobs:",
        "  - 0 job(s) from terminated Slurm allocations",
        "  - 1 pending allocation(s) that no longer exist in Slurm",
        "Total: 0 job(s) marked as failed",
    ]  # the second one is still needed: "work" is ready
    by_slurm_id = {str(a.scheduler_id): a.status for a in allocations(api, workflow_id)}
    assert by_slurm_id == {first: "complete", second: "pending"}

    torc(server, tmp_path, "workflows", "run", str(workflow_id), "-p", "1")  # the work, here
    assert statuses(api, workflow_id) == {"work": "completed"}
    preview = json.loads(
        torc(server, tmp_path, "-f", "json", "workflows", "sync-status", str(workflow_id),
             "--dry-run").stdout
    )  # fmt: skip
    assert [a["slurm_job_id"] for a in preview["idle_allocations"]] == [second]
    assert wait_for_slurm_job(second, {"PENDING"}, timeout=10) == "PENDING"  # still queued

    synced = torc(server, tmp_path, "workflows", "sync-status", str(workflow_id))
    assert "  - 1 queued allocation(s) canceled: no job is left for them" in synced.stdout
    assert wait_for_slurm_job(second, {"CANCELLED"}, timeout=60) == "CANCELLED"
    assert {a.status for a in allocations(api, workflow_id)} == {"complete"}


def two_schedulers(cluster: SlurmCluster, release: Path) -> str:
    """Three quick jobs, and a slow one that runs until the test creates ``release``."""
    return f"""\
name: two_kinds
compute_node_wait_for_new_jobs_seconds: 300
jobs:
  - name: quick{{i}}
    command: sleep 3
    scheduler: quick
    parameters: {{i: "1:3"}}
  - name: slow
    command: bash -c 'until [ -e {release} ]; do sleep 0.2; done'
    scheduler: slow
slurm_schedulers:
  - {{name: quick, account: {cluster.account}, walltime: "00:10:00", extra: --hold}}
  - {{name: slow, account: {cluster.account}, walltime: "00:10:00"}}
"""


def test_a_runner_with_nothing_left_leaves_and_cancels_its_queued_sibling(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    workflow_id = create(server, tmp_path, two_schedulers(slurm_cluster, release))
    api = server.api()
    ids = {s.name: str(s.id) for s in api.list_slurm_schedulers(workflow_id).items}
    schedule = ["slurm", "schedule-nodes", str(workflow_id), "-p", "1", "--scheduler-config-id"]
    torc(server, tmp_path, *schedule, ids["quick"])  # --hold: it stays in the queue
    torc(server, tmp_path, "slurm", "update", ids["quick"], "--extra", "")
    torc(server, tmp_path, *schedule, ids["quick"])
    torc(server, tmp_path, *schedule, ids["slow"])
    held, quick, slow = (str(a.scheduler_id) for a in allocations(api, workflow_id))
    assert wait_for_slurm_job(held, {"PENDING"}, timeout=10) == "PENDING"

    # the quick allocation runs its three jobs and leaves while "slow" still runs in the
    # other one (its runner would otherwise wait 300 s for more), canceling the held one:
    # no job of its scheduler is left
    assert wait_for_slurm_job(quick, FINAL, timeout=120) == "COMPLETED"
    assert wait_for_slurm_job(held, FINAL, timeout=30) == "CANCELLED"
    (ran,) = sacct_jobs(quick)
    (queued,) = sacct_jobs(held)
    assert queued["time"]["elapsed"] == 0  # it never started
    done = {r.job_id: r for r in api.list_results(workflow_id).items}
    assert len(done) == 3  # the quick ones
    last = max(datetime.fromisoformat(r.completion_time).timestamp() for r in done.values())
    assert ran["time"]["end"] - last < PROMPT_SECONDS
    assert statuses(api, workflow_id)["slow"] == "running"
    wait_for(
        lambda: (
            {str(a.scheduler_id): a.status for a in allocations(api, workflow_id)}
            == {held: "complete", quick: "complete", slow: "active"}
        ),
        "the held and the quick allocations to be complete",
    )
    release.touch()
    wait_until_complete(api, workflow_id)
    assert wait_for_slurm_job(slow, FINAL, timeout=120) == "COMPLETED"


def staged(cluster: SlurmCluster, out: Path) -> str:
    return f"""\
name: staged_prompt
compute_node_wait_for_new_jobs_seconds: 300
jobs:
  - name: prepare
    command: sleep 2 && echo prepared > {out}/prepared.txt
    scheduler: first
  - name: use
    command: cat {out}/prepared.txt
    depends_on: [prepare]
    scheduler: second
slurm_schedulers:
  - {{name: first, account: {cluster.account}, walltime: "00:10:00"}}
  - {{name: second, account: {cluster.account}, walltime: "00:10:00"}}
actions:
  - {{trigger_type: on_workflow_start, action_type: schedule_nodes, scheduler: first,
      scheduler_type: slurm, num_allocations: 1}}
  - {{trigger_type: on_jobs_ready, action_type: schedule_nodes, jobs: [use],
      scheduler: second, scheduler_type: slurm, num_allocations: 1}}
"""


def test_each_stage_leaves_promptly_and_the_summary_shows_node_hours(
    server: ServerProcess, slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    spec = tmp_path / "staged.yaml"
    spec.write_text(staged(slurm_cluster, out))
    submitted = torc(server, tmp_path, "-f", "json", "submit", str(spec))
    workflow_id = int(json.loads(submitted.stdout)["workflow_id"])
    api = server.api()
    wait_until_complete(api, workflow_id)  # the first stage's runner submitted the second
    ended = {}
    for record in allocations(api, workflow_id):
        assert wait_for_slurm_job(record.scheduler_id, FINAL, timeout=120) == "COMPLETED"
        (ended[record.scheduler_config_id],) = sacct_jobs(record.scheduler_id)
    finished = {r.job_id: r for r in api.list_results(workflow_id).items}
    for name, scheduler_name in (("prepare", "first"), ("use", "second")):
        (config,) = [
            s for s in api.list_slurm_schedulers(workflow_id).items if s.name == scheduler_name
        ]
        done = datetime.fromisoformat(finished[job_id(api, workflow_id, name)].completion_time)
        assert ended[config.id]["time"]["end"] - done.timestamp() < PROMPT_SECONDS, name

    wait_for(
        lambda: {a.status for a in allocations(api, workflow_id)} == {"complete"},
        "both allocations to be complete",
    )
    summary = json.loads(
        torc(server, tmp_path, "-f", "json", "reports", "summary", str(workflow_id)).stdout
    )
    used = sum(job["time"]["elapsed"] * job["allocation_nodes"] for job in ended.values())
    assert summary["slurm_allocations"] == 2 and summary["node_hours_source"] == "sacct"
    assert summary["node_hours"] == pytest.approx(used / 3600, abs=1e-4)
    assert summary["node_hours"] > 0
    text = torc(server, tmp_path, "reports", "summary", str(workflow_id)).stdout
    assert f"Node Hours: {used / 3600:.2f} (2 Slurm allocation(s), from sacct)" in text
