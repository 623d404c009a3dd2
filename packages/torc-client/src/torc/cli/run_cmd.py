"""Running workflows: ``torc run``, ``torc workflows run`` and ``torc exec``.

The runner, the spec loader and the models are imported inside the commands: with ``-s``
the private server boots meanwhile, and ``torc --help`` does not load them at all.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from torc.cli.common import CliError, cli, current_user, emit

if TYPE_CHECKING:
    from torc.api import TorcApi

MaxParallel = Annotated[
    int | None,
    typer.Option("--max-parallel-jobs", help="Run at most N jobs at a time, ignoring resources."),
]
NumCpus = Annotated[int | None, typer.Option("--num-cpus", help="CPUs available (default: all).")]
MemoryGb = Annotated[float | None, typer.Option("--memory-gb", help="Memory in GB (default: all).")]
NumGpus = Annotated[int | None, typer.Option("--num-gpus", help="GPUs (default: detected).")]
JobCgroupsFlag = Annotated[
    bool | None,
    typer.Option(
        "--job-cgroups/--no-job-cgroups",
        help="Run each job in its own memory cgroup limited to its memory requirement, so "
        "OOM kills are detected (default: client.run.job_cgroups; ignored where cgroups "
        "cannot be created).",
        show_default=False,
    ),
]
PollInterval = Annotated[
    float | None, typer.Option("--poll-interval", "-p", help="Seconds between polls when idle.")
]


def run_workflow(
    ctx: typer.Context,
    workflow_id: int,
    *,
    output_dir: Path | None,
    poll_interval: float | None,
    max_parallel_jobs: int | None,
    num_cpus: int | None = None,
    memory_gb: float | None = None,
    num_gpus: int | None = None,
    skip_checks: bool = False,
    created: bool = False,
    job_cgroups: bool | None = None,
) -> None:
    """Initialize if needed, run until the workflow is done, print a summary.

    ``created``: the command just created the workflow, so it is uninitialized (one
    question to the server fewer)."""
    from torc.cli.progress import ProgressView
    from torc.runner import JobRunner, RunnerOptions

    state = cli(ctx)
    api, config = state.runner_api, state.config
    if created or api.is_workflow_uninitialized(workflow_id).is_uninitialized:
        if not skip_checks:
            check_required_files(api, workflow_id)
        api.initialize_jobs(workflow_id, only_uninitialized=True)
    options = RunnerOptions(
        output_dir=output_dir or Path(config.get("client.run.output_dir")),
        poll_interval=poll_interval or config.get("client.run.poll_interval"),
        max_parallel_jobs=max_parallel_jobs or config.get("client.run.max_parallel_jobs"),
        num_cpus=num_cpus or config.get("client.run.num_cpus"),
        memory_gb=memory_gb or config.get("client.run.memory_gb"),
        num_gpus=num_gpus if num_gpus is not None else config.get("client.run.num_gpus"),
        job_cgroups=bool(
            job_cgroups if job_cgroups is not None else config.get("client.run.job_cgroups")
        ),
    )
    view = ProgressView(lambda: api.list_job_ids(workflow_id).count)
    runner = JobRunner(api, workflow_id, options, on_progress=view.update)
    if view.live is not None:
        with view.live:
            summary = runner.run()
    else:
        summary = runner.run()
    report = {
        "workflow_id": workflow_id,
        "completed": summary.completed,
        "failed": summary.failed,
        "canceled": summary.canceled,
        "terminated": summary.terminated,
        "retried": summary.retried,
        "output_dir": str(options.output_dir),
    }
    emit(
        ctx,
        report,
        text=lambda: (
            f"Workflow {workflow_id}: {summary.completed} completed, {summary.failed} failed, "
            f"{summary.canceled} canceled, {summary.terminated} terminated "
            f"(logs in {options.output_dir})"
        ),
    )
    if summary.unfit:
        shown = "; ".join(summary.unfit[:5]) + ("; ..." if len(summary.unfit) > 5 else "")
        raise CliError(
            f"workflow {workflow_id} cannot finish on this node: {shown}. Run it where the jobs "
            "fit (e.g. a Slurm allocation), or lower their resource requirements"
        )
    if summary.failed or summary.canceled or summary.terminated:
        raise typer.Exit(1)


def check_required_files(api: TorcApi, workflow_id: int) -> None:
    """Input files no job produces must exist before the workflow starts."""
    required = api.list_required_existing_files(workflow_id).files
    missing = []
    for file_id in required:
        record = api.get_file(file_id)
        if not Path(record.path).exists():
            missing.append(record.path)
    if missing:
        listed = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise CliError(f"input files are missing: {listed} (create them or pass --skip-checks)")


def run(
    ctx: typer.Context,
    workflow_spec_or_id: Annotated[
        str, typer.Argument(help="Spec file (YAML/JSON/JSON5/KDL) or workflow ID.")
    ],
    max_parallel_jobs: MaxParallel = None,
    num_cpus: NumCpus = None,
    memory_gb: MemoryGb = None,
    num_gpus: NumGpus = None,
    poll_interval: PollInterval = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-o", help="Output directory for job logs.")
    ] = None,
    skip_checks: Annotated[
        bool, typer.Option("--skip-checks", help="Skip validation checks.")
    ] = False,
    job_cgroups: JobCgroupsFlag = None,
) -> None:
    """Run a workflow locally (create it from a spec file, or run an existing one by ID)."""
    created = not workflow_spec_or_id.isdigit()
    if created:
        from torc.spec import SpecError, load_spec

        try:
            spec = load_spec(Path(workflow_spec_or_id))  # while a private server boots
        except SpecError as exc:
            raise CliError(str(exc)) from None
        workflow_id = create_from_spec(ctx, spec, skip_checks=skip_checks)
    else:
        workflow_id = int(workflow_spec_or_id)
    run_workflow(
        ctx,
        workflow_id,
        output_dir=output_dir,
        poll_interval=poll_interval,
        max_parallel_jobs=max_parallel_jobs,
        num_cpus=num_cpus,
        memory_gb=memory_gb,
        num_gpus=num_gpus,
        skip_checks=skip_checks,
        created=created,
        job_cgroups=job_cgroups,
    )


def create_from_spec(ctx: typer.Context, spec: Any, *, skip_checks: bool) -> int:
    """Create the workflow of a loaded spec, owned by the current user; says so on stderr."""
    from torc.spec import SpecError, create_workflow_from_spec

    try:
        workflow_id = create_workflow_from_spec(
            cli(ctx).api, spec, user=current_user(), skip_checks=skip_checks
        )
    except SpecError as exc:
        raise CliError(str(exc)) from None
    typer.echo(f"Created workflow {workflow_id}", err=True)
    return workflow_id


def workflows_run(
    ctx: typer.Context,
    workflow_id: Annotated[int, typer.Argument(help="Workflow to run.")],
    poll_interval: PollInterval = None,
    max_parallel_jobs: MaxParallel = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help="Output directory for job logs.")
    ] = None,
    job_cgroups: JobCgroupsFlag = None,
) -> None:
    """Run a workflow locally on the current node."""
    run_workflow(
        ctx,
        workflow_id,
        output_dir=output_dir,
        poll_interval=poll_interval,
        max_parallel_jobs=max_parallel_jobs,
        job_cgroups=job_cgroups,
    )


def exec_commands(
    ctx: typer.Context,
    commands: Annotated[
        list[str] | None, typer.Argument(help="Commands to run, one job each.")
    ] = None,
    commands_file: Annotated[
        Path | None, typer.Option("--commands-file", "-C", help="File with one command per line.")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Jobs to run at a time (default: CPUs).")
    ] = None,
    name: Annotated[str, typer.Option("--name", "-n", help="Workflow name.")] = "exec",
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-o", help="Output directory for job logs.")
    ] = None,
) -> None:
    """Run shell commands as a workflow of independent jobs."""
    lines = list(commands or [])
    if commands_file is not None:
        try:
            text = commands_file.read_text()
        except OSError as exc:
            raise CliError(f"cannot read {commands_file}: {exc.strerror}") from None
        lines += [
            ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
        ]
    if not lines:
        raise CliError("no commands: give them as arguments or with -C FILE")
    import torc_models as m

    api = cli(ctx).api
    workflow = api.create_workflow(
        m.WorkflowModel(
            name=name, user=current_user(), description=f"torc exec of {len(lines)} commands"
        )
    )
    assert workflow.id is not None
    width = len(str(len(lines)))
    batch = [
        m.JobModel(workflow_id=workflow.id, name=f"command_{i:0{width}d}", command=command)
        for i, command in enumerate(lines, start=1)
    ]
    for start in range(0, len(batch), 10_000):
        api.create_jobs(m.JobsModel(jobs=batch[start : start + 10_000]))
    typer.echo(
        f"Created workflow {workflow.id} with {len(lines)} jobs "
        f"({shlex.quote(lines[0])}{' ...' if len(lines) > 1 else ''})",
        err=True,
    )
    run_workflow(
        ctx,
        workflow.id,
        output_dir=output_dir,
        poll_interval=None,
        max_parallel_jobs=jobs,
        created=True,
    )
