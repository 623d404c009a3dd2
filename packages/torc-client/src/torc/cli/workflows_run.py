"""``torc workflows initialize | reinitialize | reset-status | cancel``: a workflow's run
state. The steps themselves live in :mod:`torc.workflows.operations` and
:mod:`torc.workflows.reinitialize`."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Any

import typer

from torc.cli.common import choose_workflow, cli, emit
from torc.cli.records import WorkflowIdArg, confirm, user_errors
from torc.cli.tasks import AsyncOption, NoWaitOption, TaskWatch
from torc.workflows.operations import (
    cancel_workflow,
    check_inputs,
    initialize_workflow,
    jobs_with_progress,
)
from torc.workflows.operations import (
    reset_status as reset_workflow_status,
)
from torc.workflows.plan import workflow_graph
from torc.workflows.reinitialize import reinitialize as reinitialize_workflow

commands = typer.Typer()
Force = Annotated[
    bool, typer.Option("--force", help="Go ahead even if input files or user data are missing.")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")]
NoPrompts = Annotated[bool, typer.Option("--no-prompts", help="Skip confirmation prompts.")]


def _dry_run_initialize(ctx: typer.Context, workflow_id: int, force: bool) -> None:
    """What initializing would find: missing inputs, outputs it would overwrite, and how
    many jobs would start ready or blocked. Exits 1 when it could not go ahead."""
    api = cli(ctx).api
    check = check_inputs(api, workflow_id)
    levels = workflow_graph(api, workflow_id).levels()
    ready = len(levels[0]) if levels else 0
    blocked = sum(map(len, levels[1:]))
    report: dict[str, Any] = {
        "workflow_id": workflow_id,
        "safe": check.ok,
        "missing_input_files": [f.path for f in check.missing_files],
        "missing_user_data": [u.name for u in check.missing_user_data],
        "existing_output_files": [f.path for f in check.existing_outputs],
        "ready_jobs": ready,
        "blocked_jobs": blocked,
    }
    lines = [f"Initialization check for workflow {workflow_id}:"]
    for title, key in (
        ("Missing required input files", "missing_input_files"),
        ("Missing user data (no data and no producing job)", "missing_user_data"),
        ("Existing output files (would be overwritten)", "existing_output_files"),
    ):
        if report[key]:
            lines += [f"  {title}:", *(f"    - {item}" for item in report[key])]
    lines.append(f"  Jobs: {ready} would be ready, {blocked} blocked")
    lines.append("Safe to initialize" if check.ok else f"Cannot initialize: {check.problem()}")
    emit(ctx, report, text="\n".join(lines))
    if not check.ok and not force:
        raise typer.Exit(1)


@commands.command()
def initialize(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    force: Force = False,
    no_prompts: NoPrompts = False,
    dry_run: DryRun = False,
    run_async: AsyncOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Initialize a workflow: check its inputs and set every job to ready or blocked."""
    api = cli(ctx).api
    chosen = choose_workflow(ctx, workflow_id)
    if dry_run:
        _dry_run_initialize(ctx, chosen, force)
        return
    progressed = jobs_with_progress(api, chosen)
    if progressed and not confirm(
        ctx,
        f"{progressed} job(s) of workflow {chosen} already ran or are running; initializing "
        "resets all jobs. Continue?",
        no_prompts=no_prompts,
    ):
        typer.echo("Initialization canceled")
        return
    watch = TaskWatch.of(run_async, no_wait)
    with user_errors(), watch or nullcontext():
        background = watch.background if watch else None
        counts = initialize_workflow(api, chosen, force=force, background=background)
    task_id = watch.task_id if watch else None
    if watch and task_id is not None and not watch.background.wait:
        emit(
            ctx,
            {"status": "queued", "workflow_id": chosen, "task_id": task_id},
            text=watch.queued_text(f"Initializing workflow {chosen}"),
        )
        return
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    report: dict[str, Any] = {"status": "success", "workflow_id": chosen, "job_counts": counts}
    text = f"Successfully initialized workflow {chosen}: {summary or 'no jobs'}"
    if task_id is not None:
        report["task_id"] = task_id
        text += f" (server task {task_id})"
    emit(ctx, report, text=text)


commands.command("initialize-jobs", hidden=True)(initialize)


@commands.command()
def reinitialize(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Go ahead despite missing inputs or active jobs."),
    ] = False,
    dry_run: DryRun = False,
    run_async: AsyncOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Reinitialize a workflow: rerun what changed.

    Resets jobs whose input files or user data changed, jobs whose outputs are missing,
    canceled jobs, and everything downstream of them.
    """
    chosen = choose_workflow(ctx, workflow_id)
    watch = None if dry_run else TaskWatch.of(run_async, no_wait)
    with user_errors(), watch or nullcontext():
        outcome = reinitialize_workflow(
            cli(ctx).api,
            chosen,
            dry_run=dry_run,
            force=force,
            background=watch.background if watch else None,
        )
    if watch is None or watch.task_id is None:
        emit(ctx, vars(outcome), text=outcome.text)
        return
    if watch.background.wait:
        text = f"{outcome.text()} (initialized in server task {watch.task_id})"
    else:
        text = watch.queued_text(f"{outcome.text()}; initializing them")
    emit(ctx, {**vars(outcome), "task_id": watch.task_id}, text=text)


@commands.command("reset-status")
def reset_status(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    failed_only: Annotated[
        bool,
        typer.Option(
            "--failed-only", "--failed", help="Only reset failed (and canceled/terminated) jobs."
        ),
    ] = False,
    reinitialize: Annotated[
        bool,
        typer.Option("--reinitialize", "-r", help="Reinitialize the workflow after resetting."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Reset even if jobs are pending or running.")
    ] = False,
    no_prompts: NoPrompts = False,
) -> None:
    """Reset workflow and job status: start a new run and put jobs back to uninitialized."""
    api = cli(ctx).api
    chosen = choose_workflow(ctx, workflow_id)
    which = "failed" if failed_only else "all"
    if not confirm(ctx, f"Reset {which} jobs of workflow {chosen}?", no_prompts=no_prompts):
        typer.echo("Reset canceled")
        return
    result = reset_workflow_status(api, chosen, failed_only=failed_only, force=force)
    lines = [f"Successfully reset {result.updated_count} job(s) of workflow {chosen} ({which})"]
    report: dict[str, Any] = {**result.model_dump(mode="json"), "reinitialized": reinitialize}
    if reinitialize:
        with user_errors():
            outcome = reinitialize_workflow(api, chosen, force=force, new_run=False)
        lines.append(f"Reinitialized workflow {chosen}")
        report["changed_jobs"] = outcome.reset_jobs
    emit(ctx, report, text="\n".join(lines))


@commands.command()
def cancel(ctx: typer.Context, workflow_id: WorkflowIdArg = None) -> None:
    """Cancel a workflow and all its Slurm jobs."""
    chosen = choose_workflow(ctx, workflow_id)
    with user_errors():
        slurm_jobs = cancel_workflow(cli(ctx).api, chosen)
    lines = [f"Successfully canceled workflow {chosen}"]
    if slurm_jobs:
        lines.append(f"Canceled Slurm jobs: {', '.join(slurm_jobs)}")
    emit(
        ctx,
        {"workflow_id": chosen, "status": "canceled", "slurm_jobs_canceled": slurm_jobs},
        text="\n".join(lines),
    )
