"""``torc workflows create | execution-plan | export | import``: workflows in and out of
files. Specs are read by :mod:`torc.spec` (imported only by these commands, so the rest
of the CLI starts without loading the spec parsers); export and import are
:mod:`torc.workflows.export_import`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from torc.cli.common import CliError, choose_workflow, cli, current_user, emit
from torc.cli.records import WorkflowIdArg, progress_bar, user_errors
from torc.workflows.export_import import export_workflow, import_workflow, read_document
from torc.workflows.plan import ExecutionPlan, plan_for_spec, plan_for_workflow

commands = typer.Typer()


@contextmanager
def spec_errors() -> Iterator[None]:
    """A bad spec is the user's to fix: ``FILE:LINE: message``, exit 1, no traceback."""
    from torc.spec import SpecError

    try:
        yield
    except SpecError as exc:
        raise CliError(str(exc)) from None


@commands.command()
def create(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Workflow spec file (JSON, JSON5, YAML or KDL).", metavar="FILE")
    ],
    user: Annotated[
        str | None,
        typer.Option(
            "--user", "-u", help="User that owns the workflow [default: the authenticated user]."
        ),
    ] = None,
    no_resource_monitoring: Annotated[
        bool,
        typer.Option(
            "--no-resource-monitoring",
            help="Disable resource monitoring (default: summary granularity, 5 s samples).",
        ),
    ] = False,
    skip_checks: Annotated[
        bool,
        typer.Option("--skip-checks", help="Skip validation checks (e.g. scheduler node needs)."),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate and summarize the spec without creating it."),
    ] = False,
) -> None:
    """Create a workflow from a specification file (JSON, JSON5, YAML or KDL)."""
    from torc.spec import (
        create_workflow_from_spec,
        expand_spec,
        format_summary,
        load_spec,
        summarize,
    )

    with spec_errors():
        if dry_run:
            summary = summarize(expand_spec(load_spec(file)))
            emit(ctx, summary, text=format_summary(summary))
            if not summary["valid"] and not skip_checks:
                raise typer.Exit(1)
            return
        api = cli(ctx).api
        with progress_bar() as progress:
            workflow_id = create_workflow_from_spec(
                api,
                file,
                user=user or current_user(),
                skip_checks=skip_checks,
                no_resource_monitoring=no_resource_monitoring,
                progress=progress,
            )
    jobs = api.list_jobs(workflow_id, limit=1).total_count
    emit(
        ctx,
        api.get_workflow(workflow_id),
        text=f"Created workflow {workflow_id} with {jobs} jobs",
    )


@commands.command("execution-plan")
def execution_plan(
    ctx: typer.Context,
    spec_or_id: Annotated[
        str, typer.Argument(help="Path to a spec file, or a workflow ID.", metavar="SPEC_OR_ID")
    ],
) -> None:
    """Show the execution plan (stages of jobs becoming ready) of a spec or a workflow."""
    plan: ExecutionPlan
    with user_errors():
        if Path(spec_or_id).is_file():
            from torc.spec import expand_spec, load_spec

            with spec_errors():
                plan = plan_for_spec(expand_spec(load_spec(spec_or_id)))
        elif spec_or_id.isdigit():
            plan = plan_for_workflow(cli(ctx).api, int(spec_or_id))
        else:
            raise CliError(f"'{spec_or_id}' is neither a spec file nor a workflow ID")
    emit(ctx, plan.as_dict(), text=plan.text)


@commands.command()
def export(
    ctx: typer.Context,
    workflow_id: WorkflowIdArg = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
    include_results: Annotated[
        bool, typer.Option("--include-results", help="Include job results.")
    ] = False,
    include_events: Annotated[
        bool, typer.Option("--include-events", help="Include events (workflow history).")
    ] = False,
) -> None:
    """Export a workflow to a portable JSON file.

    The export can be imported into this or another server; IDs are kept in the document
    and remapped on import.
    """
    chosen = choose_workflow(ctx, workflow_id)
    with progress_bar() as progress:
        document = export_workflow(
            cli(ctx).api,
            chosen,
            include_results=include_results,
            include_events=include_events,
            progress=progress,
        )
    text = json.dumps(document, indent=2)
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text + "\n")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from None
    counts = {key: len(document.get(key, [])) for key in ("jobs", "files", "user_data")}
    counts.update({key: len(document.get(key, [])) for key in ("results", "events")})
    name = document["workflow"].get("name")
    summary = {
        "success": True,
        "workflow_id": chosen,
        "workflow_name": name,
        "output_file": str(output),
        **counts,
    }
    emit(
        ctx,
        summary,
        text=f"Exported workflow {chosen} ({name}) to {output}: "
        + ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items()),
    )


@commands.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="Exported JSON file, or - for standard input.", metavar="FILE")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Name for the imported workflow.")
    ] = None,
    skip_results: Annotated[
        bool, typer.Option("--skip-results", help="Do not import results.")
    ] = False,
    skip_events: Annotated[
        bool, typer.Option("--skip-events", help="Do not import events.")
    ] = False,
) -> None:
    """Import a workflow from an exported JSON file.

    All IDs are new; jobs start uninitialized (run `torc workflows initialize` next).
    """
    with user_errors():
        document = read_document(file)
        with progress_bar() as progress:
            outcome = import_workflow(
                cli(ctx).api,
                document,
                name=name,
                user=current_user(),
                skip_results=skip_results,
                skip_events=skip_events,
                progress=progress,
            )
    emit(ctx, {"success": True, **vars(outcome)}, text=outcome.text)
