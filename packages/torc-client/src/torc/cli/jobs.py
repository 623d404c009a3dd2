"""``torc jobs``: create, list, inspect, change and delete jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import CliError, choose_workflow, cli, emit, fetch_all
from torc.cli.groups import new_group
from torc.cli.records import (
    NewName,
    RequiredWorkflowIdArg,
    WorkflowIdArg,
    add_get,
    add_list,
    add_update,
    created_text,
    option,
    parse_ids,
    progress_bar,
    show_list,
)
from torc.cli.spawn import spawn
from torc.workflows.jobs_from_file import create_jobs_from_commands, read_commands

app = new_group()

COLUMNS = ["id", "name", "status", "command"]
RELATIONSHIPS = [
    "depends_on_job_ids",
    "input_file_ids",
    "output_file_ids",
    "input_user_data_ids",
    "output_user_data_ids",
]


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the job.")],
    command: Annotated[str, typer.Option("--command", "-c", help="Command the job runs.")],
    workflow_id: WorkflowIdArg = None,
    resource_requirements_id: Annotated[
        int | None,
        typer.Option("--resource-requirements-id", "-r", help="ID of its resource requirements."),
    ] = None,
    blocking_job_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--blocking-job-ids", "-b", help="IDs of jobs that block this job (1,2 or repeated)."
        ),
    ] = None,
    input_file_ids: Annotated[
        list[str] | None,
        typer.Option("--input-file-ids", "-i", help="IDs of files the job reads."),
    ] = None,
    output_file_ids: Annotated[
        list[str] | None,
        typer.Option("--output-file-ids", "-o", help="IDs of files the job writes."),
    ] = None,
) -> None:
    """Create a new job."""
    model = m.JobModel(
        workflow_id=choose_workflow(ctx, workflow_id),
        name=name,
        command=command,
        resource_requirements_id=resource_requirements_id,
        depends_on_job_ids=parse_ids(blocking_job_ids, "--blocking-job-ids"),
        input_file_ids=parse_ids(input_file_ids, "--input-file-ids"),
        output_file_ids=parse_ids(output_file_ids, "--output-file-ids"),
    )
    job = cli(ctx).api.create_job(model)
    fields = [
        ("ID", "id"),
        ("Workflow ID", "workflow_id"),
        ("Name", "name"),
        ("Command", "command"),
    ]
    emit(ctx, job, text=created_text("created job", job, fields))


@app.command("create-from-file")
def create_from_file(
    ctx: typer.Context,
    workflow_id: RequiredWorkflowIdArg,
    file: Annotated[
        Path, typer.Argument(help="Text file with one command per line (# starts a comment).")
    ],
    cpus_per_job: Annotated[int, typer.Option("--cpus-per-job", help="CPUs each job needs.")] = 1,
    memory_per_job: Annotated[
        str, typer.Option("--memory-per-job", help='Memory each job needs, e.g. "1m", "2g".')
    ] = "1m",
    runtime_per_job: Annotated[
        str,
        typer.Option("--runtime-per-job", help="Runtime per job, ISO 8601 (P0DT1M = 1 minute)."),
    ] = "P0DT1M",
) -> None:
    """Create jobs from a text file with one command per line.

    Jobs are named job1, job2, ... after the workflow's existing jobs and share one new
    resource requirements record.
    """
    try:
        commands = read_commands(file)
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror}") from None
    if not commands:
        raise CliError(f"{file} has no commands")
    with progress_bar() as progress:
        jobs = create_jobs_from_commands(
            cli(ctx).api,
            workflow_id,
            commands,
            num_cpus=cpus_per_job,
            memory=memory_per_job,
            runtime=runtime_per_job,
            progress=progress,
        )
    emit(ctx, jobs, key="jobs", text=f"Created {len(jobs)} jobs in workflow {workflow_id}")


add_list(
    app,
    TorcApi.list_jobs,
    key="jobs",
    columns=lambda values: COLUMNS + (RELATIONSHIPS if values["include_relationships"] else []),
    doc="List jobs.",
    filters={
        "status": (option(m.JobStatus | None, "--status", "-s", help="Only this status."), None),
        "upstream_job_id": (
            option(int | None, "--upstream-job-id", help="Only jobs that depend on this job."),
            None,
        ),
        "include_relationships": (
            option(
                bool,
                "--include-relationships",
                help="Include dependency, file and user data IDs (slower but more complete).",
            ),
            False,
        ),
    },
    adapt=lambda values: {
        **values,
        "include_relationships": values["include_relationships"] or None,
    },
)


def _get_job(api: TorcApi, job_id: int) -> Any:
    """The job, with the recovery history of its requirements when it has one."""
    from torc.recovery.history import with_history

    return with_history(api, api.get_job(job_id))


add_get(app, "job", _get_job)
app.command("spawn")(spawn)


add_update(
    app,
    "job",
    TorcApi.get_job,
    TorcApi.update_job,
    {
        "name": (NewName, None),
        "command": (option(str | None, "--command", "-c", help="New command."), None),
    },
    # sent unset: a full replace must not undo a status change made meanwhile
    cleared=["status"],
)


@app.command()
def delete(
    ctx: typer.Context,
    ids: Annotated[list[int], typer.Argument(help="IDs of the jobs to delete.")],
) -> None:
    """Delete one or more jobs."""
    api = cli(ctx).api
    deleted = [api.delete_job(job_id) for job_id in ids]
    emit(
        ctx,
        deleted,
        key="jobs",
        text=lambda: "\n".join(f"Successfully deleted job {i}" for i in ids),
    )


@app.command("delete-all")
def delete_all(ctx: typer.Context, workflow_id: WorkflowIdArg = None) -> None:
    """Delete all jobs of a workflow."""
    chosen = choose_workflow(ctx, workflow_id)
    count = cli(ctx).api.delete_jobs(chosen).count
    emit(ctx, {"workflow_id": chosen, "count": count}, text=f"Deleted {count} jobs")


def _with_requirements(
    api: TorcApi, workflow_id: int, jobs: list[m.JobModel]
) -> list[dict[str, Any]]:
    requirements = {
        r.id: r for r in fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
    }
    rows = []
    for job in jobs:
        rr = requirements.get(job.resource_requirements_id)
        values = rr.model_dump(exclude={"id", "workflow_id"}) if rr else {}
        rows.append(
            {
                "job_id": job.id,
                "job_name": job.name,
                "resource_requirements_id": job.resource_requirements_id,
                "requirements_name": values.pop("name", None),
                **values,
            }
        )
    return rows


@app.command("list-resource-requirements")
def list_resource_requirements(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    job_id: Annotated[int | None, typer.Option("--job-id", "-j", help="Only this job.")] = None,
) -> None:
    """List jobs with their resource requirements."""
    api = cli(ctx).api
    chosen = choose_workflow(ctx, workflow_id)
    if job_id is not None:
        jobs = [api.get_job(job_id)]
    else:
        jobs = fetch_all(lambda o: api.list_jobs(chosen, offset=o))
    rows = _with_requirements(api, chosen, jobs)
    columns = ["job_id", "job_name", "requirements_name", "num_cpus", "num_gpus", "num_nodes"]
    show_list(ctx, rows, key="jobs", columns=[*columns, "memory", "runtime"])
