"""What every command shares: the API client, output in table or JSON, workflow selection
and user errors.

Commands stay thin: they parse flags, call the client library and hand the result to
:func:`emit`. A user error raises :class:`CliError`; ``main`` prints it on one line and
exits 1 (``--log-level debug`` adds the traceback).

The API client, pydantic and rich load when a command first uses them: ``torc --help``
and the start of ``torc -s run`` (which boots the private server meanwhile) stay quick.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from torc.config import Config
from torc.paging import fetch_all as fetch_all  # re-exported for commands
from torc.paging import fetch_range as fetch_range
from torc.user import login_name

if TYPE_CHECKING:
    from rich.console import Console

    from torc.api import TorcApi
    from torc.standalone import StandaloneServer


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


INTERACTIVE_CONNECT_TIMEOUT = 4.0
"""Seconds an interactive command waits to connect before it says the server is
unreachable (a command must fail within 5 s)."""


@dataclass
class CliContext:
    """Resolved global options, shared by all subcommands through ``ctx.obj``.

    ``server`` is the private server of standalone mode: it boots while the command
    imports and reads its input, and its URL is known once it listens. It has no
    authentication, so it gets no credentials. A missing password is asked for when the
    first client is made, so commands that never call the server never prompt.
    """

    url: str
    username: str | None
    password: str | None
    format: OutputFormat
    config: Config
    server: StandaloneServer | None = None
    token: str | None = None
    ca_cert: str | None = None
    cookie_header: str | None = None
    prompt_password: bool = False
    _clients: dict[bool, TorcApi] = field(default_factory=dict, repr=False)

    @property
    def api(self) -> TorcApi:
        """The client of interactive commands: an unreachable server is an error at once."""
        return self._client(runner=False)

    @property
    def runner_api(self) -> TorcApi:
        """The client of job runners: it retries for minutes, riding out server restarts."""
        return self._client(runner=True)

    @property
    def user(self) -> str:
        """Who the server knows this command as: the authenticated user, else ``$USER``
        or the login name."""
        if self.server is None and not self.token and self.username:
            return self.username
        return os.environ.get("USER") or login_name()

    def _client(self, *, runner: bool) -> TorcApi:
        if runner not in self._clients:
            from torc.api import TorcApi

            fail_fast = {"retry_timeout": 0.0, "connect_timeout": INTERACTIVE_CONNECT_TIMEOUT}
            options: dict[str, Any] = {} if runner else fail_fast
            if self.server is not None:
                url, options["anonymous"] = self.server.wait_url(), True
            else:
                url = self.url
                options.update(token=self.token or "", ca_cert=self.ca_cert or "")
                options.update(cookie_header=self.cookie_header or "")
                options.update(username=self.username, password=self._password())
            self._clients[runner] = TorcApi(url, **options)
        return self._clients[runner]

    def _password(self) -> str | None:
        """The password, asked for on the terminal when a user is named without one."""
        if self.token or not (self.prompt_password or (self.username and self.password is None)):
            return self.password
        name = self.username or login_name()
        if not sys.stdin.isatty():
            option = "--prompt-password needs a terminal" if self.prompt_password else ""
            raise CliError(
                f"a password is needed for user '{name}': set TORC_PASSWORD or pass --password "
                f"({option or 'no terminal to prompt on'})"
            )
        self.password = typer.prompt(f"Password for '{name}'", hide_input=True, err=True)
        self.prompt_password = False
        return self.password

    @property
    def json(self) -> bool:
        return self.format == OutputFormat.json


def cli(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext), "the root callback sets the context"
    return obj


ACTIVE: ContextVar[CliContext | None] = ContextVar("torc_cli_context", default=None)
"""The running command's context, for helpers that are not handed one (set by the root)."""


def current_user(ctx: typer.Context | None = None) -> str:
    """The owner of new workflows and the default ``--user`` filter: the authenticated user
    (``--username``, ``TORC_USERNAME``, ``client.username``), else ``$USER`` or the login
    name. With access control enforced the server refuses workflows owned by anyone else."""
    obj = ctx.find_root().obj if ctx is not None else ACTIVE.get()
    return obj.user if isinstance(obj, CliContext) else os.environ.get("USER") or login_name()


def plain(value: Any) -> Any:
    """JSON-ready data from models, lists of models and dicts of them."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def print_json(data: Any) -> None:
    typer.echo(json.dumps(plain(data), indent=2))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value"):  # enums such as JobStatus
        return str(value.value)
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


ACRONYMS = {
    "Id": "ID",
    "Ids": "IDs",
    "Cpu": "CPU",
    "Cpus": "CPUs",
    "Gpu": "GPU",
    "Gpus": "GPUs",
    "Wf": "WF",
}


def header(column: str) -> str:
    """``job_id`` -> ``Job ID``."""
    return " ".join(ACRONYMS.get(word, word) for word in column.replace("_", " ").title().split())


def console() -> Console:
    """Rich output that never truncates in a pipe: off a terminal, tables take the width
    they need (unless COLUMNS says otherwise); on one, they fit the terminal."""
    from rich.console import Console

    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return Console()
    return Console(width=100_000)


def print_table(rows: Iterable[Any], columns: Sequence[str], *, title: str | None = None) -> None:
    """Cells are plain text: a command such as ``echo [x]`` must not be read as markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(header(column))
    for row in rows:
        data = plain(row)
        table.add_row(*(Text(_cell(data.get(column))) for column in columns))
    console().print(table)


def print_record(record: Any) -> None:
    """One record as a two-column table (field, value); unset fields are left out."""
    from rich.table import Table
    from rich.text import Text

    data = plain(record)
    table = Table(show_header=False)
    table.add_column("Field", style="bold")
    table.add_column("Value")
    for key, value in data.items():
        if value is not None:
            table.add_row(key, Text(_cell(value)))
    console().print(table)


def emit(
    ctx: typer.Context,
    data: Any,
    *,
    columns: Sequence[str] | None = None,
    key: str | None = None,
    text: str | Callable[[], str] | None = None,
) -> None:
    """Print ``data``: as JSON (under ``key`` for lists), or as a table / record / text."""
    if cli(ctx).json:
        print_json({key: data} if key is not None else data)
    elif text is not None:
        typer.echo(text() if callable(text) else text)
    elif columns is not None:
        print_table(data, columns)
    else:
        print_record(data)


def emit_page(ctx: typer.Context, page: Any, columns: Sequence[str]) -> None:
    """A listing read in full: as JSON the page model, as a table its items."""
    emit(ctx, page) if cli(ctx).json else print_table(page.items, columns)


def choose_workflow(ctx: typer.Context, workflow_id: int | None, *, user: str | None = None) -> int:
    """The given ID, or one the user picks from their workflows when on a terminal."""
    if workflow_id is not None:
        return workflow_id
    if not sys.stdin.isatty():
        raise CliError("missing argument WORKFLOW_ID (no terminal to choose one interactively)")
    api = cli(ctx).api
    owner = user or current_user()
    workflows = api.list_workflows(user=owner, is_archived=False).items
    if not workflows:
        raise CliError(f"no workflows for user {owner}; give WORKFLOW_ID")
    print_table(
        workflows, ["id", "name", "description", "timestamp"], title=f"Workflows of {owner}"
    )
    chosen: int = typer.prompt("Workflow ID", type=int)
    if chosen not in {w.id for w in workflows}:
        raise CliError(f"{chosen} is not one of the listed workflows")
    return chosen


def parse_json_option(raw: str | None, option: str) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CliError(f"{option} is not valid JSON: {exc.msg} (at character {exc.pos})") from None
