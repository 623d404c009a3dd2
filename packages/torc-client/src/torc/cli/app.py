"""Root of the ``torc`` command: global options shared by every subcommand."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import typer

import torc


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@dataclass
class GlobalOptions:
    """What the root options resolved to; subcommands read it from ``ctx.obj``."""

    url: str | None
    username: str | None
    password: str | None
    format: OutputFormat


app = typer.Typer(
    help="Torc workflow orchestration system.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"torc {torc.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    log_level: Annotated[
        str, typer.Option(help="Log level (error, warn, info, debug, trace).")
    ] = "warn",
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    url: Annotated[
        str | None, typer.Option(envvar="TORC_API_URL", help="URL of the torc server.")
    ] = None,
    username: Annotated[
        str | None,
        typer.Option(envvar="TORC_USERNAME", help="Username for basic authentication."),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="TORC_PASSWORD",
            help="Password for basic authentication (prompted for when only a username is given).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_print_version, is_eager=True, help="Print version."
        ),
    ] = False,
) -> None:
    """Torc workflow orchestration system."""
    level = {"warn": "warning", "trace": "debug"}.get(log_level.lower(), log_level.lower())
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if username and password is None:
        password = typer.prompt(f"Password for '{username}'", hide_input=True)
    ctx.obj = GlobalOptions(url, username, password, output_format)


def main() -> None:
    app(prog_name="torc")
