"""Parameter values, their combinations, and ``{name}`` / ``{name:fmt}`` templates.

Choices where the seed is ambiguous:

* A range's third field is always a *step*, also for floats (``"0.0:1.0:0.1"``); the
  seed's one "log scale" comment (``"0.0001:0.01:10"``) contradicts its own table, and a
  step is what every other example means. Ends are inclusive; a negative step counts down.
* Float ranges are rounded to the decimals written in the range, so ``"0.0:1.0:0.1"``
  gives 0.3 rather than 0.30000000000000004 and ``"0.1:1.0:0.1"`` has ten values.
* ``{x}`` without a format prints a value as written in the list (``"[0.00001]"`` gives
  ``0.00001``, not ``1e-05``); with a format (``{x:03d}``, ``{lr:.4f}``) Python's
  ``format()`` applies.
* Product mode varies the last parameter fastest (the first is outermost), matching the
  seed's ``job_1_x, job_1_y, job_1_z, job_2_x``.
* Only ``{name}`` for a parameter the job actually has is a placeholder; other braces
  (shell ``${VAR}``, ``awk '{print}'``) are left alone.
* One spec expands to at most 10 million records; more is taken for a typo.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from torc.spec.models import ParameterMode, ParameterValues


class ParameterError(ValueError):
    """A bad parameter value or template; the caller adds the file and line."""


@dataclass(frozen=True, slots=True)
class Value:
    """One parameter value and the text ``{name}`` (no format) renders it as."""

    value: int | float | str
    text: str


Combination = Mapping[str, Value]
MAX_COMBINATIONS = 10_000_000
_NUMBER = r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*"
_RANGE = re.compile(rf"^{_NUMBER}:{_NUMBER}(?::{_NUMBER})?$")


def parse_values(name: str, raw: ParameterValues) -> list[Value]:
    """The values of parameter ``name`` given as a range, a list, a number or a native list."""
    if isinstance(raw, list):
        values = [Value(item, item if isinstance(item, str) else str(item)) for item in raw]
    elif isinstance(raw, int | float):
        values = [Value(raw, str(raw))]
    else:
        text = raw.strip()
        match = _RANGE.match(text)
        if match:
            values = _range(name, text, match.group(1), match.group(2), match.group(3))
        elif text.startswith("[") and text.endswith("]"):
            values = _list(name, text[1:-1])
        elif _number(text) is not None:
            values = [Value(_number(text) or 0, text)]
        else:
            raise ParameterError(
                f"parameter '{name}': cannot read {raw!r}; use a range 'START:END[:STEP]' "
                "(e.g. '1:10') or a list '[a, b, c]'"
            )
    if not values:
        raise ParameterError(f"parameter '{name}' has no values")
    return values


def _number(token: str) -> int | float | None:
    for kind in (int, float):
        try:
            return kind(token)
        except ValueError:
            pass
    return None


def _range(name: str, text: str, *parts: str | None) -> list[Value]:
    start_text, end_text, step_text = parts
    fields = [p for p in (start_text, end_text, step_text) if p is not None]
    if all(re.fullmatch(r"[-+]?\d+", f) for f in fields):
        start, end, step = int(fields[0]), int(fields[1]), int(step_text or 1)
        _check_direction(name, text, start, end, step)
        return [Value(v, str(v)) for v in range(start, end + (1 if step > 0 else -1), step)]
    start_f, end_f, step_f = float(fields[0]), float(fields[1]), float(step_text or 1)
    _check_direction(name, text, start_f, end_f, step_f)
    decimals = max((_decimals(f) for f in fields), default=0)
    count = math.floor(round((end_f - start_f) / step_f, 9)) + 1
    values = [round(start_f + k * step_f, decimals) for k in range(count)]
    return [Value(v, f"{v:.{decimals}f}") for v in values]


def _check_direction(name: str, text: str, start: float, end: float, step: float) -> None:
    if step == 0:
        raise ParameterError(f"parameter '{name}': range '{text}' has a step of 0")
    _check_size(f"parameter '{name}': range '{text}'", (end - start) / step + 1)
    if (end - start) * step < 0:
        raise ParameterError(
            f"parameter '{name}': range '{text}' is empty (its step goes away from its end)"
        )


def _decimals(number: str) -> int:
    mantissa, _, exponent = number.lower().partition("e")
    digits = len(mantissa.partition(".")[2])
    return max(digits - int(exponent or 0), 0)


def _list(name: str, body: str) -> list[Value]:
    """Items split on commas outside quotes; quoted items are strings."""
    items: list[str] = []
    current, quote = "", ""
    for char in body:
        if quote:
            current += char
            quote = "" if char == quote else quote
        elif char in "'\"":
            current += char
            quote = char
        elif char == ",":
            items.append(current.strip())
            current = ""
        else:
            current += char
    if quote:
        raise ParameterError(f"parameter '{name}': unclosed quote in '[{body}]'")
    if current.strip() or items:
        items.append(current.strip())
    if items and items[-1] == "":
        items.pop()  # a trailing comma
    values = []
    for item in items:
        if not item:
            raise ParameterError(f"parameter '{name}': empty item in '[{body}]'")
        if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
            values.append(Value(item[1:-1], item[1:-1]))
        else:
            number = _number(item)
            values.append(Value(item if number is None else number, item))
    return values


def combinations(params: dict[str, list[Value]], mode: ParameterMode) -> list[dict[str, Value]]:
    """All combinations (product mode) or position-wise pairs (zip mode), in order."""
    names = list(params)
    if mode == "zip":
        lengths = {name: len(values) for name, values in params.items()}
        first = names[0]
        for name in names[1:]:
            if lengths[name] != lengths[first]:
                raise ParameterError(
                    "All parameters must have the same number of values when using 'zip' "
                    f"mode.\nParameter '{first}' has {lengths[first]} values, but '{name}' "
                    f"has {lengths[name]} values."
                )
        rows: Iterable[tuple[Value, ...]] = zip(*params.values(), strict=True)
    else:
        _check_size(f"the product of {', '.join(names)}", math.prod(map(len, params.values())))
        rows = itertools.product(*params.values())
    return [dict(zip(names, row, strict=True)) for row in rows]


def _check_size(what: str, count: float) -> None:
    """A typo such as ``1:10000000000`` should be an error, not an exhausted machine."""
    if count > MAX_COMBINATIONS:
        raise ParameterError(f"{what} has {count:,.0f} values; the limit is {MAX_COMBINATIONS:,}")


class Template:
    """A string with placeholders for some parameters, compiled once and rendered many times.

    The text becomes a ``str.format`` pattern with positional fields (literal braces
    doubled), so rendering one of 100,000 jobs is a single C-level call.
    """

    __slots__ = ("_fields", "_pattern", "names", "text")

    def __init__(self, text: str, names: Iterable[str]) -> None:
        self.text = text
        self.names: set[str] = set()
        self._fields: list[tuple[str, str]] = []
        choices = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        if not choices:
            self._pattern = text
            return
        pieces: list[str] = []
        position = 0
        for match in re.finditer(rf"\{{({choices})(?::([^{{}}]*))?\}}", text):
            pieces.append(_escape_braces(text[position : match.start()]))
            name, spec = match.group(1), match.group(2) or ""
            pieces.append(f"{{{len(self._fields)}{':' + spec if spec else ''}}}")
            self._fields.append((name, spec))
            self.names.add(name)
            position = match.end()
        pieces.append(_escape_braces(text[position:]))
        self._pattern = "".join(pieces)

    @property
    def has_placeholders(self) -> bool:
        return bool(self.names)

    def render(self, combination: Combination) -> str:
        if not self._fields:
            return self.text
        values = [
            combination[name].value if spec else combination[name].text
            for name, spec in self._fields
        ]
        try:
            return self._pattern.format(*values)
        except (ValueError, TypeError):
            for name, spec in self._fields:  # find the value that does not fit its format
                _format(combination[name], name, spec)
            raise


def _escape_braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _format(value: Value, name: str, spec: str) -> str:
    if not spec:
        return value.text
    try:
        return format(value.value, spec)
    except (ValueError, TypeError):
        raise ParameterError(
            f"cannot format {value.value!r} (parameter '{name}') with '{{{name}:{spec}}}'"
        ) from None
