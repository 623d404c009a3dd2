"""Submitting allocations: one sbatch per allocation, each recorded as a scheduled
compute node (``pending`` until its runner starts) with its Slurm job ID.

The runner in the allocation reaches the server as this client does: with its URL and,
when this client logs in, a worker token minted for the allocation (a token-holding
runner passes its own on). The password never goes to the allocation.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torc_models as m
from torc.api import TorcApi
from torc.slurm import sbatch

logger = logging.getLogger(__name__)
HIDDEN = ("TORC_PASSWORD", "TORC_USERNAME", "TORC_TOKEN")
"""Credentials of the submitting shell that the allocation must not inherit."""


class SubmitError(Exception):
    """sbatch is missing or refused the allocation; the message says why."""


@dataclass(frozen=True)
class Submitted:
    slurm_job_id: str
    scheduled_compute_node_id: int
    script: Path | None


def can_submit() -> bool:
    return shutil.which("sbatch") is not None


def allocation_environment(api: TorcApi, workflow_id: int, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN}
    env["TORC_API_URL"] = api.url
    if api.token is not None:
        env["TORC_TOKEN"] = api.token
    elif api.username is not None:
        minted = api.create_worker_token(
            m.CreateWorkerTokenRequest(workflow_id=workflow_id, name=name)
        )
        assert minted.token is not None
        env["TORC_TOKEN"] = minted.token
    return env


def submit(
    api: TorcApi,
    scheduler: m.SlurmSchedulerModel,
    allocation: sbatch.Allocation,
    *,
    count: int = 1,
    keep_scripts: bool = False,
) -> list[Submitted]:
    """Submit ``count`` allocations of ``scheduler``; raises SubmitError."""
    if not can_submit():
        raise SubmitError("sbatch not found: submit from a machine where Slurm is installed")
    assert scheduler.id is not None
    allocation.output_dir.mkdir(parents=True, exist_ok=True)
    scripts = allocation.output_dir / "submission_scripts"
    scripts.mkdir(exist_ok=True)
    done = []
    for _ in range(count):
        text = sbatch.script(scheduler, allocation)
        with tempfile.NamedTemporaryFile(
            "w", dir=scripts, prefix=f"{allocation.job_name}_", suffix=".sh", delete=False
        ) as handle:
            handle.write(text)
        path = Path(handle.name)
        env = allocation_environment(api, allocation.workflow_id, allocation.job_name)
        result = subprocess.run(
            sbatch.command(scheduler, path), capture_output=True, text=True, env=env
        )
        if not keep_scripts:
            path.unlink()
        if result.returncode != 0:
            raise SubmitError(
                f"sbatch refused the allocation of scheduler {scheduler.name!r}: "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        job_id = result.stdout.strip().split(";", 1)[0]
        record = api.create_scheduled_compute_node(
            m.ScheduledComputeNodesModel(
                workflow_id=allocation.workflow_id,
                scheduler_id=int(job_id),
                scheduler_config_id=scheduler.id,
                scheduler_type="slurm",
                status="pending",
            )
        )
        assert record.id is not None
        logger.info("submitted Slurm job %s for scheduler %s", job_id, scheduler.name)
        done.append(Submitted(job_id, record.id, path if keep_scripts else None))
    return done
