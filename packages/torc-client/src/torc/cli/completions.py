"""``torc completions <SHELL>``: shell completion scripts.

Bash, zsh, fish and PowerShell get typer's scripts, which ask ``torc`` itself for
candidates (through the ``_TORC_COMPLETE`` variable), so they always match the installed
command tree, option values included. Typer has no elvish support, so the elvish script
is generated here from the same command tree, as a static table of subcommands and
options per command path (in the style of clap's generator).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from typer._completion_classes import completion_init
from typer._completion_shared import get_completion_script
from typer.core import TyperGroup

PROG = "torc"
COMPLETE_VAR = "_TORC_COMPLETE"

completion_init()  # lets `torc` answer the completion requests the scripts make


class Shell(StrEnum):
    bash = "bash"
    elvish = "elvish"
    fish = "fish"
    powershell = "powershell"
    zsh = "zsh"


def _quote(text: str) -> str:
    """An elvish single-quoted string ('' stands for one quote)."""
    return "'" + text.replace("'", "''") + "'"


def _candidates(ctx: Any, command: Any) -> list[tuple[str, str]]:
    """(word, description) pairs: the options of ``command`` and, for a group, its
    visible subcommands."""
    found: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        if getattr(param, "param_type_name", "") != "option" or getattr(param, "hidden", False):
            continue
        help_text = (getattr(param, "help", None) or "").split("\n")[0]
        found += [(name, help_text) for name in [*param.opts, *param.secondary_opts]]
    found += [(name, sub.get_short_help_str(limit=80)) for name, sub in _subcommands(ctx, command)]
    return found


def _subcommands(ctx: Any, command: Any) -> list[tuple[str, Any]]:
    """The visible subcommands of a group (loading lazy ones), by name; none for a leaf."""
    if not isinstance(command, TyperGroup):
        return []
    found = [(name, command.get_command(ctx, name)) for name in sorted(command.list_commands(ctx))]
    return [(name, sub) for name, sub in found if sub is not None and not sub.hidden]


def _paths(ctx: Any, command: Any, path: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every command path (``torc;workflows;list``) with its candidates, depth first."""
    table = [(path, _candidates(ctx, command))]
    for name, sub in _subcommands(ctx, command):
        table += _paths(ctx, sub, f"{path};{name}")
    return table


def elvish_script(ctx: Any, root: Any) -> str:
    entries = []
    for path, candidates in _paths(ctx, root, PROG):
        lines = [f"        &{_quote(path)}= {{"]
        lines += [f"            cand {_quote(w)} {_quote(d)}" for w, d in candidates]
        lines.append("        }")
        entries.append("\n".join(lines))
    body = "\n".join(entries)
    return f"""use builtin;
use str;

set edit:completion:arg-completer[{PROG}] = {{|@words|
    fn spaces {{|n|
        builtin:repeat $n ' ' | str:join ''
    }}
    fn cand {{|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 24 (wcswidth $text)))$desc
    }}
    var completions = [
{body}
    ]
    var command = '{PROG}'
    for word $words[1..-1] {{
        if (has-key $completions $command';'$word) {{
            set command = $command';'$word
        }}
    }}
    if (has-key $completions $command) {{
        $completions[$command]
    }}
}}
"""


def completions(
    ctx: typer.Context,
    shell: Annotated[Shell, typer.Argument(help="The shell to generate completions for.")],
) -> None:
    """Generate shell completions (print the script to install)."""
    if shell == Shell.elvish:
        root = ctx.find_root()
        typer.echo(elvish_script(root, root.command), nl=False)
    else:
        typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell))
