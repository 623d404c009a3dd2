"""``SpecError`` and the source map that lets every error name the file and line.

A workflow spec passes through three stages (parse, structural validation, expansion)
and errors can surface in any of them. Each loader records where every key and list item
of the document starts (a :class:`SourceMap` keyed by the path of keys and indexes), so
an error found much later, such as a dependency on a job that does not exist, can still
point at the line the user has to fix.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable
from typing import TypeAlias

Path: TypeAlias = tuple[str | int, ...]
"""Location inside a spec document: keys of mappings and indexes of lists."""


class SpecError(Exception):
    """A workflow specification that cannot be used, with where the problem is.

    ``str(error)`` is ``"FILE:LINE: message"``, or ``"FILE: message"`` when the line is
    unknown, or just the message for a spec built in Python.
    """

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class LineIndex:
    """Turns character offsets into 1-based (line, column) in O(log n)."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        self._starts.extend(i + 1 for i, char in enumerate(text) if char == "\n")

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


class SourceMap:
    """Where each path of a parsed document starts in its file."""

    def __init__(self, file: str | None = None) -> None:
        self.file = file
        self.positions: dict[Path, tuple[int, int]] = {}

    def add(self, path: Path, line: int, column: int = 1) -> None:
        self.positions.setdefault(path, (line, column))

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest recorded ancestor."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return None, None

    def error(self, path: Path, message: str) -> SpecError:
        line, column = self.locate(path)
        return SpecError(message, self.file, line, column)


def describe_path(path: Path, data: object = None) -> str:
    """``jobs[2].num_cpus``, naming list items by their ``name`` when the data has one."""
    text = ""
    node = data
    for part in path:
        child = _child(node, part)
        if isinstance(part, int):
            name = child.get("name") if isinstance(child, dict) else None
            text += f"[{part}]" + (f" ({name})" if isinstance(name, str) else "")
        else:
            text += ("." if text else "") + part
        node = child
    return text


def _child(node: object, part: str | int) -> object:
    if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
        return node[part]
    if isinstance(part, str) and isinstance(node, dict):
        return node.get(part)
    return None
