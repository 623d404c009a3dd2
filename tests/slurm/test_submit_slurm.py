"""``torc submit-slurm`` and ``torc slurm regenerate --submit`` on the real test cluster,
with a custom HPC profile describing it (partitions, CPUs, memory and GPUs as ``sinfo``
reports them) read through ``TORC_CONFIG``.

The first test runs a three-stage workflow from a spec without any Slurm settings: the
generated staging submits each stage's allocations once, when its jobs become ready. The
second fails the middle stage, fixes the cause, resets the failed jobs and lets
``regenerate --submit`` finish the workflow with new schedulers.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.slurm.test_allocations import (  # noqa: F401  (server is a fixture)
    allocations,
    server,
    torc,
    wait_for_allocations_to_end,
    wait_until_complete,
)
from tests.slurm_cluster import SlurmCluster, sacct_jobs
from torc.spec.checks import walltime_seconds

pytestmark = pytest.mark.slurm
PROFILE = "testcluster"


def cluster_gpus() -> int:
    """GPUs per node from ``sinfo`` GRES (``gpu:2``, ``gpu:tesla:2``), 0 without any."""
    out = subprocess.run(["sinfo", "-h", "-o", "%G"], capture_output=True, text=True).stdout
    for gres in out.split():
        for item in gres.split(","):
            parts = item.split("(")[0].split(":")
            if parts[0] == "gpu" and parts[-1].isdigit():
                return int(parts[-1])
    return 0


def profile_toml(cluster: SlurmCluster) -> str:
    lines = [f"[client.hpc.custom_profiles.{PROFILE}]", 'display_name = "Test cluster"']
    for name in cluster.partitions:
        lines += [
            "",
            f"[[client.hpc.custom_profiles.{PROFILE}.partitions]]",
            f'name = "{name}"',
            f"cpus_per_node = {cluster.cpus}",
            f"memory_mb = {cluster.memory_mb}",
            f"max_walltime_secs = {int(walltime_seconds(cluster.max_times[name]))}",
            f"gpus_per_node = {cluster_gpus()}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def profile(
    tmp_path: Path, slurm_cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch
) -> SlurmCluster:
    """TORC_CONFIG (inherited by the ``torc`` subprocesses) names the cluster's profile."""
    config = tmp_path / "cluster.toml"
    config.write_text(profile_toml(slurm_cluster))
    monkeypatch.setenv("TORC_CONFIG", str(config))
    return slurm_cluster


def work_allocations(cluster: SlurmCluster) -> int:
    """Allocations of the three 2-CPU work jobs: one per node, as many per node as fit."""
    per_node = max(1, min(3, cluster.cpus // 2))
    return math.ceil(3 / per_node)


def ended_well(states: list[str]) -> None:
    """Allocations that ran finish COMPLETED; one still queued when another runner took
    its jobs is canceled as idle (torc.slurm.idle); at least a runner per stage ran."""
    assert set(states) <= {"COMPLETED", "CANCELLED"}, states
    assert states.count("COMPLETED") >= 3, states


def staged_spec(out: Path, middle: str = "true") -> str:
    return f"""\
name: generated
compute_node_wait_for_new_jobs_seconds: 5
resource_requirements:
  - name: quick
    num_cpus: 1
    memory: 100m
    runtime: PT2M
  - name: pair
    num_cpus: 2
    memory: 200m
    runtime: PT3M
jobs:
  - name: prepare
    command: echo prepared > {out}/prepared.txt
    resource_requirements: quick
  - name: work_{{i}}
    command: {middle} && cat {out}/prepared.txt > {out}/work_{{i}}.txt
    resource_requirements: pair
    depends_on: [prepare]
    parameters:
      i: "1:3"
  - name: collect
    command: cat {out}/work_1.txt {out}/work_2.txt {out}/work_3.txt > {out}/all.txt
    resource_requirements: quick
    depends_on_regexes: ["work_.*"]
"""


def test_submit_slurm_runs_the_stages(
    server: ServerProcess,  # noqa: F811
    profile: SlurmCluster,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    spec = tmp_path / "generated.yaml"
    spec.write_text(staged_spec(out))
    args = ["--account", profile.account, "--hpc-profile", PROFILE, str(spec)]
    result = torc(server, tmp_path, "submit-slurm", *args)
    created, submitted = result.stdout.splitlines()
    assert created.endswith(" with 5 jobs") and created.startswith("Created workflow ")
    assert submitted == "Submitted to Slurm with 1 allocation"  # the first stage's
    workflow_id = int(created.split()[2])
    api = server.api()
    wait_until_complete(api, workflow_id, timeout=420)
    assert sorted(r.return_code for r in api.list_results(workflow_id).items) == [0] * 5
    assert (out / "all.txt").read_text() == "prepared\n" * 3
    # each stage's allocations once: prepare 1, work (as many 2-CPU jobs as fit a node)
    # ceil(3 / per node), collect 1
    records = allocations(api, workflow_id)
    assert len(records) == 1 + work_allocations(profile) + 1
    assert all(a.executed for a in api.get_workflow_actions(workflow_id))
    ended_well(wait_for_allocations_to_end(api, workflow_id))
    partitions = {job["partition"] for r in records for job in sacct_jobs(r.scheduler_id)}
    assert partitions == {"short"}  # named by the custom profile (debug only as last resort)


def test_regenerate_submits_what_is_left(
    server: ServerProcess,  # noqa: F811
    profile: SlurmCluster,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    go = tmp_path / "go"
    spec = tmp_path / "failing.yaml"
    spec.write_text(staged_spec(out, middle=f"test -f {go}"))
    args = ["--account", profile.account, "--hpc-profile", PROFILE, str(spec)]
    created = torc(server, tmp_path, "-f", "json", "submit-slurm", *args)
    workflow_id = int(json.loads(created.stdout)["workflow_id"])
    api = server.api()
    wait_until_complete(api, workflow_id, timeout=420)
    statuses = {j.name: j.status.value for j in api.list_jobs(workflow_id).items if j.status}
    assert statuses["prepare"] == "completed"
    assert {statuses[f"work_{i}"] for i in (1, 2, 3)} == {"failed"}
    wait_for_allocations_to_end(api, workflow_id)
    before = len(allocations(api, workflow_id))

    go.touch()
    torc(server, tmp_path, "workflows", "reset-status", str(workflow_id), "--failed-only",
         "--reinitialize", "--no-prompts")  # fmt: skip
    result = torc(server, tmp_path, "slurm", "regenerate", str(workflow_id), "--submit")
    lines = result.stdout.splitlines()
    assert lines[0] == "Regenerating Slurm schedulers..."
    submitted = [line for line in lines if line.startswith("Submitted")]
    assert len(submitted) == 1 and re.match(r"Submitted .*allocations? with 3 jobs", submitted[0])
    wait_until_complete(api, workflow_id, timeout=420)
    assert (out / "all.txt").read_text() == "prepared\n" * 3
    jobs = {j.name: j for j in api.list_jobs(workflow_id).items}
    assert {j.status.value for j in jobs.values() if j.status} == {"completed"}
    schedulers = {s.id: s.name for s in api.list_slurm_schedulers(workflow_id).items}
    assert schedulers[jobs["work_1"].scheduler_id] == "pair_scheduler_2"
    assert schedulers[jobs["collect"].scheduler_id] == "quick_deferred_scheduler"
    # the 3 work allocations now, collect's when it became ready; nothing of the old staging
    assert len(allocations(api, workflow_id)) == before + work_allocations(profile) + 1
    ended_well(wait_for_allocations_to_end(api, workflow_id))
