"""Every ``--help`` of ``torc``, ``torc-server`` and ``torc-htpasswd`` shows every word.

Rich markup would read ``[default: 8080]`` or ``[server]`` in a help string as a style
tag and drop it; the commands print their help verbatim instead. This walks each command
tree (lazy groups included), asks every command for its help through typer's test runner
(the real application objects; a subprocess per command would cost most of a second each)
and looks for each bracketed phrase of the declared help strings in the output.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from torc.cli.app import app as torc_app
from torc_server.auth.htpasswd_cli import app as htpasswd_app
from torc_server.cli import app as server_app

PROGRAMS = {"torc": torc_app, "torc-server": server_app, "torc-htpasswd": htpasswd_app}
BRACKETED = re.compile(r"\[[^\[\]]+\]")


def walk(command: Any, ctx: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    """(path, command) for the command and everything under it."""
    found = [(path, command)]
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if not sub.hidden:
                found += walk(sub, ctx, [*path, name])
    return found


def commands() -> list[tuple[str, list[str], Any]]:
    found = []
    for prog, app in PROGRAMS.items():
        root = typer.main.get_command(app)
        found += [(prog, path, cmd) for path, cmd in walk(root, typer.Context(root), [])]
    return found


COMMANDS = commands()


def words(text: str) -> str:
    return " ".join(text.split())


def declared_help(command: Any) -> list[str]:
    """The help strings written for the command and its options and arguments."""
    texts = [command.help or ""]
    texts += [getattr(param, "help", None) or "" for param in command.params]
    return texts


def test_the_trees_were_walked() -> None:
    paths = {(prog, " ".join(path)) for prog, path, _ in COMMANDS}
    assert {("torc", "workflows run"), ("torc-server", "run"), ("torc-htpasswd", "add")} <= paths


@pytest.mark.parametrize(
    ("prog", "path", "command"),
    COMMANDS,
    ids=[" ".join([prog, *path]) for prog, path, _ in COMMANDS],
)
def test_help_keeps_bracketed_text(prog: str, path: list[str], command: Any) -> None:
    result = CliRunner().invoke(PROGRAMS[prog], [*path, "--help"], prog_name=prog)
    assert result.exit_code == 0, result.output
    shown = words(result.output)
    assert words(f"Usage: {prog} {' '.join(path)}") in shown
    missing = [
        phrase
        for text in declared_help(command)
        for phrase in BRACKETED.findall(words(text))
        if phrase not in shown
    ]
    assert not missing, f"help of '{prog} {' '.join(path)}' lost {missing}"
