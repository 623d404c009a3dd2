"""``torc slurm``: Slurm allocations for a workflow (``schedule-nodes``).

Each allocation is one sbatch job running ``torc-slurm-job-runner`` and is recorded as a
scheduled compute node (see :mod:`torc.slurm.submit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from torc.cli.common import CliError, choose_workflow, cli, emit
from torc.cli.groups import new_group
from torc.cli.records import WorkflowIdArg

if TYPE_CHECKING:
    from torc.slurm.submit import Submitted

app = new_group()


@app.callback()
def slurm() -> None:
    """Slurm scheduler commands."""


def submitted_rows(submitted: list[Submitted], **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            **extra,
            "slurm_job_id": item.slurm_job_id,
            "scheduled_compute_node_id": item.scheduled_compute_node_id,
            "submission_script": str(item.script) if item.script is not None else None,
        }
        for item in submitted
    ]


def submitted_lines(rows: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"Submitted Slurm job {row['slurm_job_id']} "
        f"(scheduled compute node {row['scheduled_compute_node_id']})"
        for row in rows
    )


@app.command("schedule-nodes")
def schedule_nodes(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    job_prefix: Annotated[
        str, typer.Option("--job-prefix", "-j", help="Job prefix for the Slurm job names.")
    ] = "worker",
    keep_submission_scripts: Annotated[
        bool,
        typer.Option(
            "--keep-submission-scripts",
            help="Keep submission scripts after job submission (in OUTPUT/submission_scripts).",
        ),
    ] = False,
    max_parallel_jobs: Annotated[
        int | None,
        typer.Option(
            "--max-parallel-jobs", "-m", help="Maximum number of parallel jobs per runner."
        ),
    ] = None,
    num_hpc_jobs: Annotated[
        int, typer.Option("--num-hpc-jobs", "-n", help="Number of HPC jobs to submit.")
    ] = 1,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output directory for job output files.")
    ] = Path("output"),
    poll_interval: Annotated[
        float, typer.Option("--poll-interval", "-p", help="Poll interval in seconds.")
    ] = 60.0,
    scheduler_config_id: Annotated[
        int | None,
        typer.Option(
            "--scheduler-config-id",
            help="Slurm scheduler to submit (default: the workflow's only one).",
        ),
    ] = None,
    start_one_worker_per_node: Annotated[
        bool,
        typer.Option("--start-one-worker-per-node", help="Start one worker per node."),
    ] = False,
    job_steps: Annotated[
        bool,
        typer.Option("--job-steps", help="Run each job under srun, as a job step of its own."),
    ] = False,
) -> None:
    """Schedule compute nodes using Slurm."""
    from torc.slurm import schedule
    from torc.slurm.submit import SubmitError

    if num_hpc_jobs < 1:
        raise CliError(f"--num-hpc-jobs must be at least 1, not {num_hpc_jobs}")
    if max_parallel_jobs is not None and max_parallel_jobs < 1:
        raise CliError(f"--max-parallel-jobs must be at least 1, not {max_parallel_jobs}")
    if poll_interval <= 0:
        raise CliError(f"--poll-interval must be positive, not {poll_interval:g}")
    api = cli(ctx).api
    chosen = choose_workflow(ctx, workflow_id)
    options = schedule.Options(
        output_dir=output,
        poll_interval=poll_interval,
        job_prefix=job_prefix,
        keep_scripts=keep_submission_scripts,
        job_steps=job_steps,
    )
    try:
        scheduler = schedule.choose_scheduler(api, chosen, scheduler_config_id)
        submitted = schedule.schedule_nodes(
            api,
            chosen,
            scheduler,
            count=num_hpc_jobs,
            options=options,
            max_parallel_jobs=max_parallel_jobs,
            one_worker_per_node=start_one_worker_per_node,
        )
    except (schedule.ScheduleError, SubmitError) as exc:
        raise CliError(str(exc)) from None
    rows = submitted_rows(submitted, workflow_id=chosen, scheduler_config_id=scheduler.id)
    emit(ctx, rows, text=lambda: submitted_lines(rows))


from torc.cli import slurm_logs  # noqa: E402  (sacct and parse-logs live there)

app.command("parse-logs")(slurm_logs.parse_logs)
app.command("sacct")(slurm_logs.sacct)

from torc.cli import slurm_schedulers  # noqa: E402  (create, update, list, get, delete)

slurm_schedulers.register(app)

from torc.cli import slurm_generate, slurm_regenerate  # noqa: E402  (generate, regenerate)

app.command("generate")(slurm_generate.generate)
app.command("regenerate")(slurm_regenerate.regenerate)
