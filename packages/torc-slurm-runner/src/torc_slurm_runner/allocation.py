"""What Slurm tells a batch step about its allocation: job ID, this node's CPUs, memory
and GPUs, the node's index, and when the allocation ends."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class NotInAllocation(Exception):
    """SLURM_JOB_ID is not set: this is not a Slurm job."""


@dataclass(frozen=True)
class Allocation:
    job_id: str
    node_index: int
    num_nodes: int
    cpus: int | None
    memory_gb: float | None
    gpus: int | None
    ends_at: float | None
    """Unix time at which Slurm ends the job (None: no time limit known)."""
    one_per_node: bool = False
    """Started by ``srun`` as one runner per node (a job step), not as the batch step."""

    @property
    def nodes_held(self) -> int:
        """The nodes this runner schedules jobs on: its own under ``srun``, else every node
        of the allocation (multi-node jobs then start their own steps across them)."""
        return 1 if self.one_per_node else self.num_nodes

    def log_name(self, kind: str, workflow_id: int) -> str:
        """A per-node log file named as the manual names them."""
        return f"{kind}_wf{workflow_id}_sl{self.job_id}_n{self.node_index}_pid{os.getpid()}.log"


def _int(environ: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        raw = environ.get(name, "").split("(", 1)[0].split(",", 1)[0]
        if raw.isdigit():
            return int(raw)
    return None


def memory_gb(environ: Mapping[str, str], cpus: int | None) -> float | None:
    """SLURM_MEM_PER_NODE, else SLURM_MEM_PER_CPU times the CPUs (both in MB)."""
    per_node = _int(environ, "SLURM_MEM_PER_NODE")
    if per_node is not None:
        return per_node / 1024
    per_cpu = _int(environ, "SLURM_MEM_PER_CPU")
    if per_cpu is not None and cpus is not None:
        return per_cpu * cpus / 1024
    return None


def end_time(job_id: str) -> float | None:
    """When the job's time runs out, from ``squeue`` (local time, as Slurm prints it)."""
    try:
        shown = subprocess.run(
            ["squeue", "--noheader", "--jobs", job_id, "--format", "%e"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip
        return datetime.fromisoformat(shown).timestamp()
    except (OSError, subprocess.SubprocessError, ValueError):
        return None  # "UNLIMITED", or Slurm unreachable: no end to plan for


def is_ending(job_id: str) -> bool:
    """Whether Slurm is ending the job (scancel, preemption, time limit reached): it is
    then no longer RUNNING, whereas a ``--signal`` warning comes while it still is."""
    try:
        shown = subprocess.run(
            ["squeue", "--noheader", "--jobs", job_id, "--format", "%T"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return False  # Slurm unreachable: treat the signal as a warning, report terminated
    return shown != "RUNNING"


def from_environment(environ: Mapping[str, str] = os.environ) -> Allocation:
    job_id = environ.get("SLURM_JOB_ID") or environ.get("SLURM_JOBID")
    if not job_id:
        raise NotInAllocation("SLURM_JOB_ID is not set: run torc-slurm-job-runner inside sbatch")
    cpus = _int(environ, "SLURM_CPUS_ON_NODE", "SLURM_JOB_CPUS_PER_NODE")
    return Allocation(
        job_id=job_id,
        node_index=_int(environ, "SLURM_NODEID") or 0,
        num_nodes=_int(environ, "SLURM_JOB_NUM_NODES", "SLURM_NNODES") or 1,
        cpus=cpus,
        memory_gb=memory_gb(environ, cpus),
        gpus=_int(environ, "SLURM_GPUS_ON_NODE"),
        ends_at=end_time(job_id),
        one_per_node="SLURM_STEP_ID" in environ,  # set in srun's steps, not in the batch step
    )


def write_environment_log(path: Path, environ: Mapping[str, str] = os.environ) -> None:
    """Every SLURM* variable at start-up (``slurm_env_*.log``), for debugging allocations."""
    lines = [f"{k}={v}" for k, v in sorted(environ.items()) if k.startswith("SLURM")]
    path.write_text("\n".join(lines) + "\n")


def write_dmesg_log(path: Path) -> None:
    """The kernel's messages (OOM kills, hardware errors) when the runner ends badly."""
    try:
        shown = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=30)
        path.write_text(shown.stdout or shown.stderr)
    except OSError as exc:
        path.write_text(f"dmesg could not run: {exc}\n")
