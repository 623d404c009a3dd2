"""GPU device assignment: each job packed onto GPUs sees only the devices it was given.

A stand-in ``nvidia-smi`` (or ``rocm-smi``) on PATH prints what the real tool prints on a
node with that many GPUs; a real server and runner run real jobs that record the
visible-devices variables they were started with.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

import torc_models as m
from tests.runner.test_runner import run, workflow
from torc.api import TorcApi

VARIABLES = ("CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES")
RECORD = " ".join(f"${{{name}-unset}}" for name in VARIABLES)


def nvidia_listing(count: int) -> str:
    """``nvidia-smi --list-gpus`` on a node with ``count`` GPUs (one split into MIG slices)."""
    lines = [
        f"GPU {i}: NVIDIA A100-SXM4-80GB (UUID: GPU-5a1b2c3d-0000-4e5f-8a9b-00000000000{i})"
        for i in range(count)
    ]
    lines.insert(1, "  MIG 3g.40gb     Device  0: (UUID: MIG-8e5a3f3c-2f7d-5b8e-9c3a-2a1d4f6b7c8d)")
    return "\n".join(lines)


def rocm_listing(count: int) -> str:
    """``rocm-smi --showid`` (ROCm 6) on a node with ``count`` GPUs."""
    rows = []
    for i in range(count):
        rows += [
            f"GPU[{i}]\t\t: Device Name: \t\tAldebaran/MI200 [Instinct MI250X / MI250]",
            f"GPU[{i}]\t\t: Device ID: \t\t0x740c",
            f"GPU[{i}]\t\t: Device Rev: \t\t0x01",
            f"GPU[{i}]\t\t: Subsystem ID: \t0x0b0c",
            f"GPU[{i}]\t\t: GUID: \t\t{41234 + i}",
        ]
    banner = "=" * 28 + " ROCm System Management Interface " + "=" * 28
    return "\n".join([banner, "=" * 43 + " ID " + "=" * 43, *rows, "=" * 89])


def stand_in(bin_dir: Path, program: str, expected_args: str, output: str, code: int = 0) -> None:
    """An executable ``program`` that prints ``output`` when called as the runner calls it."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / program
    script.write_text(
        "#!/bin/sh\n"
        f'[ "$*" = "{expected_args}" ] || {{ echo "unexpected arguments: $*" >&2; exit 2; }}\n'
        f"cat <<'EOF'\n{output}\nEOF\n"
        f"exit {code}\n"
    )
    script.chmod(0o755)


@pytest.fixture
def node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH whose first directory holds the stand-ins, and no visible-devices variables."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return bin_dir


def nvidia_node(bin_dir: Path, count: int) -> None:
    stand_in(bin_dir, "nvidia-smi", "--list-gpus", nvidia_listing(count))


@dataclass
class Gpu:
    """A job of the test: its GPUs, what it does after recording, its runtime limit."""

    gpus: int
    then: str = ""
    runtime: str = "PT5M"


def gpu_jobs(
    api: TorcApi, workflow_id: int, log: Path, jobs: dict[str, Gpu], after: tuple[int, ...] = ()
) -> dict[str, int]:
    """Jobs needing GPUs, each recording in ``log`` what it sees; returns their ids.

    Jobs whose names start with "meet" wait until every other such job has started too, so
    they provably run at the same time (a runner that ran them one by one fails the test).
    """
    meet = log.parent / "meet"
    meet.mkdir(exist_ok=True)
    together = sum(1 for name in jobs if name.startswith("meet"))
    wait = (
        f"touch {meet}/$TORC_JOB_NAME; for i in $(seq 600); do "
        f'[ "$(ls {meet} | wc -l)" -ge {together} ] && break; sleep 0.05; done; '
    )
    ids = {}
    for name, job in jobs.items():
        rr = api.create_resource_requirements(
            m.ResourceRequirementsModel(
                workflow_id=workflow_id, name=f"rr_{name}", num_gpus=job.gpus, runtime=job.runtime
            )
        )
        record = f'echo "$TORC_JOB_NAME $(ls {meet} | wc -l) {RECORD}" >> {log}'
        created = api.create_job(
            m.JobModel(
                workflow_id=workflow_id,
                name=name,
                command=(wait if name.startswith("meet") else "") + record + job.then,
                resource_requirements_id=rr.id,
                depends_on_job_ids=list(after) or None,
            )
        )
        assert created.id is not None
        ids[name] = created.id
    return ids


def seen(log: Path) -> dict[str, tuple[int, dict[str, str]]]:
    """Per job: how many "meet" jobs had started when it recorded, and the variables it saw."""
    records = {}
    for line in log.read_text().splitlines():
        name, started, *values = line.split()
        records[name] = (int(started), dict(zip(VARIABLES, values, strict=True)))
    return records


def test_jobs_packed_onto_two_gpus_see_their_own_devices(
    api: TorcApi, node: Path, tmp_path: Path
) -> None:
    nvidia_node(node, 2)
    w = workflow(api)
    log = tmp_path / "seen"
    first = gpu_jobs(api, w, log, {"meet_a": Gpu(1), "meet_b": Gpu(1), "cpu_only": Gpu(0)})
    gpu_jobs(api, w, log, {"both": Gpu(2)}, after=tuple(first.values()))
    assert run(api, w, tmp_path / "out", num_cpus=4) == {"completed": 4}
    records = seen(log)
    pair = {records[name][1]["CUDA_VISIBLE_DEVICES"] for name in ("meet_a", "meet_b")}
    assert records["meet_a"][0] == records["meet_b"][0] == 2, "the 1-GPU jobs ran together"
    assert pair == {"0", "1"}, records
    assert records["both"][1]["CUDA_VISIBLE_DEVICES"] == "0,1"
    # A job that asks for no GPU keeps the runner's environment (nothing is hidden from it).
    assert records["cpu_only"][1]["CUDA_VISIBLE_DEVICES"] == "unset"
    assert records["both"][1]["ROCR_VISIBLE_DEVICES"] == "unset"
    (node_record,) = api.list_compute_nodes(w).items
    assert node_record.num_gpus == 2


def test_devices_return_to_the_pool_however_a_job_ends(
    api: TorcApi, node: Path, tmp_path: Path
) -> None:
    """One CPU, so jobs run one at a time: each must find device 0 free again."""
    nvidia_node(node, 2)
    w = workflow(api)
    log = tmp_path / "seen"
    ends = {
        "ok": Gpu(1),
        "fails": Gpu(1, then="; exit 3"),
        "overruns": Gpu(1, then="; sleep 30", runtime="PT1S"),
        "last": Gpu(1),
    }
    gpu_jobs(api, w, log, ends)
    assert run(api, w, tmp_path / "out", num_cpus=1) == Counter(completed=2, failed=1, terminated=1)
    devices = {name: values["CUDA_VISIBLE_DEVICES"] for name, (_, values) in seen(log).items()}
    assert devices == dict.fromkeys(("ok", "fails", "overruns", "last"), "0")


def test_amd_jobs_get_rocr_devices(api: TorcApi, node: Path, tmp_path: Path) -> None:
    stand_in(
        node,
        "nvidia-smi",
        "--list-gpus",
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
        code=9,
    )
    stand_in(node, "rocm-smi", "--showid", rocm_listing(2))
    w = workflow(api)
    log = tmp_path / "seen"
    gpu_jobs(api, w, log, {"meet_a": Gpu(1), "meet_b": Gpu(1)})
    assert run(api, w, tmp_path / "out", num_cpus=4) == {"completed": 2}
    records = seen(log)
    assert {records[n][1]["ROCR_VISIBLE_DEVICES"] for n in ("meet_a", "meet_b")} == {"0", "1"}
    # HIP's filters apply inside what ROCr shows, which each job sees as its device 0.
    for name in ("meet_a", "meet_b"):
        assert records[name][1]["HIP_VISIBLE_DEVICES"] == "0"
        assert records[name][1]["CUDA_VISIBLE_DEVICES"] == "0"


def test_the_runners_own_cuda_visible_devices_is_the_pool(
    api: TorcApi, node: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a Slurm allocation: the node has 8 GPUs, the runner may use devices 3 and 5."""
    nvidia_node(node, 8)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,5")
    w = workflow(api)
    log = tmp_path / "seen"
    gpu_jobs(api, w, log, {"meet_a": Gpu(1), "meet_b": Gpu(1), "cpu_only": Gpu(0)})
    assert run(api, w, tmp_path / "out", num_cpus=4) == {"completed": 3}
    records = seen(log)
    assert {records[n][1]["CUDA_VISIBLE_DEVICES"] for n in ("meet_a", "meet_b")} == {"3", "5"}
    assert records["cpu_only"][1]["CUDA_VISIBLE_DEVICES"] == "3,5"
    assert api.list_compute_nodes(w).items[0].num_gpus == 2


def test_num_gpus_limits_the_pool(
    api: TorcApi, node: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nvidia_node(node, 8)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,5")
    w = workflow(api)
    log = tmp_path / "seen"
    gpu_jobs(api, w, log, {"a": Gpu(1), "b": Gpu(1)})
    assert run(api, w, tmp_path / "out", num_cpus=4, num_gpus=1) == {"completed": 2}
    assert {values["CUDA_VISIBLE_DEVICES"] for _, values in seen(log).values()} == {"3"}
    assert api.list_compute_nodes(w).items[0].num_gpus == 1


def test_queue_mode_spreads_gpu_jobs_over_the_devices(
    api: TorcApi, node: Path, tmp_path: Path
) -> None:
    """``--max-parallel-jobs`` tracks no resources, yet concurrent GPU jobs do not share."""
    nvidia_node(node, 2)
    w = workflow(api)
    log = tmp_path / "seen"
    gpu_jobs(api, w, log, {"meet_a": Gpu(1), "meet_b": Gpu(1)})
    assert run(api, w, tmp_path / "out", max_parallel_jobs=2) == {"completed": 2}
    records = seen(log)
    assert {records[n][1]["CUDA_VISIBLE_DEVICES"] for n in ("meet_a", "meet_b")} == {"0", "1"}
