"""``torc completions <SHELL>``: the scripts load in their shells and complete commands
and options (bash and, where installed, elvish and zsh are really run)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli.conftest import Torc


def bash_complete(torc: Torc, script: str, words: str, index: int) -> list[str]:
    """What bash offers for ``words`` with the cursor on word ``index``."""
    command = (
        f"{script}\nCOMP_WORDS=({words}); COMP_CWORD={index}; "
        '_torc_completion torc; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=torc.env(), check=True
    )
    return result.stdout.split()


def test_bash_completes_commands_options_and_values(torc: Torc) -> None:
    script = torc("completions", "bash").stdout
    assert bash_complete(torc, script, "torc wor", 1) == ["workflows"]
    assert bash_complete(torc, script, "torc workflows li", 2) == ["list", "list-actions"]
    assert bash_complete(torc, script, "torc --u", 1) == ["--url", "--username"]
    assert bash_complete(torc, script, "torc -f ''", 2) == ["table", "json"]
    options = bash_complete(torc, script, "torc jobs list --inc", 3)
    assert options == ["--include-relationships"]


@pytest.mark.skipif(shutil.which("elvish") is None, reason="elvish is not installed")
def test_elvish_script_runs(torc: Torc) -> None:
    """Outside an interactive shell elvish has no ``edit:`` module, so the completer is
    bound to a variable and candidates are printed instead of shown."""
    script = torc("completions", "elvish").stdout
    assert script.startswith("use builtin;\nuse str;\n")
    testable = script.replace(
        "set edit:completion:arg-completer[torc] = ", "var completer = "
    ).replace("edit:complex-candidate $text &display=", "put $text; nop ")

    def complete(*words: str) -> list[str]:
        call = " ".join(f"'{w}'" for w in words)
        result = subprocess.run(
            ["elvish", "-norc", "-c", f"{testable}\n$completer {call}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return [line.removeprefix("▶ ") for line in result.stdout.splitlines()]

    assert "workflows" in complete("torc", "w")
    assert {"--url", "--format", "completions"} <= set(complete("torc", ""))
    options = complete("torc", "-f", "json", "jobs", "list", "")
    assert {"--status", "--include-relationships", "--limit"} <= set(options)
    assert "archive" in complete("torc", "workflows", "")


def test_other_shells(torc: Torc) -> None:
    zsh = torc("completions", "zsh").stdout
    assert zsh.startswith("#compdef torc") and "_TORC_COMPLETE=complete_zsh" in zsh
    if shutil.which("zsh"):
        subprocess.run(["zsh", "-n"], input=zsh, text=True, check=True)
    fish = torc("completions", "fish").stdout
    assert fish.startswith("complete --command torc") and "complete_fish" in fish
    powershell = torc("completions", "powershell").stdout
    assert "Register-ArgumentCompleter -Native -CommandName torc" in powershell
    assert "invalid" in torc("completions", "tcsh", expect=2).stderr.lower()
