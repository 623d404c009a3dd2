"""Command groups: how ``torc``'s groups are made, and loading them only when used.

Help text is printed as written (no Rich markup), so ``[default: ...]`` and other
brackets in it stay visible. The root lists its groups by their declared help and imports
a group's module (with the models and the API client behind it) only when a command of
that group runs or its help is asked for: ``torc --help`` and ``torc -s run`` start
without them.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperGroup


def new_group() -> typer.Typer:
    """A group that shows its help when given no command, with help text shown verbatim."""
    return typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


class LazyGroup(TyperGroup):
    """A group whose subgroups are typer apps in modules imported on first use.

    ``lazy`` maps a subgroup's name to its module (which defines ``app``) and its help.
    """

    lazy: ClassVar[dict[str, tuple[str, str]]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.lazy, *(name for name in super().list_commands(ctx) if name not in self.lazy)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, help_text = self.lazy[cmd_name]
            group: Any = typer.main.get_command(importlib.import_module(module).app)
            group.name, group.help = cmd_name, help_text
            self.add_command(group, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list, with lazy groups described by their declared help."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = [(name, help_text) for name, (_, help_text) in self.lazy.items()]
        rows += [
            (name, command.get_short_help_str(limit))
            for name, command in self.commands.items()
            if name not in self.lazy and not command.hidden
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
