"""The two shapes of the original's JSON-valued fields, chosen per request (ADR 0008).

Clients before 0.35 send and read ``metadata``, ``execution_config``, ``slurm_defaults``,
``resource_monitor_config`` (workflow) and ``metadata`` (RO-Crate entity) as JSON-encoded
strings; 0.35 and our own client use JSON objects. The contract marks those properties
``x-torc-legacy-string``. The database keeps one form, JSON text of an object.

- Writes: the body's own type tells. A string is decoded (it must encode an object).
- Reads: a ``X-Torc-Json-Fields: string|object`` header decides if present; otherwise the
  published clients' User-Agent, ``OpenAPI-Generator/<api version>/python``, with an API
  version before 0.21 (the one torc-client 0.35 was generated from) means strings.
  Everyone else gets objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from torc_server.errors import Unprocessable

HEADER = "x-torc-json-fields"
GENERATED_CLIENT = re.compile(r"OpenAPI-Generator/(\d+)\.(\d+)")
FIRST_OBJECT_API = (0, 21)
MARK = "x-torc-legacy-string"
Path = tuple[str, ...]
"""Keys from a body to a marked field; ``"[]"`` steps into every item of a list."""


def wants_strings(headers: Mapping[str, str]) -> bool:
    """True if the response should carry the marked fields as JSON text."""
    pinned = headers.get(HEADER)
    if pinned in ("string", "object"):
        return pinned == "string"
    found = GENERATED_CLIENT.match(headers.get("user-agent", ""))
    return found is not None and (int(found[1]), int(found[2])) < FIRST_OBJECT_API


def marked_paths(
    schema: dict[str, Any], schemas: dict[str, Any], seen: frozenset[str] = frozenset()
) -> list[Path]:
    """Every path from ``schema`` down to a property marked ``x-torc-legacy-string``."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        return marked_paths(schemas[name], schemas, seen | {name})
    for option in schema.get("anyOf", []):
        if found := marked_paths(option, schemas, seen):
            return found
    if "items" in schema:
        return [("[]", *rest) for rest in marked_paths(schema["items"], schemas, seen)]
    paths: list[Path] = []
    for key, prop in schema.get("properties", {}).items():
        if prop.get(MARK):
            paths.append((key,))
        else:
            paths.extend((key, *rest) for rest in marked_paths(prop, schemas, seen))
    return paths


def _visit(value: Any, path: Path, change: Callable[[Any, str], Any], where: str) -> None:
    """Apply ``change`` to the field at ``path`` under ``value``, in place."""
    if path[0] == "[]":
        if isinstance(value, list):
            for index, item in enumerate(value):
                _visit(item, path[1:], change, f"{where}.{index}" if where else str(index))
        return
    if not isinstance(value, dict) or path[0] not in value:
        return
    where = f"{where}.{path[0]}" if where else path[0]
    if len(path) == 1:
        value[path[0]] = change(value[path[0]], where)
    else:
        _visit(value[path[0]], path[1:], change, where)


def _decode(value: Any, where: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        decoded = None
    if not isinstance(decoded, dict):
        raise Unprocessable(
            f"invalid request body: field '{where}' must be a JSON object or a JSON-encoded "
            f'object such as \'{{"key": "value"}}\'; got {value[:80]!r}'
        )
    return decoded


def _encode(value: Any, where: str) -> Any:
    return value if value is None or isinstance(value, str) else orjson.dumps(value).decode()


def objects_from_strings(body: Any, paths: list[Path]) -> Any:
    """A parsed request body with every marked string decoded into its object."""
    for path in paths:
        _visit(body, path, _decode, "")
    return body


def strings_from_objects(result: Any, paths: list[Path]) -> Any:
    """A response body (plain JSON data) with every marked object encoded as JSON text."""
    for path in paths:
        _visit(result, path, _encode, "")
    return result


def stored_object(text: str | None) -> dict[str, Any] | None:
    """A marked column's value for the wire: its object, or None for text that holds none
    (an older server stored any string; the text stays in the database untouched)."""
    if text is None:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
