"""``torc-slurm-job-runner``: the torc job runner in a Slurm allocation's batch step.

It sizes itself from the allocation (its CPUs, memory and GPUs on this node), claims only
jobs of its scheduler (or of none) whose runtime ends before the allocation does (less
the workflow's ``compute_node_expiration_buffer_seconds``), and stops as soon as the
server says no job it could ever claim is left (else after
``compute_node_wait_for_new_jobs_seconds`` without work), so an idle allocation gives its
nodes back. As it leaves it cancels the workflow's allocations still queued for a
scheduler with no job left (:mod:`torc.slurm.idle`). Its scheduled compute node goes from
pending to active when a runner starts, and to complete when the allocation's last runner
ends. Started as the batch step it holds
every node of the allocation (jobs with ``num_nodes`` > 1 run here and start their own
steps across them); started by ``srun`` on each node, it holds its own node.

On SIGTERM while the job still runs (a ``--signal=B:TERM@N`` warning) it stops claiming,
lets jobs that support termination checkpoint, kills the rest and reports all as
terminated before Slurm's kill. On SIGTERM from Slurm ending the allocation (scancel,
preemption, the time limit without warning) its jobs go back to
ready for another allocation: losing the node is not the jobs' fault.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer

import torc_models as m
from torc.api import ApiError, TorcApi
from torc.errors import ServerUnreachable
from torc.runner import JobRunner, RunnerOptions
from torc.runner.resources import Capacity
from torc.slurm import idle
from torc.slurm.states import SlurmError
from torc_slurm_runner import allocation as slurm

logger = logging.getLogger("torc_slurm_runner")
DEFAULT_IDLE_EXIT = 60.0
"""Seconds without work before the allocation is given back, when the workflow sets none."""


def mark(api: TorcApi, workflow_id: int, job_id: str, status: str) -> int | None:
    """Move this allocation's scheduled compute node to ``status``; returns its ID (None
    when the allocation was not recorded, e.g. a hand-made sbatch)."""
    page = api.list_scheduled_compute_nodes(workflow_id, scheduler_id=job_id)
    for record in page.items:
        if record.id is not None and record.status not in ("complete", status):
            update = record.model_copy(update={"status": status})
            api.update_scheduled_compute_node(record.id, update)
        return record.id
    return None


def last_runner(api: TorcApi, workflow_id: int, record: int) -> bool:
    """Whether no runner of the allocation is active any more. Each runner marks its own
    node inactive before asking, so the last of several ending together sees none."""
    page = api.list_compute_nodes(workflow_id, is_active=True, scheduled_compute_node_id=record)
    return not page.items


def cancel_idle(api: TorcApi, workflow_id: int) -> None:
    """Cancel queued allocations that no job is left for; a failure only logs."""
    try:
        idle.cancel_idle_allocations(api, workflow_id)
    except (ApiError, ServerUnreachable, SlurmError) as exc:
        logger.warning("workflow_id=%d: queued allocations not checked: %s", workflow_id, exc)


def job_step(job: m.JobModel, need: Capacity) -> list[str]:
    """One job step per job: Slurm accounts and confines each job on its own. A multi-node
    job runs as it is: it starts its own steps across its nodes."""
    if need.nodes > 1:
        return []
    srun = shutil.which("srun") or "srun"
    memory_mb = max(1, need.memory_bytes // 2**20)
    step = [
        srun, "--exact", "--nodes=1", "--ntasks=1", f"--cpus-per-task={max(1, need.cpus)}",
        f"--mem={memory_mb}M", f"--job-name={job.name}", "--quiet",
    ]  # fmt: skip
    node = os.environ.get("SLURMD_NODENAME")
    if node:
        step.append(f"--nodelist={node}")  # this runner's node, whose resources it counts
    return step


def run(
    workflow_id: Annotated[int, typer.Argument(help="Workflow whose jobs to run.")],
    scheduler_config_id: Annotated[
        int | None, typer.Option(help="Claim only jobs of this Slurm scheduler (or of none).")
    ] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o")] = Path("output"),
    poll_interval: Annotated[float, typer.Option("--poll-interval", "-p")] = 60.0,
    max_parallel_jobs: Annotated[int | None, typer.Option("--max-parallel-jobs", "-m")] = None,
    num_cpus: Annotated[int | None, typer.Option(help="[default: the allocation's]")] = None,
    memory_gb: Annotated[float | None, typer.Option(help="[default: the allocation's]")] = None,
    num_gpus: Annotated[int | None, typer.Option(help="[default: the allocation's]")] = None,
    job_steps: Annotated[
        bool, typer.Option("--job-steps", help="Run each job under srun, as its own job step.")
    ] = False,
) -> None:
    """Run jobs of a workflow inside this Slurm allocation until none are left for it."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        here = slurm.from_environment()
    except slurm.NotInAllocation as exc:
        typer.echo(f"torc-slurm-job-runner: error: {exc}", err=True)
        raise typer.Exit(2) from None
    output_dir.mkdir(parents=True, exist_ok=True)
    slurm.write_environment_log(output_dir / here.log_name("slurm_env", workflow_id))
    api = TorcApi()
    failed = True
    try:
        workflow = api.get_workflow(workflow_id)
        record = mark(api, workflow_id, here.job_id, "active")
        idle = workflow.compute_node_wait_for_new_jobs_seconds
        options = RunnerOptions(
            output_dir=output_dir,
            poll_interval=poll_interval,
            max_parallel_jobs=max_parallel_jobs,
            num_cpus=num_cpus or here.cpus,
            memory_gb=memory_gb or here.memory_gb,
            num_gpus=num_gpus if num_gpus is not None else here.gpus,
            num_nodes=here.nodes_held,
            scheduler_config_id=scheduler_config_id,
            compute_node_type="slurm",
            ends_at=here.ends_at,
            expiration_buffer_seconds=float(workflow.compute_node_expiration_buffer_seconds or 0),
            idle_exit_seconds=float(idle) if idle is not None else DEFAULT_IDLE_EXIT,
            wrapper=job_step if job_steps else None,
            log_name=here.log_name("job_runner_slurm", workflow_id),
            node_taken=lambda: slurm.is_ending(here.job_id),
            scheduler={"slurm_job_id": here.job_id, "scheduled_compute_node_id": record},
        )
        summary = JobRunner(api, workflow_id, options).run()
        failed = summary.failed > 0
        if record is not None and last_runner(api, workflow_id, record):
            mark(api, workflow_id, here.job_id, "complete")
        cancel_idle(api, workflow_id)
    except (ApiError, ServerUnreachable) as exc:
        typer.echo(f"torc-slurm-job-runner: error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        if failed:
            slurm.write_dmesg_log(output_dir / here.log_name("dmesg_slurm", workflow_id))
        api.close()


def main() -> None:
    app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
    app.command()(run)
    app(prog_name="torc-slurm-job-runner")


if __name__ == "__main__":
    main()
