"""``torc-server``: run the REST server, export database copies, manage the system service.

Commands only parse options and report; the work lives in ``run_options`` and
``config_files`` (what to run with), ``listen``, ``serve``, ``logs``, ``daemon``, ``export``
and ``service``. Every mistake on the command line ends in one
``torc-server: error: ...`` line and exit status 2, runtime failures in one such line
and status 1: operators read these in terminals and systemd journals, not tracebacks.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from torc_server import (
    __version__,
    config_files,
    listen,
    logs,
    run_options,
    service,
    snapshot,
    sqlite_files,
)
from torc_server import daemon as daemons
from torc_server.export import ExportError, WorkflowFilter, export_database, source_file
from torc_server.logs import LogLevel
from torc_server.settings import Settings

logger = logging.getLogger("torc_server")
# rich_markup_mode=None: help is shown verbatim, so "[default: 8080]" is not read as markup
app = typer.Typer(help="The torc REST server.", add_completion=False, rich_markup_mode=None)
service_app = typer.Typer(
    help="Run torc-server under systemd (user or system service).", rich_markup_mode=None
)
app.add_typer(service_app, name="service")

# Options shared by `run` and `service install` (each command sets its own default).
# `run` takes None for "not given" and fills it from the config files, then its defaults;
# `service install` writes its own defaults into the unit.
Host = Annotated[
    str | None,
    typer.Option(
        "--host", "--url", "-u", envvar="TORC_SERVER__URL", show_default=False,
        help="Address to listen on, or http[s]://HOST[:PORT] [run's default: 127.0.0.1].",
    ),
]  # fmt: skip
Port = Annotated[
    int | None,
    typer.Option(
        "--port", "-p", envvar="TORC_SERVER__PORT", min=0, max=65535, show_default=False,
        help="Port (0 picks a free one) [default: 8080].",
    ),
]  # fmt: skip
DATABASE_OPTION = typer.Option(
    "--database", "-d", envvar=["TORC_SERVER__DATABASE", "DATABASE_URL"], show_default=False,
    help="SQLite file, ':memory:' or postgresql:// URL [default: torc.db].",
)  # fmt: skip
Database = Annotated[str | None, DATABASE_OPTION]
Interval = Annotated[
    float | None,
    typer.Option(
        envvar="TORC_SERVER__COMPLETION_CHECK_INTERVAL_SECS", min=0.01, show_default=False,
        help="Seconds between background passes over finished jobs [default: 30].",
    ),
]  # fmt: skip
Threads = Annotated[
    int | None,
    typer.Option(
        envvar="TORC_SERVER__THREADS", min=1, show_default=False,
        help="Database connections and worker threads [default: 8, service: 4].",
    ),
]  # fmt: skip
Level = Annotated[
    LogLevel | None,
    typer.Option(
        case_sensitive=False, show_default=False,
        help="Log verbosity [default: $TORC_LOG_LEVEL, a plain $RUST_LOG, the config "
        "file's log_level, else info].",
    ),
]  # fmt: skip
LogDir = Annotated[
    Path | None,
    typer.Option(
        envvar=["TORC_LOG_DIR", "TORC_SERVER__LOGGING__LOG_DIR"], file_okay=False,
        help="Also log to DIR/torc-server.log (rotated at 10 MiB, 5 kept).",
    ),
]  # fmt: skip
JsonLogs = Annotated[
    bool | None,
    typer.Option(
        "--json-logs/--no-json-logs", envvar="TORC_SERVER__LOGGING__JSON_LOGS",
        show_default=False,
        help="JSON lines in the log file (on the console without --log-dir) [default: off].",
    ),
]  # fmt: skip
AuthFile = Annotated[
    Path | None,
    typer.Option(
        envvar=["TORC_AUTH_FILE", "TORC_SERVER__AUTH_FILE"], show_default=False,
        help="htpasswd file of users (torc-htpasswd writes it); turns HTTP Basic "
        "authentication on [config: auth_file].",
    ),
]  # fmt: skip
RequireAuth = Annotated[
    bool | None,
    typer.Option(
        "--require-auth", envvar="TORC_SERVER__REQUIRE_AUTH", show_default=False,
        help="Refuse requests without valid credentials (needs --auth-file); without it "
        "they run anonymously [config: require_auth].",
    ),
]  # fmt: skip
EnforceAccessControl = Annotated[
    bool | None,
    typer.Option(
        "--enforce-access-control", envvar="TORC_SERVER__ENFORCE_ACCESS_CONTROL",
        show_default=False,
        help="Users reach only their own workflows and those shared with their access "
        "groups [config: enforce_access_control].",
    ),
]  # fmt: skip
AdminUser = Annotated[
    list[str] | None,
    typer.Option(
        "--admin-user", metavar="NAME", show_default=False,
        help="Member of the admin group (repeatable) [env: TORC_ADMIN_USERS=alice,bob; "
        'config: admin_users = ["alice"]].',
    ),
]  # fmt: skip
CacheTtl = Annotated[
    float | None,
    typer.Option(
        envvar=["TORC_CREDENTIAL_CACHE_TTL_SECS", "TORC_SERVER__CREDENTIAL_CACHE_TTL_SECS"],
        show_default=False,
        help="Seconds a checked password is remembered; 0 checks bcrypt on every request "
        "[config: credential_cache_ttl_secs; default: 60].",
    ),
]  # fmt: skip
Https = Annotated[
    bool | None,
    typer.Option(
        "--https", envvar="TORC_SERVER__HTTPS", show_default=False,
        help="Serve HTTPS (TLS 1.2 or later); needs --tls-cert and --tls-key, which turn "
        "it on by themselves [config: https].",
    ),
]  # fmt: skip
TlsCert = Annotated[
    Path | None,
    typer.Option(
        envvar="TORC_SERVER__TLS_CERT", show_default=False,
        help="PEM certificate (chain) for --https [config: tls_cert].",
    ),
]  # fmt: skip
TlsKey = Annotated[
    Path | None,
    typer.Option(
        envvar="TORC_SERVER__TLS_KEY", show_default=False,
        help="PEM private key (unencrypted) of --tls-cert [config: tls_key].",
    ),
]  # fmt: skip
UserScope = Annotated[
    bool, typer.Option("--user", help="A user service (no root) instead of a system one.")
]


SERVICE_HOST = "0.0.0.0"
"""The manual's service listens for remote workers (and warns unless it requires credentials)."""
ADMIN_USERS_ENV = ("TORC_ADMIN_USERS", "TORC_SERVER__ADMIN_USERS")
"""Comma-separated, which click's own list variables (split at spaces) cannot read."""
SERVICE_THREADS = 4


class UsageProblem(typer.TyperException):
    """A bad option value found after parsing (exit 2, like click's own usage errors)."""

    exit_code = 2


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"torc-server: error: {message}", err=True)
    raise typer.Exit(code)


def usage_error(message: str) -> NoReturn:
    raise UsageProblem(message)


def _help_without_command(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _group(ctx: typer.Context) -> None:
    """The torc REST server: all workflow state and the job lifecycle."""
    _help_without_command(ctx)


@service_app.callback(invoke_without_command=True)
def _service_group(ctx: typer.Context) -> None:
    """Run torc-server under systemd (user or system service)."""
    _help_without_command(ctx)


@app.command()
def run(
    host: Host = None,
    port: Port = None,
    database: Database = None,
    completion_check_interval_secs: Interval = None,
    threads: Threads = None,
    log_level: Level = None,
    log_dir: LogDir = None,
    json_logs: JsonLogs = None,
    auth_file: AuthFile = None,
    require_auth: RequireAuth = None,
    enforce_access_control: EnforceAccessControl = None,
    admin_user: AdminUser = None,
    credential_cache_ttl_secs: CacheTtl = None,
    https: Https = None,
    tls_cert: TlsCert = None,
    tls_key: TlsKey = None,
    no_config: Annotated[
        bool,
        typer.Option(
            "--no-config",
            help="Ignore the [server] section of /etc/torc/config.toml, "
            "~/.config/torc/config.toml and ./torc.toml.",
        ),
    ] = False,
    daemon: Annotated[bool, typer.Option(help="Detach and run in the background.")] = False,
    pid_file: Annotated[
        Path, typer.Option(dir_okay=False, help="Where --daemon writes its process ID.")
    ] = daemons.DEFAULT_PID_FILE,
) -> None:
    """Serve the API; prints ``TORC_SERVER_PORT=<port>`` once listening.

    Unset options come from the [server] section of torc's config files, then the
    defaults. SIGUSR1 snapshots a SQLite database to $TORC_SERVER_SNAPSHOT_PATH. A job
    runner not heard from for $TORC_RUNNER_TIMEOUT_SECS (default 120) while the server
    could hear it is dead: its jobs go back to ready."""
    flags = {
        "url": host, "port": port, "database": database, "threads": threads,
        "completion_check_interval_secs": completion_check_interval_secs,
        "logging.log_dir": log_dir, "logging.json_logs": json_logs,
        "auth_file": auth_file, "require_auth": require_auth,
        "enforce_access_control": enforce_access_control, "admin_users": _admin_users(admin_user),
        "credential_cache_ttl_secs": credential_cache_ttl_secs,
        "https": https, "tls_cert": tls_cert, "tls_key": tls_key,
    }  # fmt: skip
    try:
        files = config_files.ServerConfig() if no_config else config_files.load()
        options = run_options.resolve(flags, files)
        file_level = logs.parse_level(files.get("log_level") or "")  # checked by load()
        level = log_level or logs.default_level(fallback=file_level or logs.LogLevel.info)
    except config_files.ConfigError as exc:
        fail(str(exc))
    except ValueError as exc:
        usage_error(str(exc))
    if daemon and options.log_dir is None:
        usage_error("--daemon needs --log-dir (or TORC_LOG_DIR): a daemon has no console")
    users = _check_files(options)
    try:
        local = sqlite_files.local_path(options.database)
        settings = Settings(
            database=str(local) if local else options.database,
            completion_check_interval_secs=options.completion_check_interval_secs,
            threads=options.threads,
            auth_file=options.auth_file,
            require_auth=options.require_auth,
            enforce_access_control=options.enforce_access_control,
            admin_users=options.admin_users,
            credential_cache_ttl_secs=options.credential_cache_ttl_secs,
            tls_cert=options.tls.cert if options.tls else None,
            tls_key=options.tls.key if options.tls else None,
        ).with_environment()
        snapshot.ignore_signal()
        logs.configure(
            level, log_dir=options.log_dir, json_logs=options.json_logs, console=not daemon
        )
    except ValueError as exc:
        usage_error(str(exc))
    except OSError as exc:
        fail(f"cannot write logs to {options.log_dir}: {exc.strerror or exc}")
    logger.info("Starting torc-server version=%s", __version__)
    _report_security(options, users)
    try:
        sock = listen.bind(options.host, options.port)
    except OSError as exc:
        fail(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}")
    bound_host, bound_port = sock.getsockname()[:2]
    _announce(bound_host, bound_port, options)
    listen.exit_cleanly_on_shutdown_signals()  # from the moment the port is announced
    port_line = f"TORC_SERVER_PORT={bound_port}"
    detached = daemons.daemonize(pid_file.absolute(), port_line) if daemon else None
    if detached is None:
        print(port_line, flush=True)  # before the web stack loads: clients queue meanwhile
    try:
        started = _serve(settings, sock, level.number, detached.ready if detached else _noop)
    finally:
        if detached is not None:
            detached.remove_pid_file()
    if not started:
        if detached is not None:
            detached.failed(f"the server failed to start; see {options.log_dir}/{logs.LOG_FILE}")
        fail("the server failed to start (see the log above)", listen.STARTUP_FAILED)
    _quick_exit()


def _admin_users(flags: list[str] | None) -> list[str] | None:
    """``--admin-user`` names, else those of TORC_ADMIN_USERS; None when neither is given."""
    if flags:
        return [name.strip() for name in flags if name.strip()]
    for name in ADMIN_USERS_ENV:
        if value := os.environ.get(name, "").strip():
            return run_options.parse_admin_users(value)
    return None


def _check_files(options: run_options.RunOptions) -> int | None:
    """Files the server needs are readable and sound now, while the operator is watching;
    returns the number of users in the htpasswd file (None without one)."""
    users = None
    if options.auth_file is not None:
        from torc_server.auth import htpasswd

        try:
            with options.auth_file.open("rb") as handle:
                handle.read(1)
            users = len(htpasswd.read(options.auth_file))
        except OSError as exc:
            fail(f"cannot read the auth file {options.auth_file}: {exc.strerror or exc}")
        except htpasswd.HtpasswdError as exc:
            fail(str(exc))
    if options.tls is not None:
        try:
            listen.check_tls(options.tls.cert, options.tls.key)
        except listen.TlsError as exc:
            fail(f"cannot serve HTTPS: {exc}")
    return users


def _report_security(options: run_options.RunOptions, users: int | None) -> None:
    if options.auth_file is not None:
        logger.info("Loading htpasswd file from: %s", options.auth_file)
        logger.info("Loaded %d users from htpasswd file", users)
    if options.require_auth:
        logger.info("Authentication is REQUIRED for all requests")
    if options.enforce_access_control:
        logger.info(
            "Access control is ENABLED - users can only access their own workflows and "
            "workflows shared via access groups"
        )
    if options.admin_users:
        logger.info("Admin users configured: %s", json.dumps(list(options.admin_users)))


def _announce(bound_host: str, bound_port: int, options: run_options.RunOptions) -> None:
    https = options.tls is not None
    logger.info("Listening on %s:%d", bound_host, bound_port)
    logger.info("Clients connect to %s", run_options.client_url(bound_host, bound_port, https))
    if run_options.is_loopback(bound_host):
        return
    if not options.require_auth:
        logger.warning(
            "Listening on %s:%d without required authentication: anyone who can reach this "
            "host on the network can read, change and delete every workflow. Start with "
            "--auth-file FILE --require-auth (and --https) to let only known users in, or "
            "use --host 127.0.0.1 (the default) unless remote workers need the server.",
            bound_host, bound_port,
        )  # fmt: skip
    elif not https:
        logger.warning(
            "Listening on %s:%d over plain HTTP: the Basic credentials of every request "
            "travel in clear text and anyone on the network path can read them. Start with "
            "--https --tls-cert FILE --tls-key FILE, or serve behind a reverse proxy that "
            "does HTTPS.",
            bound_host, bound_port,
        )  # fmt: skip


def _serve(settings: Settings, sock: socket.socket, level: int, ready: Callable[[], None]) -> bool:
    """Load the web stack and serve until a shutdown signal; False if start-up failed.

    Start-up creates over a hundred thousand objects that live as long as the server, so
    the cyclic garbage collector would only walk them again and again (a tenth of the
    start-up time or more): it is off until the app has started, then they are frozen out
    of its reach."""

    def started() -> None:
        gc.freeze()
        gc.enable()
        ready()

    gc.disable()
    try:
        from torc_server import serve  # the web stack takes most of a second to import

        return serve.serve(settings, sock, level, started)
    except SystemExit as stop:  # a shutdown signal; uvicorn has shut down gracefully
        return stop.code in (0, None)
    finally:
        gc.enable()


def _quick_exit() -> NoReturn:
    """Exit 0 without tearing the interpreter down module by module, which takes longer
    than the graceful shutdown itself: the database is closed and the logs are flushed."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _noop() -> None:
    pass


@app.command("export")
def export_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="SQLite file to write.")
    ],
    workflow_ids: Annotated[
        list[int] | None, typer.Argument(help="Keep only these workflow IDs.", min=1)
    ] = None,
    database: Annotated[str, DATABASE_OPTION] = "torc.db",
    user: Annotated[
        list[str] | None, typer.Option(help="Keep only workflows of this user (repeatable).")
    ] = None,
    access_group: Annotated[
        list[int] | None,
        typer.Option(help="Keep only workflows shared with this group ID (repeatable)."),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output file.")] = False,
    preserve_access_groups: Annotated[
        bool, typer.Option(help="Keep access groups and memberships in a filtered export.")
    ] = False,
    no_vacuum: Annotated[bool, typer.Option(help="Skip the final VACUUM (faster).")] = False,
) -> None:
    """Write a standalone SQLite copy of the database, optionally of some workflows only.

    Workflow and job IDs are preserved. Without a filter the copy is complete."""
    try:
        selection = WorkflowFilter(
            users=tuple(user or ()),
            access_groups=tuple(access_group or ()),
            workflow_ids=tuple(workflow_ids or ()),
        )
    except ValueError as exc:
        usage_error(str(exc))
    try:
        summary = export_database(
            source_file(database), output, selection, overwrite=overwrite,
            preserve_access_groups=preserve_access_groups, vacuum=not no_vacuum,
        )  # fmt: skip
    except ExportError as exc:
        fail(str(exc))
    if summary.missing_ids:
        typer.echo(f"warning: no workflow with ID {', '.join(map(str, summary.missing_ids))}")
    typer.echo(
        f"exported {summary.workflows} workflow(s) and {summary.jobs} job(s) to "
        f"{summary.output} ({summary.size / 1024:.1f} KiB)"
    )
    if summary.orphans:
        tables = ", ".join(f"{table}: {n}" for table, n in sorted(summary.orphans.items()))
        typer.echo(f"removed {summary.orphans.total()} orphaned row(s) ({tables})")
    if summary.access_control_stripped:
        typer.echo("access groups and memberships removed (keep them: --preserve-access-groups)")


@service_app.command("install")
def service_install(
    user: UserScope = False,
    host: Host = None,
    port: Port = None,
    database: Annotated[
        str | None,
        typer.Option("--database", "-d", help="[default: ~/.torc/torc.db or /var/lib/torc]"),
    ] = None,
    completion_check_interval_secs: Interval = None,
    threads: Threads = None,
    log_level: Level = None,
    log_dir: Annotated[
        Path | None, typer.Option(help="[default: ~/.torc/logs or /var/log/torc]")
    ] = None,
    json_logs: JsonLogs = None,
    auth_file: AuthFile = None,
    require_auth: RequireAuth = None,
    enforce_access_control: EnforceAccessControl = None,
    admin_user: AdminUser = None,
    credential_cache_ttl_secs: CacheTtl = None,
    https: Https = None,
    tls_cert: TlsCert = None,
    tls_key: TlsKey = None,
) -> None:
    """Write the systemd unit for ``torc-server run`` with these options and enable it.

    The service listens on 0.0.0.0:8080 with 4 threads unless told otherwise. File paths
    are written absolute; the files need only exist when the service starts."""
    scope = service.ServiceScope(user)
    flags = {
        "url": host or SERVICE_HOST, "port": port, "auth_file": auth_file,
        "require_auth": require_auth, "enforce_access_control": enforce_access_control,
        "admin_users": _admin_users(admin_user),
        "credential_cache_ttl_secs": credential_cache_ttl_secs,
        "https": https, "tls_cert": tls_cert, "tls_key": tls_key,
    }  # fmt: skip
    try:
        options = run_options.resolve(flags, config_files.ServerConfig())
    except ValueError as exc:
        usage_error(str(exc))
    database = database or scope.default_database
    local = sqlite_files.local_path(database)
    interval = (
        completion_check_interval_secs or run_options.DEFAULTS["completion_check_interval_secs"]
    )
    run_args = [
        "--host", options.host, "--port", str(options.port),
        "--database", str(local) if local else database,
        "--log-dir", str((log_dir or scope.default_log_dir).expanduser().absolute()),
        "--completion-check-interval-secs", f"{interval:g}",
        "--threads", str(threads or SERVICE_THREADS),
        *(["--log-level", log_level.value] if log_level else []),
        *(["--json-logs"] if json_logs else []),
        *_security_args(options, credential_cache_ttl_secs),
    ]  # fmt: skip
    for needed in (options.auth_file, *(options.tls or ())):
        if needed is not None and not needed.exists():
            typer.echo(
                f"warning: {needed} does not exist; the service cannot start without it", err=True
            )
    if not run_options.is_loopback(options.host):
        if not options.require_auth:
            typer.echo(
                f"warning: the service listens on {options.host} without required "
                "authentication, reachable by anyone on the network; reinstall with "
                "--auth-file FILE --require-auth (and --https), or with --host 127.0.0.1 to "
                "keep it local",
                err=True,
            )
        elif options.tls is None:
            typer.echo(
                f"warning: the service listens on {options.host} over plain HTTP, so "
                "passwords travel in clear text; reinstall with --https --tls-cert FILE "
                "--tls-key FILE, or serve it behind a reverse proxy that does HTTPS",
                err=True,
            )
    try:
        path = service.install(scope, run_args)
    except service.ServiceError as exc:
        fail(str(exc))
    start = "torc-server service start" + (" --user" if user else "")
    typer.echo(f"installed and enabled {path}; start it with `{start}`")


def _security_args(options: run_options.RunOptions, cache_ttl: float | None) -> list[str]:
    """The unit's authentication and TLS flags; the cache TTL only when given."""
    args = ["--auth-file", str(options.auth_file)] if options.auth_file else []
    args += ["--require-auth"] if options.require_auth else []
    args += ["--enforce-access-control"] if options.enforce_access_control else []
    for name in options.admin_users:
        args += ["--admin-user", name]
    if cache_ttl is not None:
        args += ["--credential-cache-ttl-secs", f"{cache_ttl:g}"]
    if options.tls is not None:
        args += ["--https", "--tls-cert", str(options.tls.cert), "--tls-key", str(options.tls.key)]
    return args


def _control(user: bool, action: str) -> None:
    try:
        result = service.control(service.ServiceScope(user), action)
    except service.ServiceError as exc:
        fail(str(exc))
    typer.echo(result.stdout, nl=False)
    if result.returncode:
        raise typer.Exit(result.returncode)


@service_app.command("start")
def service_start(user: UserScope = False) -> None:
    """Start the installed service."""
    _control(user, "start")


@service_app.command("stop")
def service_stop(user: UserScope = False) -> None:
    """Stop the running service."""
    _control(user, "stop")


@service_app.command("status")
def service_status(user: UserScope = False) -> None:
    """Show systemd's view of the service (exit 3 when it is not running)."""
    _control(user, "status")


@service_app.command("uninstall")
def service_uninstall(user: UserScope = False) -> None:
    """Stop and disable the service and remove its unit file."""
    try:
        path = service.uninstall(service.ServiceScope(user))
    except service.ServiceError as exc:
        fail(str(exc))
    typer.echo(f"removed {path}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line instead of a boxed panel."""
    try:
        code = app(args=argv, prog_name="torc-server", standalone_mode=False)
    except typer.TyperException as exc:  # the base of click's exceptions inside typer
        context = getattr(exc, "ctx", None)
        hint = f" (see {context.command_path} --help)" if exc.exit_code == 2 and context else ""
        typer.echo(f"torc-server: error: {exc.format_message()}{hint}", err=True)
        code = exc.exit_code
    except typer.Abort:
        typer.echo("torc-server: aborted", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
