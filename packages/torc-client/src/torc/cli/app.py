"""Root of the ``torc`` command: global options, command groups, error handling."""

from __future__ import annotations

import copy
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

import torc
from torc.api import ApiError
from torc.cli import (
    completions,
    compute_nodes,
    config_cmd,
    events,
    files,
    job_dependencies,
    jobs,
    logs_cmd,
    plot_cmd,
    reports,
    resource_requirements,
    results,
    run_cmd,
    user_data,
    workflows,
)
from torc.cli.common import CliContext, CliError, OutputFormat
from torc.config import DEFAULTS, Config, ConfigError, load_config
from torc.standalone import StandaloneError, StandaloneServer

app = typer.Typer(
    help="Torc workflow orchestration system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(config_cmd.app, name="config")
app.add_typer(workflows.app, name="workflows")
workflows.app.command("run")(run_cmd.workflows_run)
app.add_typer(compute_nodes.app, name="compute-nodes")
app.add_typer(files.app, name="files")
app.add_typer(jobs.app, name="jobs")
app.add_typer(job_dependencies.app, name="job-dependencies")
app.add_typer(resource_requirements.app, name="resource-requirements")
app.add_typer(events.app, name="events")
app.add_typer(results.app, name="results")
app.add_typer(user_data.app, name="user-data")
app.add_typer(reports.app, name="reports")
app.add_typer(logs_cmd.app, name="logs")
app.command("completions")(completions.completions)
app.command("run")(run_cmd.run)
app.command("exec")(run_cmd.exec_commands)
app.command("plot-resources")(plot_cmd.plot_resources)

LEVELS = {
    "error": logging.ERROR,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "trace": logging.DEBUG,
}
# Commands whose own -f means something else; everywhere else -f/--format may follow the
# subcommand and is moved in front of it (the seeds show both positions).
OWN_F = {("config", "show"), ("config", "init"), ("plot-resources",)}
IN_MEMORY_COMMANDS = ("run", "exec")


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
    standalone: Annotated[
        bool,
        typer.Option("--standalone", "-s", help="Start a private torc-server for this command."),
    ] = False,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Standalone database file [default: ./torc_output/torc.db]."),
    ] = None,
    in_memory: Annotated[
        bool,
        typer.Option(
            "--in-memory", help="Standalone: keep the database in RAM, save it at the end."
        ),
    ] = False,
    snapshot_interval_seconds: Annotated[
        float | None,
        typer.Option(help="Standalone --in-memory: also save the database this often."),
    ] = None,
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
    if LEVELS[level] > logging.DEBUG:  # one line per HTTP request is debugging detail
        for chatty in ("httpx", "httpcore"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    username = username or config.get("client.username")
    if username and password is None:
        password = typer.prompt(f"Password for '{username}'", hide_input=True)
    if in_memory and ctx.invoked_subcommand not in IN_MEMORY_COMMANDS:
        raise CliError(
            "--in-memory works only with run and exec: any other command would save an empty "
            "database over the existing one and destroy its data"
        )
    if standalone or in_memory:
        server = StandaloneServer(
            db, in_memory=in_memory, snapshot_interval=snapshot_interval_seconds
        )
        try:
            url = server.start()
        except StandaloneError as exc:
            raise CliError(str(exc)) from None
        ctx.call_on_close(server.stop)
    ctx.obj = CliContext(
        url=url or config.get("client.api_url"),
        username=username,
        password=password,
        format=output_format or OutputFormat(config.get("client.format")),
        config=config,
    )


ROOT_VALUED = {
    "--log-level",
    "--url",
    "--username",
    "--password",
    "--db",
    "--snapshot-interval-seconds",
    "-f",
    "--format",
}


def command_words(argv: list[str]) -> list[str]:
    """The words naming the subcommand: arguments that are neither options nor root values."""
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ROOT_VALUED and not words:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return words


def hoist_format(argv: list[str]) -> list[str]:
    """Move ``-f/--format table|json`` given after a subcommand to the root."""
    words = command_words(argv)
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
