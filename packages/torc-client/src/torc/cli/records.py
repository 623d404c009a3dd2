"""Shapes shared by the record command groups: common options, paged listings, the
list/get/update/delete commands every record type has, confirmations, progress and
error mapping.

Each group (files, jobs, events, ...) differs only in its API calls, columns and filters,
so those commands are generated here from a description (``add_list``, ``add_get``,
``add_update``, ``add_delete``) and all groups behave alike.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from torc.api import TorcApi
from torc.cli.common import CliError, choose_workflow, cli, emit, print_table
from torc.paging import Page, fetch_range
from torc.workflows.export_import import ExportFormatError
from torc.workflows.operations import WorkflowError
from torc.workflows.plan import CycleError

WorkflowIdArg = Annotated[
    int | None,
    typer.Argument(
        help="Workflow ID (optional: prompts on a terminal if not given).",
        metavar="WORKFLOW_ID",
        show_default=False,
    ),
]
RequiredWorkflowIdArg = Annotated[int, typer.Argument(help="Workflow ID.", metavar="WORKFLOW_ID")]
Limit = Annotated[int, typer.Option("--limit", "-l", help="Maximum number of records to return.")]
Offset = Annotated[int, typer.Option("--offset", help="Number of records to skip.")]
OffsetO = Annotated[int, typer.Option("--offset", "-o", help="Number of records to skip.")]
SortBy = Annotated[str | None, typer.Option("--sort-by", help="Field to sort by.")]
SortByS = Annotated[str | None, typer.Option("--sort-by", "-s", help="Field to sort by.")]
Reverse = Annotated[bool, typer.Option("--reverse-sort", help="Reverse the sort order.")]
ReverseR = Annotated[bool, typer.Option("--reverse-sort", "-r", help="Reverse the sort order.")]
NewName = Annotated[str | None, typer.Option("--name", "-n", help="New name.")]
DEFAULT_LIMIT = 10_000
M = TypeVar("M", bound=BaseModel)
Option = tuple[Any, Any]
"""An option of a generated command: its ``Annotated`` type and its default."""
PAGING: dict[str, dict[str, Option]] = {
    "long": {"offset": (Offset, 0), "sort_by": (SortBy, None), "reverse_sort": (Reverse, False)},
    "short": {
        "offset": (OffsetO, 0),
        "sort_by": (SortByS, None),
        "reverse_sort": (ReverseR, False),
    },
    "offset_o": {
        "offset": (OffsetO, 0),
        "sort_by": (SortBy, None),
        "reverse_sort": (Reverse, False),
    },
    "plain": {"offset": (Offset, 0)},
}
"""Paging options besides ``--limit``: the groups differ in their short forms."""


def list_records(
    ctx: typer.Context,
    fetch: Callable[[int, int], Page[Any]],
    *,
    offset: int,
    limit: int,
    key: str,
    columns: Sequence[str],
    rows: Callable[[list[Any]], list[Any]] | None = None,
    keep: Callable[[Any], bool] | None = None,
    title: str | None = None,
) -> None:
    """Fetch ``limit`` records from ``offset`` (across pages) and print them.

    JSON output is ``{key: [...]}`` with the full records; tables show ``columns`` of the
    records, or of ``rows(records)`` when a table needs derived values, and a total.
    ``keep`` filters what the API cannot.
    """
    if limit < 0 or offset < 0:
        raise CliError("--limit and --offset must not be negative")
    records = fetch_range(fetch, offset, limit)
    if keep is not None:
        records = [record for record in records if keep(record)]
    show_list(ctx, records, key=key, columns=columns, rows=rows, title=title)


def show_list(
    ctx: typer.Context,
    records: list[Any],
    *,
    key: str,
    columns: Sequence[str],
    rows: Callable[[list[Any]], list[Any]] | None = None,
    title: str | None = None,
) -> None:
    """JSON ``{key: [...]}``; or a table (of ``rows(records)`` if given) and a total."""
    label = key.replace("_", " ")
    if cli(ctx).json:
        emit(ctx, records, key=key)
    elif not records:
        typer.echo(f"No {label} found")
    else:
        if title:
            typer.echo(title)
        print_table(rows(records) if rows else records, columns)
        typer.echo(f"Total: {len(records)} {label}")


def option(kind: Any, *names: str, help: str) -> Any:
    """``Annotated[kind, typer.Option(*names, help=help)]``, for generated commands."""
    return Annotated[kind, typer.Option(*names, help=help)]


def _command(
    app: typer.Typer,
    name: str,
    doc: str,
    body: Callable[..., None],
    params: Mapping[str, Option],
) -> None:
    """Register ``body(ctx, **values)`` as a command whose options are ``params``.

    The generated groups share one body per command shape; typer reads the options from
    the signature, which is built here instead of being written out in every group.
    """
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = [inspect.Parameter("ctx", kind, annotation=typer.Context)]
    signature += [
        inspect.Parameter(key, kind, annotation=annotation, default=default)
        for key, (annotation, default) in params.items()
    ]

    def command(ctx: typer.Context, **values: Any) -> None:
        body(ctx, **values)

    command.__doc__ = doc
    setattr(command, "__signature__", inspect.Signature(signature))  # noqa: B010
    app.command(name)(command)


def add_list(
    app: typer.Typer,
    method: Callable[..., Page[Any]],
    *,
    key: str,
    columns: Sequence[str] | Callable[[dict[str, Any]], Sequence[str]],
    doc: str,
    filters: Mapping[str, Option] | None = None,
    paging: Literal["long", "short", "offset_o", "plain"] = "long",
    default_limit: int = DEFAULT_LIMIT,
    scoped: bool = True,
    adapt: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    rows: Callable[[list[Any]], list[Any]] | None = None,
    keep: Callable[[dict[str, Any]], Callable[[Any], bool] | None] | None = None,
    title: Callable[[int], str] | None = None,
    name: str = "list",
) -> None:
    """``list [WORKFLOW_ID] [filters] [paging]``: a paged API listing as a table or JSON.

    Option values are passed to ``method`` as keyword arguments of the same name, after
    ``adapt`` (for options that are not API parameters or need converting). ``columns``
    and ``keep`` may depend on the options; ``scoped=False`` lists without a workflow.
    """
    params: dict[str, Option] = {"workflow_id": (WorkflowIdArg, None)} if scoped else {}
    params.update(filters or {})
    params["limit"] = (Limit, default_limit)
    params.update(PAGING[paging])

    def body(ctx: typer.Context, **values: Any) -> None:
        api = cli(ctx).api
        workflow = choose_workflow(ctx, values.pop("workflow_id")) if scoped else None
        limit, offset = values.pop("limit"), values.pop("offset")
        query = adapt(dict(values)) if adapt else values
        scope = (api,) if workflow is None else (api, workflow)
        list_records(
            ctx,
            lambda o, n: method(*scope, offset=o, limit=n, **query),
            offset=offset,
            limit=limit,
            key=key,
            columns=columns(values) if callable(columns) else columns,
            rows=rows,
            keep=keep(values) if keep else None,
            title=title(workflow or 0) if title else None,
        )

    _command(app, name, doc, body, params)


def add_update(
    app: typer.Typer,
    noun: str,
    fetch: Callable[[TorcApi, int], M],
    save: Callable[[TorcApi, int, M], M],
    options: Mapping[str, tuple[Any, Callable[[Any], Any] | None]],
    *,
    cleared: Sequence[str] = (),
) -> None:
    """``update <ID> [options]``: each option given replaces one field of the record.

    ``options`` maps a record field to its option type and a converter for the raw value
    (e.g. JSON text to data); ``cleared`` fields are sent unset.
    """
    params = _id_param(noun)
    params.update({field: (kind, None) for field, (kind, _) in options.items()})

    def body(ctx: typer.Context, id: int, **values: Any) -> None:
        changes = dict.fromkeys(cleared)  # sent unset
        for field, (_, convert) in options.items():
            value = values[field]
            if value is not None:
                changes[field] = convert(value) if convert else value
        api = cli(ctx).api
        emit(ctx, save(api, id, fetch(api, id).model_copy(update=changes)))

    _command(app, "update", f"Update an existing {noun}.", body, params)


def _id_param(noun: str) -> dict[str, Option]:
    """The required ``ID`` argument of get, update and delete."""
    argument = Annotated[int, typer.Argument(help=f"ID of the {noun}.", metavar="ID")]
    return {"id": (argument, inspect.Parameter.empty)}


def add_get(
    app: typer.Typer, noun: str, fetch: Callable[[TorcApi, int], BaseModel], name: str = "get"
) -> None:
    """``get <ID>``: one record as a field/value table, or as JSON."""

    def body(ctx: typer.Context, id: int) -> None:
        emit(ctx, fetch(cli(ctx).api, id))

    _command(app, name, f"Get a specific {noun} by ID.", body, _id_param(noun))


def add_delete(app: typer.Typer, noun: str, delete: Callable[[TorcApi, int], BaseModel]) -> None:
    """``delete <ID>``: prints the deleted record's ID (JSON: the deleted record)."""

    def body(ctx: typer.Context, id: int) -> None:
        record = delete(cli(ctx).api, id)
        emit(ctx, record, text=f"Successfully deleted {noun} {id}")

    _command(app, "delete", f"Delete a {noun}.", body, _id_param(noun))


def created_text(title: str, record: BaseModel, fields: Sequence[tuple[str, str]]) -> str:
    """``Successfully created <title>:`` followed by ``  Label: value`` lines."""
    data = record.model_dump()
    lines = [f"Successfully {title}:"]
    lines += [f"  {label}: {data[key]}" for label, key in fields if data.get(key) is not None]
    return "\n".join(lines)


def parse_ids(values: Sequence[str] | None, option: str) -> list[int] | None:
    """IDs given as repeated options and/or comma-separated lists: ``-b 1,2 -b 3``."""
    if not values:
        return None
    ids = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                ids.append(int(part))
            except ValueError:
                raise CliError(f"{option}: '{part.strip()}' is not an ID") from None
    return ids


def parse_bool(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise CliError(f"{option} must be true or false, not '{value}'")


def confirm(ctx: typer.Context, question: str, *, no_prompts: bool) -> bool:
    """Ask on a terminal; without one, refuse rather than guess. ``--no-prompts`` and JSON
    output (scripts) skip the question."""
    if no_prompts or cli(ctx).json:
        return True
    if not sys.stdin.isatty():
        raise CliError(f"cannot ask '{question}' without a terminal; pass --no-prompts")
    return typer.confirm(question, default=False)


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(stage, done, total)`` callback drawing bars on stderr, only on a
    terminal (pipes and logs stay clean); None elsewhere."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@contextmanager
def user_errors() -> Iterator[None]:
    """Library errors that a user can fix become one-line CLI errors."""
    try:
        yield
    except (WorkflowError, ExportFormatError, CycleError) as exc:
        raise CliError(str(exc)) from None
