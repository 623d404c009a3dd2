"""Root of the ``torc`` command: global options, command groups, error handling."""

from __future__ import annotations

import copy
import logging
import sys
from typing import Annotated

import typer

import torc
from torc.api import ApiError
from torc.cli import config_cmd
from torc.cli.common import CliContext, CliError, OutputFormat
from torc.config import DEFAULTS, Config, ConfigError, load_config

app = typer.Typer(
    help="Torc workflow orchestration system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(config_cmd.app, name="config")

LEVELS = {"error": logging.ERROR, "warn": logging.WARNING, "warning": logging.WARNING,
          "info": logging.INFO, "debug": logging.DEBUG, "trace": logging.DEBUG}  # fmt: skip
# Commands whose own -f means something else; everywhere else -f/--format may follow the
# subcommand and is moved in front of it (the seeds show both positions).
OWN_F = {("config", "show"), ("config", "init"), ("plot-resources",)}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"torc {torc.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    log_level: Annotated[
        str | None, typer.Option(help="Log level (error, warn, info, debug, trace).")
    ] = None,
    output_format: Annotated[
        OutputFormat | None, typer.Option("--format", "-f", help="Output format (table or json).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(envvar="TORC_API_URL", help="URL of the torc server.")
    ] = None,
    username: Annotated[
        str | None, typer.Option(envvar="TORC_USERNAME", help="Username for basic authentication.")
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
    try:
        config = load_config()
    except ConfigError as exc:
        if ctx.invoked_subcommand != "config":  # `torc config ...` must work to fix it
            raise CliError(str(exc)) from None
        config = Config(copy.deepcopy(DEFAULTS))
    level = (log_level or config.get("client.log_level") or "info").lower()
    if level not in LEVELS:
        raise CliError(f"unknown log level '{level}'; use one of error, warn, info, debug, trace")
    logging.basicConfig(level=LEVELS[level], format="%(levelname)s %(name)s: %(message)s")
    username = username or config.get("client.username")
    if username and password is None:
        password = typer.prompt(f"Password for '{username}'", hide_input=True)
    ctx.obj = CliContext(
        url=url or config.get("client.api_url"),
        username=username,
        password=password,
        format=output_format or OutputFormat(config.get("client.format")),
        config=config,
    )


def hoist_format(argv: list[str]) -> list[str]:
    """Move ``-f/--format table|json`` given after a subcommand to the root."""
    words = [a for a in argv if not a.startswith("-")]
    if any(tuple(words[: len(cmd)]) == cmd for cmd in OWN_F):
        return argv
    for i, arg in enumerate(argv):
        if arg in ("-f", "--format") and i + 1 < len(argv) and argv[i + 1] in ("table", "json"):
            return [arg, argv[i + 1], *argv[:i], *argv[i + 2 :]]
        if arg.startswith("--format=") and arg.split("=", 1)[1] in ("table", "json"):
            return [arg, *argv[:i], *argv[i + 1 :]]
    return argv


def main() -> None:
    debug = "debug" in sys.argv or "trace" in sys.argv
    try:
        app(args=hoist_format(sys.argv[1:]), prog_name="torc", standalone_mode=True)
    except (CliError, ApiError, ConfigError) as exc:
        if debug:
            logging.exception("details")
        message = exc.message if isinstance(exc, ApiError) else str(exc)
        typer.echo(f"Error: {message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
