"""KDL parsing: the seed's KDL 2 syntax on top of ``kdl-py``, which speaks KDL 1.

The seed writes booleans as ``#true``/``#false`` (KDL 2) while ``kdl-py`` implements KDL
1 (``true``/``false``). Rather than a second parser, a small pass rewrites the KDL 2 forms
that differ (``#true``, ``#false``, ``#null``, raw strings ``#"..."#`` and multi-line
strings ``\"\"\"...\"\"\"``) into KDL 1 outside strings and comments, keeping every
newline so line numbers stay true; KDL 1 spellings keep working. The result is a tree of
:class:`KdlNode` with Python values and the line each node starts on.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from kdl.errors import ParseError, ParseFragment
from kdl.parsing import ParseConfig, Parser
from kdl.types import Decimal, Node

from torc.spec.errors import LineIndex, SpecError

_KEYWORDS = {"#true": " true", "#false": " false", "#null": " null"}


@dataclass
class KdlNode:
    name: str
    line: int
    args: list[Any] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    children: list[KdlNode] = field(default_factory=list)


def parse_kdl(text: str, file: str | None) -> list[KdlNode]:
    """Parse KDL (2 or 1) text into nodes; syntax errors become :class:`SpecError`."""
    converted = to_kdl1(text)
    starts: dict[int, int] = {}

    def remember_start(node: Node, fragment: ParseFragment) -> Node:
        starts[id(node)] = getattr(fragment, "_i", 0)
        return node

    config = ParseConfig(
        nativeUntaggedValues=False, nativeTaggedValues=False, nodeConverters={...: remember_start}
    )
    try:
        document = Parser(config).parse(converted)
    except ParseError as exc:
        message = str(exc.msg).split("parse error:", 1)[-1].strip()
        raise SpecError(f"invalid KDL: {message}", file, exc.line, exc.col) from None
    lines = LineIndex(converted)

    def convert(node: Node) -> KdlNode:
        return KdlNode(
            name=node.name,
            line=lines.position(starts.get(id(node), 0))[0],
            args=[_python_value(value) for value in node.args],
            props={key: _python_value(value) for key, value in node.props.items()},
            children=[convert(child) for child in node.nodes],
        )

    return [convert(node) for node in document.nodes]


def _python_value(value: Any) -> Any:
    """KDL values to Python; integers stay integers (``kdl-py`` makes every number a float)."""
    if isinstance(value, Decimal):
        if isinstance(value.mantissa, int) and value.exponent >= 0:
            return value.mantissa * 10**value.exponent
        return value.value
    return getattr(value, "value", value)


def to_kdl1(text: str) -> str:
    """Rewrite KDL 2-only syntax as KDL 1, leaving strings and comments untouched."""
    out: list[str] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if text.startswith('"""', i):
            i = _multiline_string(text, i, out)
        elif char == '"':
            i = _copy(text, i, _string_end(text, i), out)
        elif char == "r" and (i == 0 or not _ident_char(text[i - 1])) and _raw_start(text, i + 1):
            i = _copy(text, i, _raw_end(text, i + 1), out)
        elif char == "#" and _raw_start(text, i):
            out.append("r")
            i = _copy(text, i, _raw_end(text, i), out)
        elif char == "#":
            word = next((k for k in _KEYWORDS if text.startswith(k, i)), None)
            out.append(_KEYWORDS[word] if word else char)
            i += len(word) if word else 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = _copy(text, i, end if newline < 0 else newline, out)
        elif text.startswith("/*", i):
            i = _copy(text, i, _block_comment_end(text, i), out)
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _copy(text: str, start: int, stop: int, out: list[str]) -> int:
    out.append(text[start:stop])
    return stop


def _ident_char(char: str) -> bool:
    return char.isalnum() or char in "_-."


def _raw_start(text: str, i: int) -> bool:
    """``#..#"`` (or ``"`` right after ``r``) opens a raw string at ``i``."""
    while i < len(text) and text[i] == "#":
        i += 1
    return i < len(text) and text[i] == '"'


def _raw_end(text: str, i: int) -> int:
    hashes = 0
    while text[i + hashes] == "#":
        hashes += 1
    close = text.find('"' + "#" * hashes, i + hashes + 1)
    return len(text) if close < 0 else close + 1 + hashes


def _string_end(text: str, i: int) -> int:
    i += 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return min(i + 1, len(text))


def _block_comment_end(text: str, i: int) -> int:
    depth = 0
    while i < len(text):
        if text.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return i


def _multiline_string(text: str, i: int, out: list[str]) -> int:
    """A KDL 2 ``\"\"\"`` string becomes one KDL 1 string with the same value and lines.

    KDL 2 drops the first line break and the last line (the closing indentation) and
    removes that indentation from every line; the newlines this loses are put back as
    line continuations in front of the string, so the lines after it keep their numbers.
    """
    close = text.find('"""', i + 3)
    if close < 0:
        out.append(text[i:])
        return len(text)
    body = text[i + 3 : close]
    lines = body.split("\n")
    value = textwrap.dedent("\n".join(lines[1:-1])) if len(lines) > 1 else body
    escaped: list[str] = []
    j = 0
    while j < len(value):
        step = 2 if value[j] == "\\" else 1
        escaped.append('\\"' if value[j] == '"' else value[j : j + step])
        j += step
    out.append(" \\\n" * (body.count("\n") - value.count("\n")))
    out.append('"' + "".join(escaped) + '"')
    return close + 3
