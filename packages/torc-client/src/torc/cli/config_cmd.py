"""``torc config``: where configuration comes from, what it resolves to, and a starter file."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import tomli_w
import typer

from torc.cli.common import CliError, cli, print_table
from torc.cli.groups import new_group
from torc.config import ConfigError, config_paths, default_toml, load_config

app = new_group()


class ShowFormat(StrEnum):
    toml = "toml"
    json = "json"


def _without_none(tree: dict[str, object]) -> dict[str, object]:
    """TOML has no null: unset settings are left out."""
    return {
        key: _without_none(value) if isinstance(value, dict) else value
        for key, value in tree.items()
        if value is not None
    }


@app.command()
def paths(ctx: typer.Context) -> None:
    """Show the configuration file paths, in increasing precedence."""
    rows = [
        {"scope": scope, "path": str(path), "exists": path.is_file()}
        for scope, path in config_paths()
    ]
    if cli(ctx).json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        print_table(rows, ["scope", "path", "exists"])


@app.command()
def show(
    ctx: typer.Context,
    output: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="toml or json.")
    ] = ShowFormat.toml,
) -> None:
    """Show the effective configuration (merged from all sources)."""
    values = cli(ctx).config.values
    if output == ShowFormat.json:
        typer.echo(json.dumps(values, indent=2))
    else:
        typer.echo(tomli_w.dumps(_without_none(values)), nl=False)


@app.command()
def init(
    system: Annotated[bool, typer.Option("--system", help="Write /etc/torc/config.toml.")] = False,
    user: Annotated[bool, typer.Option("--user", help="Write ~/.config/torc/config.toml.")] = False,
    local: Annotated[bool, typer.Option("--local", help="Write ./torc.toml.")] = False,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite an existing file.")
    ] = False,
) -> None:
    """Write a configuration file with the defaults (user scope unless told otherwise)."""
    scopes = dict(config_paths())
    chosen = [s for s, on in (("system", system), ("user", user), ("local", local)) if on] or [
        "user"
    ]
    for scope in chosen:
        path: Path = scopes[scope]
        if path.exists() and not force:
            raise CliError(f"{path} exists; use --force to overwrite it")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(default_toml())
        except OSError as exc:
            raise CliError(f"cannot write {path}: {exc.strerror}") from None
        typer.echo(f"Wrote {path}")


@app.command()
def validate() -> None:
    """Check every configuration file and TORC_* variable; exit 1 naming the first problem."""
    try:
        config = load_config()
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    sources = sorted(set(config.sources.values()))
    typer.echo(
        "Configuration is valid" + (f" ({', '.join(sources)})" if sources else " (defaults)")
    )
