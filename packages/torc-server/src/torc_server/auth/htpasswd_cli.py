"""``torc-htpasswd``: manage the user file that ``torc-server run --auth-file`` reads.

Besides its subcommands it takes Apache's forms, ``-c FILE USER`` and ``FILE USER``, since
admins type those from habit; ``main`` rewrites them to ``add`` before typer parses them.
Passwords are prompted for, hidden, on a terminal; piped stdin gives one line, so
``echo "$pw" | torc-htpasswd add FILE USER`` works in provisioning scripts.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from torc_server.auth import htpasswd

PROG = "torc-htpasswd"
COMMANDS = ("add", "create", "hash", "list", "remove", "verify")
# Leading options that mean Apache's form; anything else starting with "-" stays an error.
ADD_OPTIONS = ("-c", "--create", "--force", "--password", "--cost", "--file", "-f")

app = typer.Typer(
    help="Manage torc users in an htpasswd file (bcrypt hashes). Apache's forms work too: "
    "'torc-htpasswd -c FILE USER' creates FILE with USER, 'torc-htpasswd FILE USER' adds "
    "or updates USER in an existing FILE.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help shown verbatim: brackets are text, not markup
)

CostOption = Annotated[
    int, typer.Option("--cost", help="bcrypt cost factor (4-31).", show_default=True)
]
PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password",
        help="Password (prompted for on a terminal, else one line read from stdin).",
    ),
]
FileOption = Annotated[Path | None, typer.Option("--file", "-f", help="htpasswd file.")]
Args = Annotated[
    list[str], typer.Argument(help="[FILE] USERNAME", metavar="[FILE] USERNAME", show_default=False)
]
FileArg = Annotated[
    Path | None, typer.Argument(help="htpasswd file (or give --file).", show_default=False)
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _usage(command: str, message: str) -> NoReturn:
    typer.echo(f"error: {message} (see {PROG} {command} --help)", err=True)
    raise typer.Exit(2)


def _file_and_user(command: str, file: Path | None, args: list[str]) -> tuple[Path, str]:
    """Accept both ``--file F USER`` and the positional ``F USER`` form."""
    if file is not None and len(args) == 1:
        return file, args[0]
    if file is None and len(args) == 2:
        return Path(args[0]), args[1]
    _usage(command, "give FILE USERNAME, or --file FILE USERNAME")


def _file_only(command: str, file: Path | None, arg: Path | None) -> Path:
    path = file if arg is None else arg
    if path is None or (file is not None and arg is not None):
        _usage(command, "give the file once: FILE or --file FILE")
    return path


def _existing(path: Path) -> Path:
    if not path.exists():
        _fail(f"{path} does not exist")
    return path


def _password(given: str | None, user: str, confirm: bool) -> str:
    """The --password value, else a hidden prompt on a terminal, else one stdin line."""
    if given is not None:
        return given
    if sys.stdin is None:
        _fail("no terminal or standard input to read the password from; pass --password")
    try:
        if not sys.stdin.isatty():
            line = sys.stdin.readline()
            if not line:
                _fail("no password: standard input is empty (pipe one line or pass --password)")
            return line.removesuffix("\n").removesuffix("\r")
        password = getpass.getpass(f"Password for '{user}': ")
        if confirm and getpass.getpass("Confirm password: ") != password:
            _fail("passwords do not match")
    except EOFError:
        typer.echo(err=True)
        _fail("no password entered")
    return password


@app.command()
def add(
    args: Args,
    file: FileOption = None,
    password: PasswordOption = None,
    cost: CostOption = htpasswd.DEFAULT_COST,
    create: Annotated[
        bool, typer.Option("--create", "-c", help="Create FILE first (it must not exist).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --create, replace an existing FILE.")
    ] = False,
    apache_form: Annotated[bool, typer.Option("--apache-form", hidden=True)] = False,
) -> None:
    """Add a user, or replace the password of an existing one."""
    path, user = _file_and_user("add", file, args)
    if create and path.exists() and not force:
        _fail(f"{path} already exists; drop -c to add '{user}' to it, or add --force to replace it")
    if apache_form and not create and not path.is_file():
        _fail(
            f"'{path}' is neither a command ({', '.join(COMMANDS)}) nor an existing file; "
            f"'{PROG} -c {path} {user}' creates it"
        )
    try:
        htpasswd.validate_username(user)
        htpasswd.check_cost(cost)
        users = {} if create else htpasswd.read(path)
        existed = user in users
        users[user] = htpasswd.hash_password(_password(password, user, confirm=True), cost)
        htpasswd.write(path, users)
    except htpasswd.HtpasswdError as exc:
        _fail(str(exc))
    if create:
        typer.echo(f"Created {path}")
    typer.echo(f"{'Updated' if existed else 'Added'} user '{user}' in {path}")


@app.command()
def create(
    file_arg: FileArg = None,
    file: FileOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE (and its users) if it exists.")
    ] = False,
) -> None:
    """Create an empty user file (mode 0600); an existing one needs --force."""
    path = _file_only("create", file, file_arg)
    if path.exists() and not force:
        _fail(f"{path} already exists; add --force to replace it with an empty file")
    try:
        htpasswd.write(path, {})
    except htpasswd.HtpasswdError as exc:
        _fail(str(exc))
    typer.echo(f"Created {path}")


@app.command()
def remove(args: Args, file: FileOption = None) -> None:
    """Remove a user."""
    path, user = _file_and_user("remove", file, args)
    try:
        users = htpasswd.read(_existing(path))
        if users.pop(user, None) is None:
            _fail(f"user '{user}' is not in {path}")
        htpasswd.write(path, users)
    except htpasswd.HtpasswdError as exc:
        _fail(str(exc))
    typer.echo(f"Removed user '{user}' from {path}")


@app.command("list")
def list_users(file_arg: FileArg = None, file: FileOption = None) -> None:
    """List the users in the file."""
    path = _file_only("list", file, file_arg)
    try:
        users = htpasswd.read(_existing(path))
    except htpasswd.HtpasswdError as exc:
        _fail(str(exc))
    for user in users:
        typer.echo(user)


@app.command()
def verify(args: Args, file: FileOption = None, password: PasswordOption = None) -> None:
    """Check a user's password; exits 1 when it does not match."""
    path, user = _file_and_user("verify", file, args)
    try:
        hashed = htpasswd.read(_existing(path)).get(user)
    except htpasswd.HtpasswdError as exc:
        _fail(str(exc))
    if hashed is None:
        _fail(f"user '{user}' is not in {path}")
    if not htpasswd.check_password(_password(password, user, confirm=False), hashed):
        _fail(f"password for '{user}' does not match")
    typer.echo(f"Password for '{user}' is correct")


def _login_name() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (OSError, KeyError):
        _fail(f"cannot tell your user name; give it: {PROG} hash USERNAME")


@app.command("hash")
def hash_command(
    username: Annotated[str | None, typer.Argument(help="User name (default: $USER).")] = None,
    password: PasswordOption = None,
    cost: CostOption = htpasswd.DEFAULT_COST,
) -> None:
    """Print a ``user:hash`` line to send to a server administrator."""
    user = username or _login_name()
    try:
        htpasswd.validate_username(user)
        htpasswd.check_cost(cost)
        secret = htpasswd.validate_password(_password(password, user, confirm=True))
        typer.echo(f"Hashing password (cost={cost})...", err=True)
        typer.echo(f"{user}:{htpasswd.hash_password(secret, cost)}")
    except htpasswd.HtpasswdError as exc:
        _fail(str(exc))
    typer.echo("\nSend the line above to your server administrator.", err=True)


def apache_argv(argv: list[str]) -> list[str]:
    """``-c FILE USER`` and ``FILE USER`` become ``add``; subcommands pass unchanged."""
    if not argv:
        return ["--help"]
    first = argv[0]
    if first in COMMANDS or (first.startswith("-") and first not in ADD_OPTIONS):
        return argv
    return ["add", "--apache-form", *argv]


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line instead of a boxed panel."""
    args = apache_argv(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=args, prog_name=PROG, standalone_mode=False)
    except typer.TyperException as exc:  # the base of click's exceptions inside typer
        context = getattr(exc, "ctx", None)
        hint = f" (see {context.command_path} --help)" if exc.exit_code == 2 and context else ""
        typer.echo(f"error: {exc.format_message()}{hint}", err=True)
        code = exc.exit_code
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
