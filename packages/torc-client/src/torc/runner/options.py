"""What a job runner is told (:class:`RunnerOptions`) and what it reports back when it
ends (:class:`RunSummary`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torc_models as m
from torc.runner.resources import Capacity

S = m.JobStatus


@dataclass
class RunnerOptions:
    output_dir: Path = Path("output")
    poll_interval: float = 5.0
    max_parallel_jobs: int | None = None
    num_cpus: int | None = None
    memory_gb: float | None = None
    num_gpus: int | None = None
    scheduler_config_id: int | None = None
    time_limit: str | None = None
    compute_node_type: str = "local"
    termination_grace_seconds: float = 30.0
    ends_at: float | None = None
    """When the node goes away (a Slurm allocation's end, Unix time): no job is claimed
    whose runtime would outlast it, less ``expiration_buffer_seconds``."""
    expiration_buffer_seconds: float = 0.0
    scheduler: dict[str, Any] | None = None
    """What the scheduler says of this node (``slurm_job_id``...), kept on its record."""
    wrapper: Callable[[m.JobModel, Capacity], list[str]] | None = None
    """The command each job's shell runs under (e.g. ``srun``, one job step per job)."""
    log_name: str | None = None
    """The runner log's file name in the output directory (default: by host and run)."""
    idle_exit_seconds: float | None = None
    """Stop after this long without a job to run or wait for (an allocation should not
    sit idle while later stages are blocked elsewhere)."""
    num_nodes: int = 1
    """Nodes this runner holds: jobs with ``num_nodes`` up to it run here, each holding
    that many nodes while it runs (they start their own steps across them, e.g. ``srun``)."""
    node_taken: Callable[[], bool] | None = None
    """Asked when SIGTERM arrives: True when the node itself is going away (scancel,
    preemption, a time limit reached without warning). Its jobs then go back to ready,
    as a lost runner's do, instead of being reported terminated."""
    job_cgroups: bool = False
    """Run each job with a memory requirement in its own memory cgroup limited to it, and
    record on its result whether the OOM killer struck (:mod:`torc.runner.cgroups`)."""


@dataclass
class RunSummary:
    workflow_id: int
    completed: int = 0
    failed: int = 0
    canceled: int = 0
    terminated: int = 0
    retried: int = 0
    started_at: float = field(default_factory=time.monotonic)
    unfit: list[str] = field(default_factory=list)
    """Why the ready jobs left could never run here, when that ended the run."""

    def count(self, status: m.JobStatus) -> None:
        if status == S.completed:
            self.completed += 1
        elif status in (S.failed, S.pending_failed):
            self.failed += 1
        elif status == S.canceled:
            self.canceled += 1
        elif status == S.terminated:
            self.terminated += 1
