"""Root of the ``torc`` command: global options, command groups, error handling."""

from __future__ import annotations

import copy
import logging
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

import torc
from torc.cli import completions, plot_cmd, run_cmd
from torc.cli.common import CliContext, CliError, OutputFormat
from torc.cli.groups import LazyGroup
from torc.config import DEFAULTS, Config, ConfigError, load_config
from torc.errors import ApiError
from torc.standalone import StandaloneError, StandaloneServer
from torc.user import login_name


class RootGroup(LazyGroup):
    """The command groups, imported when used (see :mod:`torc.cli.groups`)."""

    lazy = {
        "config": ("torc.cli.config_cmd", "Manage configuration files and settings."),
        "workflows": ("torc.cli.workflows", "Workflow management commands."),
        "compute-nodes": ("torc.cli.compute_nodes", "Compute node management commands."),
        "files": ("torc.cli.files", "File management commands."),
        "jobs": ("torc.cli.jobs", "Job management commands."),
        "job-dependencies": (
            "torc.cli.job_dependencies",
            "Job dependency and relationship queries.",
        ),
        "resource-requirements": (
            "torc.cli.resource_requirements",
            "Resource requirements management commands.",
        ),
        "events": ("torc.cli.events", "Event management commands."),
        "results": ("torc.cli.results", "Result management commands."),
        "user-data": ("torc.cli.user_data", "User data management commands."),
        "reports": ("torc.cli.reports", "Generate reports and analytics."),
        "logs": ("torc.cli.logs_cmd", "Bundle and analyze workflow logs."),
        "tasks": ("torc.cli.tasks", "Asynchronous server tasks (background initialize)."),
    }


app = typer.Typer(
    cls=RootGroup,
    help="Torc workflow orchestration system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    elif password is not None and not username:  # the original's users set only a password
        username = login_name()
    if in_memory and ctx.invoked_subcommand not in IN_MEMORY_COMMANDS:
        raise CliError(
            "--in-memory works only with run and exec: any other command would save an empty "
            "database over the existing one and destroy its data"
        )
    early, server = ctx.obj, None  # main() may have started the server already
    if standalone or in_memory:  # first: the server boots while the command gets ready
        server = StandaloneServer(
            db, in_memory=in_memory, snapshot_interval=snapshot_interval_seconds
        )
        if isinstance(early, StandaloneServer) and early.options == server.options:
            server, early = early, None
        else:
            server.start()
        ctx.call_on_close(server.stop)
    if isinstance(early, StandaloneServer):
        early.stop()
    ctx.obj = CliContext(
        url=url or config.get("client.api_url"),
        username=username,
        password=password,
        format=output_format or OutputFormat(config.get("client.format")),
        config=config,
        server=server,
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


def early_server(argv: list[str]) -> StandaloneServer | None:
    """The private server of ``torc -s <command>``, started before typer parses anything.

    The server takes about a second to boot, and parsing alone imports pydantic (0.1 s)
    before the root callback runs: started here, it boots meanwhile. Only the root
    options are read, and nothing starts when help or the version is asked for; the root
    callback adopts this server if its options agree and otherwise stops it.
    """
    if not command_words(argv) or {"-h", "--help", "-V", "--version"} & set(argv):
        return None
    options: dict[str, str | bool] = {}
    words = iter(argv)
    for arg in words:
        name, _, value = arg.partition("=")
        if name in ("-s", "--standalone", "--in-memory"):
            options[name] = True
        elif name in ROOT_VALUED:
            options[name] = value or next(words, "")
        elif not arg.startswith("-"):
            break  # the command: what follows is its own
    if not ({"-s", "--standalone", "--in-memory"} & set(options)):
        return None
    try:
        db = options.get("--db")
        interval = options.get("--snapshot-interval-seconds")
        server = StandaloneServer(
            Path(db) if isinstance(db, str) else None,
            in_memory="--in-memory" in options,
            snapshot_interval=float(interval) if isinstance(interval, str) else None,
        )
        server.start()
    except (ValueError, StandaloneError, OSError):
        return None  # the root callback reports what is wrong
    return server


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # SIGTERM cleans up as Ctrl-C does: a partly created workflow is deleted, the private
    # server stopped (job runners handle both signals themselves while they run).
    signal.signal(signal.SIGTERM, _interrupt)
    debug = "debug" in sys.argv or "trace" in sys.argv
    argv = hoist_format(sys.argv[1:])
    early = early_server(argv)
    try:
        app(args=argv, prog_name="torc", standalone_mode=True, obj=early)
    except (CliError, ApiError, ConfigError, StandaloneError) as exc:
        if debug:
            logging.exception("details")
        message = exc.message if isinstance(exc, ApiError) else str(exc)
        typer.echo(f"Error: {message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        if early is not None:
            early.stop()  # no-op if the command used and stopped it
