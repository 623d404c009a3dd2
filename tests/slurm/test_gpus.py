"""GPU jobs in Slurm allocations see only their own devices: the cluster's node has two
stand-in GPUs (GRES gpu, see scripts/slurm/README.md), so Slurm hands them out and sets
CUDA_VISIBLE_DEVICES as it does on a GPU cluster. Each job records what it was shown.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.slurm.test_allocations import (
    server,  # noqa: F401  (the fixture)
    torc,
    wait_for_allocations_to_end,
    wait_until_complete,
)
from tests.slurm_cluster import GPUS, SlurmCluster

pytestmark = pytest.mark.slurm
RECORD = 'echo "$SLURM_JOB_ID $SLURM_JOB_GPUS $CUDA_VISIBLE_DEVICES $(date +%s.%N)"'


def submit(server: ServerProcess, tmp_path: Path, spec: str) -> int:  # noqa: F811
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    submitted = torc(server, tmp_path, "-f", "json", "submit", str(path))
    return int(json.loads(submitted.stdout)["workflow_id"])


def seen(out: Path) -> dict[str, list[str]]:
    """Per job: Slurm job ID, the allocation's GPUs, the job's CUDA_VISIBLE_DEVICES, and
    its start and end times."""
    return {path.stem: path.read_text().split() for path in out.glob("*.txt")}


def test_jobs_sharing_an_allocation_get_a_device_each(
    server: ServerProcess,  # noqa: F811
    slurm_cluster: SlurmCluster,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    workflow_id = submit(
        server,
        tmp_path,
        f"""\
name: shared_gpu_node
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: gpu{{i}}
    command: bash -c 'start=$(date +%s.%N); sleep 1; echo $({RECORD}) $start > {out}/gpu{{i}}.txt'
    resource_requirements: {{num_cpus: 1, num_gpus: 1, memory: 10m, runtime: PT5M}}
    parameters:
      i: "1:4"
slurm_schedulers:
  - name: gpus
    account: {slurm_cluster.account}
    walltime: "00:10:00"
    gres: "gpu:{GPUS}"
    extra: --exclusive
actions:
  - trigger_type: on_workflow_start
    action_type: schedule_nodes
    scheduler: gpus
    scheduler_type: slurm
    num_allocations: 1
""",
    )
    api = server.api()
    wait_until_complete(api, workflow_id)
    assert wait_for_allocations_to_end(api, workflow_id) == ["COMPLETED"]
    (runner,) = api.list_compute_nodes(workflow_id).items
    assert runner.num_gpus == GPUS  # from the allocation (SLURM_GPUS_ON_NODE)
    records = seen(out)
    assert len(records) == 4
    devices = [str(i) for i in range(GPUS)]
    for _, allocation_gpus, visible, *_ in records.values():
        assert allocation_gpus == ",".join(devices)
        assert visible in devices  # one device each, not the allocation's two
    spans = sorted((float(r[4]), float(r[3]), r[2]) for r in records.values())
    overlapping = [
        (a, b) for i, a in enumerate(spans) for b in spans[i + 1 :] if b[0] < a[1]
    ]  # jobs that ran at the same time (two CPUs, two GPUs: some did)
    assert overlapping
    assert all(a[2] != b[2] for a, b in overlapping)


def test_allocations_sharing_a_gpu_node_each_use_their_own_device(
    server: ServerProcess,  # noqa: F811
    slurm_cluster: SlurmCluster,
    tmp_path: Path,
) -> None:
    """Two one-GPU allocations at once on the node: Slurm gives one device 0, the other
    device 1, and each job sees its allocation's device (not device 0 of a renumbering)."""
    out = tmp_path / "out"
    out.mkdir()
    meet = (
        f"touch {out}/$SLURM_JOB_ID.started; "
        f'for _ in $(seq 600); do [ "$(ls {out}/*.started | wc -l)" -ge 2 ] && break; '
        "sleep 0.1; done"
    )  # both allocations run at once, so they cannot both get device 0
    jobs = "\n".join(
        f"""\
  - name: {name}
    command: bash -c '{meet}; {RECORD} > {out}/{name}.txt'
    scheduler: {name}
    resource_requirements: {{num_cpus: 1, num_gpus: 1, memory: 10m, runtime: PT5M}}"""
        for name in ("a", "b")
    )
    schedulers = "\n".join(
        f"""\
  - name: {name}
    account: {slurm_cluster.account}
    walltime: "00:10:00"
    gres: "gpu:1"
"""
        for name in ("a", "b")
    )
    actions = "\n".join(
        f"""\
  - trigger_type: on_workflow_start
    action_type: schedule_nodes
    scheduler: {name}
    scheduler_type: slurm
    num_allocations: 1"""
        for name in ("a", "b")
    )
    workflow_id = submit(
        server,
        tmp_path,
        f"name: gpu_allocations\ncompute_node_wait_for_new_jobs_seconds: 3\njobs:\n{jobs}\n"
        f"slurm_schedulers:\n{schedulers}actions:\n{actions}\n",
    )
    api = server.api()
    wait_until_complete(api, workflow_id)
    assert wait_for_allocations_to_end(api, workflow_id) == ["COMPLETED", "COMPLETED"]
    records = seen(out)
    assert {records[name][2] for name in ("a", "b")} == {"0", "1"}
    for name in ("a", "b"):
        _, allocation_gpu, visible, _ = records[name]
        assert visible == allocation_gpu
    assert records["a"][0] != records["b"][0]
