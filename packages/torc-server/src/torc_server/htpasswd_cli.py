"""``torc-htpasswd``: manage the user file that ``torc-server run --auth-file`` reads."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from torc_server import htpasswd

app = typer.Typer(
    help="Manage torc users in an htpasswd file (bcrypt hashes).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help shown verbatim: brackets are text, not markup
)

CostOption = Annotated[int, typer.Option("--cost", help="bcrypt cost factor (4-31).")]
PasswordOption = Annotated[
    str | None, typer.Option("--password", help="Password (prompted for when omitted).")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _file_and_user(file: Path | None, args: list[str]) -> tuple[Path, str]:
    """Accept both ``--file F USER`` and the positional ``F USER`` form."""
    if file is not None and len(args) == 1:
        return file, args[0]
    if file is None and len(args) == 2:
        return Path(args[0]), args[1]
    raise _fail("give the file with --file and one USERNAME, or FILE USERNAME")


def _prompt_password(user: str, confirm: bool) -> str:
    password = getpass.getpass(f"Password for '{user}': ")
    if confirm and getpass.getpass("Confirm password: ") != password:
        raise _fail("passwords do not match")
    if not password:
        raise _fail("empty password")
    return password


FileOption = Annotated[Path | None, typer.Option("--file", "-f", help="htpasswd file.")]
Args = Annotated[list[str], typer.Argument(help="[FILE] USERNAME", show_default=False)]


@app.command()
def add(
    args: Args, file: FileOption = None, password: PasswordOption = None, cost: CostOption = 12
) -> None:
    """Add a user, or replace the password of an existing one."""
    path, user = _file_and_user(file, args)
    try:
        htpasswd.validate_username(user)
        users = htpasswd.read(path)
        existed = user in users
        secret = password if password is not None else _prompt_password(user, confirm=True)
        users[user] = htpasswd.hash_password(secret, cost)
        htpasswd.write(path, users)
    except (htpasswd.HtpasswdError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{'Updated' if existed else 'Added'} user '{user}' in {path}")


@app.command()
def remove(args: Args, file: FileOption = None) -> None:
    """Remove a user."""
    path, user = _file_and_user(file, args)
    try:
        users = htpasswd.read(path)
        if users.pop(user, None) is None:
            raise _fail(f"user '{user}' is not in {path}")
        htpasswd.write(path, users)
    except (htpasswd.HtpasswdError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"Removed user '{user}' from {path}")


@app.command("list")
def list_users(
    file: Annotated[Path, typer.Option("--file", "-f", help="htpasswd file.")],
) -> None:
    """List the users in the file."""
    try:
        users = htpasswd.read(file)
    except (htpasswd.HtpasswdError, OSError) as exc:
        raise _fail(str(exc)) from None
    for user in users:
        typer.echo(user)


@app.command()
def verify(args: Args, file: FileOption = None, password: PasswordOption = None) -> None:
    """Check a user's password; exits 1 when it does not match."""
    path, user = _file_and_user(file, args)
    try:
        hashed = htpasswd.read(path).get(user)
    except (htpasswd.HtpasswdError, OSError) as exc:
        raise _fail(str(exc)) from None
    if hashed is None:
        raise _fail(f"user '{user}' is not in {path}")
    secret = password if password is not None else _prompt_password(user, confirm=False)
    if not htpasswd.check_password(secret, hashed):
        raise _fail(f"password for '{user}' does not match")
    typer.echo(f"Password for '{user}' is correct")


@app.command("hash")
def hash_command(
    username: Annotated[str | None, typer.Argument(help="User name (default: $USER).")] = None,
    password: PasswordOption = None,
    cost: CostOption = 12,
) -> None:
    """Print a ``user:hash`` line to send to a server administrator."""
    user = username or os.environ.get("USER") or getpass.getuser()
    try:
        htpasswd.validate_username(user)
        secret = password if password is not None else _prompt_password(user, confirm=True)
        typer.echo(f"Hashing password (cost={cost})...", err=True)
        typer.echo(f"{user}:{htpasswd.hash_password(secret, cost)}")
    except htpasswd.HtpasswdError as exc:
        raise _fail(str(exc)) from None
    typer.echo("Send the line above to your server administrator.", err=True)


def main() -> None:
    app()
