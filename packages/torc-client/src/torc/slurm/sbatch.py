"""The batch script of one allocation, written from a Slurm scheduler record.

Every ``#SBATCH`` line comes from a field of the record; ``extra`` goes on the ``sbatch``
command line as the user wrote it (``--exclusive --signal=B:TERM@300``). The batch step
``exec``s the runner, so a ``--signal=B:...`` reaches it rather than a waiting shell.
Secrets never appear in the script or on a command line (where ``ps`` shows them): the
server URL and the worker token travel in sbatch's environment, which Slurm hands to the
job (``--export=ALL``, its default).
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torc_models as m

RUNNER = "torc-slurm-job-runner"
DIRECTIVES = (
    ("account", "--account"),
    ("partition", "--partition"),
    ("qos", "--qos"),
    ("mem", "--mem"),
    ("gres", "--gres"),
    ("ntasks_per_node", "--ntasks-per-node"),
    ("tmp", "--tmp"),
)


@dataclass(frozen=True)
class Allocation:
    """What one submission asks for, beside the scheduler record."""

    workflow_id: int
    output_dir: Path
    job_name: str
    poll_interval: float = 60.0
    max_parallel_jobs: int | None = None
    one_worker_per_node: bool = False
    job_steps: bool = False
    """Run each job under ``srun`` as a job step of its own."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """The workflow's ``slurm_defaults``: sbatch long options for every allocation."""


def runner_command() -> str:
    """The runner of this installation: compute nodes see the same (shared) file system."""
    beside = Path(sys.executable).with_name(RUNNER)
    found = str(beside) if beside.exists() else shutil.which(RUNNER)
    return found or RUNNER


def output_paths(allocation: Allocation) -> tuple[Path, Path]:
    """Slurm's own stdout and stderr, named as the manual names them (``%j``: job ID)."""
    stem = allocation.output_dir / f"slurm_output_wf{allocation.workflow_id}_sl%j"
    return stem.with_suffix(".o"), stem.with_suffix(".e")


def script(scheduler: m.SlurmSchedulerModel, allocation: Allocation) -> str:
    stdout, stderr = output_paths(allocation)
    lines = [
        "#!/bin/bash",
        f"#SBATCH --job-name={allocation.job_name}",
        f"#SBATCH --nodes={scheduler.nodes or 1}",
        f"#SBATCH --time={scheduler.walltime}",
        f"#SBATCH --output={stdout}",
        f"#SBATCH --error={stderr}",
    ]
    for name, flag in DIRECTIVES:
        value = getattr(scheduler, name, None)
        if value not in (None, ""):
            lines.append(f"#SBATCH {flag}={value}")
    for option, value in allocation.defaults.items():
        if value is True:
            lines.append(f"#SBATCH --{option}")
        elif value not in (None, False, ""):
            lines.append(f"#SBATCH --{option}={value}")
    runner = [
        runner_command(),
        str(allocation.workflow_id),
        "--output-dir", str(allocation.output_dir),
        "--poll-interval", f"{allocation.poll_interval:g}",
    ]  # fmt: skip
    if scheduler.id is not None:
        runner += ["--scheduler-config-id", str(scheduler.id)]
    if allocation.max_parallel_jobs is not None:
        runner += ["--max-parallel-jobs", str(allocation.max_parallel_jobs)]
    if allocation.job_steps:
        runner.append("--job-steps")
    launch = shlex.join(runner)
    if allocation.one_worker_per_node:
        # --overlap: the runner's step holds nothing, so the job steps it starts get CPUs
        launch = f"srun --ntasks-per-node=1 --nodes={scheduler.nodes or 1} --overlap {launch}"
    lines += ["", f"exec {launch}", ""]
    return "\n".join(lines)


def command(scheduler: m.SlurmSchedulerModel, script_path: Path) -> list[str]:
    """The sbatch command line: ``extra`` first, so the script's directives stay as written."""
    return ["sbatch", "--parsable", *shlex.split(scheduler.extra or ""), str(script_path)]
