"""JSON and JSON5 specs: the stdlib and ``json5`` parse, a light scanner finds the lines.

Neither parser reports where values are, so once the text has parsed, a small structural
scanner walks it again (strings, comments, brackets and keys only) to record the position
of every key and list item, and to refuse duplicate keys, which both parsers would
otherwise resolve silently to the last one.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import json5

from torc.spec.errors import LineIndex, Path, SourceMap, SpecError

_JSON5_ERROR = re.compile(r"^<string>:(\d+) (.*?)(?: at column (\d+))?$", re.DOTALL)


def load_json(text: str, source: SourceMap) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"invalid JSON: {exc.msg}", source.file, exc.lineno, exc.colno) from None
    _PositionScanner(text, source).scan()
    return data


def load_json5(text: str, source: SourceMap) -> Any:
    try:
        data = json5.loads(text)
    except ValueError as exc:
        match = _JSON5_ERROR.match(str(exc))
        if match is None:
            raise SpecError(f"invalid JSON5: {exc}", source.file) from None
        column = int(match[3]) if match[3] else None
        problem = match[2].replace('"\n"', "end of line")
        raise SpecError(f"invalid JSON5: {problem}", source.file, int(match[1]), column) from None
    _PositionScanner(text, source).scan()
    return data


class _PositionScanner:
    """Walks already-validated JSON/JSON5 text, recording where each path starts."""

    def __init__(self, text: str, source: SourceMap) -> None:
        self.text = text
        self.source = source
        self.lines = LineIndex(text)

    def scan(self) -> None:
        """Best effort: text the parsers accepted but this walk misreads only loses lines."""
        with contextlib.suppress(IndexError):
            self._value(self._skip(0), ())

    def _record(self, path: Path, offset: int) -> None:
        self.source.add(path, *self.lines.position(offset))

    def _skip(self, i: int) -> int:
        """Past whitespace and comments."""
        text, end = self.text, len(self.text)
        while i < end:
            if text[i].isspace():
                i += 1
            elif text.startswith("//", i):
                newline = text.find("\n", i)
                i = end if newline < 0 else newline + 1
            elif text.startswith("/*", i):
                close = text.find("*/", i + 2)
                i = end if close < 0 else close + 2
            else:
                break
        return i

    def _value(self, i: int, path: Path) -> int:
        self._record(path, i)
        char = self.text[i] if i < len(self.text) else ""
        if char == "{":
            return self._object(i + 1, path)
        if char == "[":
            return self._array(i + 1, path)
        if char in ("'", '"'):
            return self._string_end(i)
        while i < len(self.text) and self.text[i] not in ",]}/" and not self.text[i].isspace():
            i += 1
        return i

    def _string_end(self, i: int) -> int:
        quote, i = self.text[i], i + 1
        while self.text[i] != quote:
            i += 2 if self.text[i] == "\\" else 1
        return i + 1

    def _key(self, i: int) -> tuple[str, int]:
        if self.text[i] in ("'", '"'):
            end = self._string_end(i)
            literal = self.text[i:end]
            try:
                return str(json.loads(literal)), end
            except ValueError:
                return str(json5.loads(literal)), end
        end = i
        while end < len(self.text) and self.text[end] != ":" and not self.text[end].isspace():
            end += 1
        return self.text[i:end], end

    def _object(self, i: int, path: Path) -> int:
        seen: set[str] = set()
        while True:
            i = self._skip(i)
            if self.text[i] == "}":
                return i + 1
            if self.text[i] == ",":
                i += 1
                continue
            start = i
            key, i = self._key(i)
            if key in seen:
                line, column = self.lines.position(start)
                raise SpecError(f"duplicate key '{key}'", self.source.file, line, column)
            seen.add(key)
            self._record((*path, key), start)
            i = self._skip(i) + 1  # the colon
            i = self._value(self._skip(i), (*path, key))

    def _array(self, i: int, path: Path) -> int:
        index = 0
        while True:
            i = self._skip(i)
            if self.text[i] == "]":
                return i + 1
            if self.text[i] == ",":
                i += 1
                continue
            i = self._value(i, (*path, index))
            index += 1
