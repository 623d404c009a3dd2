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
from torc.cli import completions, ping, plot_cmd, run_cmd, submit, submit_slurm
from torc.cli.argv import early_server, hoist_format
from torc.cli.common import ACTIVE, CliContext, CliError, OutputFormat
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
        "access-groups": (
            "torc.cli.access_groups",
            "Access groups: who may see which workflows.",
        ),
        "admin": ("torc.cli.admin", "Server administration: users and worker tokens."),
        "slurm": ("torc.cli.slurm", "Slurm scheduler commands."),
        "hpc": ("torc.cli.hpc", "HPC system profiles and partition information."),
        "scheduled-compute-nodes": (
            "torc.cli.scheduled_compute_nodes",
            "Scheduled compute node management commands.",
        ),
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
app.command("submit")(submit.submit)
from torc.cli.recover import recover  # noqa: E402  (torc recover)

app.command("recover")(recover)
app.command("submit-slurm")(submit_slurm.submit_slurm)
app.command("exec")(run_cmd.exec_commands)
app.command("plot-resources")(plot_cmd.plot_resources)
app.command("ping")(ping.ping)

LEVELS = {
    "error": logging.ERROR,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "trace": logging.DEBUG,
}
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
        str | None,
        typer.Option(
            envvar="TORC_USERNAME",
            help="Username for basic authentication [config: client.username].",
        ),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="TORC_PASSWORD",
            help="Password for basic authentication (prompted for on a terminal when only a "
            "username is given).",
        ),
    ] = None,
    prompt_password: Annotated[
        bool, typer.Option("--prompt-password", help="Ask for the password on the terminal.")
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="TORC_TOKEN",
            help="Worker token (torc admin create-token), sent instead of a username/password.",
        ),
    ] = None,
    ca_cert: Annotated[
        str | None,
        typer.Option(
            envvar="TORC_CA_CERT",
            metavar="FILE",
            help="Verify the https server against this CA bundle (PEM) instead of the system "
            "store [config: client.ca_cert].",
        ),
    ] = None,
    cookie_header: Annotated[
        str | None,
        typer.Option(
            envvar="TORC_COOKIE_HEADER",
            metavar="VALUE",
            help="Send 'Cookie: VALUE' with every request (for an authenticating proxy).",
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
    if password is not None and not username:  # the original's users set only a password
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
        token=token,
        ca_cert=ca_cert or config.get("client.ca_cert"),
        cookie_header=cookie_header,
        prompt_password=prompt_password,
    )
    ACTIVE.set(ctx.obj)


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
