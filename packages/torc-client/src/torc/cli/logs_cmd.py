"""``torc logs``: bundle a workflow's logs into a tarball, and scan logs for known errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from torc.cli.common import CliError, choose_workflow, cli, emit, plain
from torc.cli.groups import new_group
from torc.logs import analysis as log_analysis
from torc.logs import bundle as log_bundle

app = new_group()


@app.command("bundle")
def bundle(
    ctx: typer.Context,
    workflow_id: Annotated[
        int | None, typer.Argument(help="Workflow ID to bundle logs for.")
    ] = None,
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir", "-o", help="Where the logs are (the directory given to torc run)."
        ),
    ] = Path("output"),
    bundle_dir: Annotated[
        Path, typer.Option("--bundle-dir", help="Directory to write wf<id>.tar.gz to.")
    ] = Path("."),
) -> None:
    """Bundle all log files of a workflow into wf<id>.tar.gz."""
    workflow_id = choose_workflow(ctx, workflow_id)
    workflow = cli(ctx).api.get_workflow(workflow_id)
    try:
        made = log_bundle.create_bundle(plain(workflow), output_dir, bundle_dir)
    except log_bundle.BundleError as exc:
        raise CliError(str(exc)) from None
    if not made.files:
        typer.echo(f"Warning: no log files of workflow {workflow_id} in {output_dir}", err=True)
    data = {
        "bundle": str(made.path),
        "workflow_id": workflow_id,
        "files": [vars(f) for f in made.files],
        "total_size_bytes": made.total_size_bytes,
    }
    text = (
        f"Created {made.path}: {len(made.files)} log file(s), {made.total_size_bytes} bytes, "
        f"workflow {workflow_id} ({workflow.name})\nAnalyze it with: torc logs analyze {made.path}"
    )
    emit(ctx, data, text=text)


@app.command("analyze")
def analyze(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A bundle (wf<id>.tar.gz) or a log directory.")],
    workflow_id: Annotated[
        int | None,
        typer.Option(
            "--workflow-id", "-w", help="Workflow whose logs to scan (when several are there)."
        ),
    ] = None,
) -> None:
    """Scan log files for known error patterns (OOM, tracebacks, time limits, ...)."""
    try:
        result = log_analysis.analyze(path, workflow_id)
    except log_analysis.AnalysisError as exc:
        raise CliError(str(exc)) from None
    emit(ctx, result.to_json(), text=lambda: report(result))


def report(result: log_analysis.Analysis) -> str:
    """The layout of the original's ``torc logs analyze``: findings grouped by file."""
    lines = ["Log Analysis Results", "====================", f"Analyzing: {result.path}"]
    if result.workflow_id is not None:
        lines.append(f"Workflow ID: {result.workflow_id}")
    if result.bundle:
        lines.append(f"Collected: {result.bundle.get('collected_at')}")
    by_file: dict[str, list[log_analysis.Finding]] = {}
    for finding in result.findings:
        by_file.setdefault(finding.file, []).append(finding)
    if by_file:
        lines.append("Files with detected errors:")
        for file, findings in by_file.items():
            lines.append(f"  {file}")
            for finding in findings:
                lines += [
                    f"    Line {finding.line}: {finding.text}",
                    f"    Severity: {finding.severity}",
                    f"    Type: {finding.type}",
                ]
            if file in result.omitted:
                lines.append(f"    ... {result.omitted[file]} more matching line(s) not shown")
    else:
        lines.append("No known error patterns found.")
    lines += [
        "Summary:",
        f"  Total files scanned: {result.files_scanned}",
        f"  Files with errors: {len(result.files_with_errors)}",
        f"  Error types found: {', '.join(result.error_types) or 'none'}",
    ]
    return "\n".join(lines)
