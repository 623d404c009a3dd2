"""The Python examples of the original manual (``../shared/seeds/001_*``), read from the
manual itself so that the tests run exactly the code users copy from it.

The manual is a text export of the original's web pages: code blocks carry no fences, so
each example is named here by its first line and the first line of prose after it. The
export also lost the leading whitespace of every line. Examples whose code is flat Python
run as they are; for the others ``tests/manual_examples/`` holds a copy with the
indentation put back, and :func:`code` checks that the copy, stripped of indentation, is
the manual's text line for line, so nothing but indentation differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
INDENTED = Path(__file__).resolve().parent / "manual_examples"
MANUAL_URL = "http://localhost:8080/torc-service/v1"
TORC_IMPORT = re.compile(r"^(?:from|import) torc\b")


@dataclass(frozen=True)
class Snippet:
    name: str
    first: str
    """Its first line in the manual."""
    after: str
    """The first line of the manual's prose after it."""
    indented: str | None = None
    """The file of :data:`INDENTED` holding it with its indentation put back."""


SNIPPETS = (
    # "How to Create Workflows" > "Using the Python API"
    Snippet(
        "create_workflow",
        "from torc import make_api",
        "For more details, see the Map Python Functions tutorial.",
    ),
    # "Authentication" > "Programmatic Access" > "Python:"
    Snippet("basic_auth_configuration", "from torc import Configuration, ApiClient", "Julia:"),
    # "Map a Python function to compute nodes": the user's module, then the script
    Snippet(
        "simulation",
        "def run(job_name: str, input_params: dict) -> dict:",
        "You need to run this function on hundreds of sets of input parameters",
        indented="simulation.py.txt",
    ),
    Snippet(
        "map_function_across_workers",
        "import getpass",
        "Requirements:",
        indented="map_function_across_workers.py.txt",
    ),
)


def manual() -> Path:
    found = sorted(SEEDS.glob("001_*.txt"))
    assert found, f"no manual at {SEEDS}/001_*.txt: ../shared/ must sit beside the repository"
    return found[0]


def manual_lines() -> list[str]:
    return manual().read_text(encoding="utf-8").splitlines()


def span(snippet: Snippet, lines: list[str]) -> range:
    """The manual's line indexes of ``snippet`` (there must be exactly one such block)."""
    starts = [i for i, line in enumerate(lines) if line == snippet.first]
    assert len(starts) == 1, f"{snippet.name}: {len(starts)} lines are {snippet.first!r}"
    start = starts[0]
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(snippet.after))
    return range(start, end)


def code(snippet: Snippet, url: str) -> str:
    """The snippet as a script, its hard-coded ``localhost:8080`` URL replaced by ``url``."""
    lines = manual_lines()
    text = [lines[i] for i in span(snippet, lines)]
    if snippet.indented is not None:
        copy = (INDENTED / snippet.indented).read_text().splitlines()
        stripped = [line.strip() for line in copy if line.strip()]
        assert stripped == text, f"{snippet.indented} is not the manual's {snippet.name}"
        text = copy
    return "\n".join(text).replace(MANUAL_URL, url) + "\n"


def uncovered_torc_imports() -> list[str]:
    """Lines of the manual that import torc outside every listed snippet: an example the
    tests would miss."""
    lines = manual_lines()
    covered = {i for snippet in SNIPPETS for i in span(snippet, lines)}
    return [
        f"{manual().name}:{i + 1}: {line}"
        for i, line in enumerate(lines)
        if TORC_IMPORT.match(line) and i not in covered
    ]
