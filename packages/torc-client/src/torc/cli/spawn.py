"""``torc jobs spawn``: a running shell job adds jobs to its own workflow.

The shell side of :func:`torc.dynamic.spawn_jobs`: the jobs come from a JSON or YAML
file (``-`` reads standard input), either a list of jobs or an object with ``jobs`` and
optionally ``lineage`` and ``state``; ``--lineage`` and ``--state`` override the file's.
The calling job is ``TORC_JOB_ID``, which the job runner sets. The client used is the job
runner's, which retries while the server restarts: the server answers a repeated call
with the jobs the first one made.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from torc.cli.common import CliError, cli, emit, parse_json_option


def _read(source: str) -> Any:
    """The file's data: JSON when it parses as JSON, else YAML."""
    import yaml

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CliError(f"{source} is neither JSON nor YAML: {exc}") from None


def _fields(source: str, data: Any) -> dict[str, Any]:
    if isinstance(data, list):
        return {"jobs": data}
    if isinstance(data, dict) and isinstance(data.get("jobs"), list):
        return data
    raise CliError(
        f"{source} must hold a list of jobs or an object with a 'jobs' list, e.g. "
        '[{"name": "next", "command": "echo next", "depends_on": ["other"]}]'
    )


def _problems(exc: ValueError) -> str:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
    )


def spawn(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Option("--file", help="JSON or YAML file with the jobs to add ('-': stdin).")
    ],
    lineage: Annotated[
        str | None,
        typer.Option(
            "--lineage", help="Lineage of the iteration (default: inherited or the job's name)."
        ),
    ] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="JSON state to keep with this iteration.")
    ] = None,
    job_id: Annotated[
        int | None,
        typer.Option("--job-id", envvar="TORC_JOB_ID", help="The calling (running) job."),
    ] = None,
) -> None:
    """Add jobs to the running job's workflow, blocked on the job (for shell jobs)."""
    from torc.dynamic import build_request

    if job_id is None:
        raise CliError("TORC_JOB_ID is not set: run `torc jobs spawn` inside a torc job")
    fields = _fields(file, _read(file))
    chosen_state = parse_json_option(state, "--state") if state is not None else fields.get("state")
    try:
        request = build_request(
            fields["jobs"], lineage=lineage or fields.get("lineage"), state=chosen_state
        )
    except ValueError as exc:
        raise CliError(f"{file}: {_problems(exc)}") from None
    reply = cli(ctx).runner_api.spawn_jobs(job_id, request)
    ids = ", ".join(str(i) for i in reply.spawned_job_ids)
    done = f"Spawned {len(reply.spawned_job_ids)} jobs ({ids})" if ids else "Recorded the state"
    emit(ctx, reply, text=f"{done}; lineage iteration {reply.iteration}")
