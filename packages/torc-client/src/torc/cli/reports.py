"""``torc reports``: summaries and checks over a workflow's results (see
:mod:`torc.reports.results`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from torc.cli.common import choose_workflow, cli, emit, print_json, print_table
from torc.cli.groups import new_group
from torc.cli.records import WorkflowIdArg, user_errors
from torc.reports.failed import FAILED_COLUMNS
from torc.reports.results import check_utilization, results_report, summary_text, workflow_summary

app = new_group()
USAGE_COLUMNS = ["job_id", "job_name", "resource_type", "specified", "peak_used"]
USAGE_COLUMNS += ["over_utilization"]


@app.command()
def summary(ctx: typer.Context, workflow_id: WorkflowIdArg = None) -> None:
    """Summarize a workflow's results: jobs by status, execution time and wall time."""
    report = workflow_summary(cli(ctx).api, choose_workflow(ctx, workflow_id))
    emit(ctx, report, text=lambda: summary_text(report))


@app.command("check-resource-utilization")
def check_resource_utilization(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    run_id: Annotated[
        int | None, typer.Option("--run-id", "-r", help="Run to check (default: the latest).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Show all jobs, not only those over their limits.")
    ] = False,
    include_failed: Annotated[
        bool,
        typer.Option("--include-failed", help="Include failed and terminated jobs."),
    ] = False,
) -> None:
    """Report jobs that used more memory, CPU or time than their resource requirements."""
    chosen = choose_workflow(ctx, workflow_id)
    report = check_utilization(cli(ctx).api, chosen, run_id=run_id, include_failed=include_failed)
    if not show_all:
        report.pop("usage")
    if cli(ctx).json:
        print_json(report)
        return
    count = report["over_utilization_count"]
    if count:
        typer.echo(f"⚠ Found {count} resource over-utilization violations:")
    else:
        typer.echo(f"All {report['total_results']} jobs completed within resource limits.")
    rows = report["usage"] if show_all else report["violations"]
    if rows:
        print_table(rows, USAGE_COLUMNS)
    if include_failed:
        failed = report["failed_jobs"]
        typer.echo(f"\n{len(failed)} failed job(s):" if failed else "\nNo failed jobs.")
        if failed:
            print_table(failed, FAILED_COLUMNS)


@app.command()
def results(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="Directory the job logs were written to (default: client.run.output_dir, "
            "i.e. output).",
            show_default=False,
        ),
    ] = None,
    all_runs: Annotated[
        bool, typer.Option("--all-runs", help="Include all runs of each job, not only the latest.")
    ] = False,
    job_id: Annotated[int | None, typer.Option("--job-id", "-j", help="Only this job.")] = None,
) -> None:
    """Generate a JSON report of job results with the paths of their log files.

    Warnings about missing log files go to stderr.
    """
    chosen = choose_workflow(ctx, workflow_id)
    directory = output_dir or Path(cli(ctx).config.get("client.run.output_dir") or "output")
    with user_errors():
        outcome = results_report(cli(ctx).api, chosen, directory, all_runs=all_runs, job_id=job_id)
    for warning in outcome.warnings:
        typer.echo(warning, err=True)
    print_json(outcome.report)
