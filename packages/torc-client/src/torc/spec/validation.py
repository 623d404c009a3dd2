"""Plain parsed data to a :class:`WorkflowSpec`, with pydantic's errors made readable.

pydantic checks structure, types and unknown keys; this module turns its first error
into a :class:`SpecError` that names the field the way the user wrote it (``jobs[2]
(train).num_cpus``), says what was expected and what was found, suggests the closest
field for an unknown key, and points at the line the loader recorded for that path.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import AliasChoices, BaseModel, ValidationError
from pydantic_core import ErrorDetails

from torc.spec.compat import tolerate
from torc.spec.errors import Path, SourceMap, SpecError, describe_path, did_you_mean
from torc.spec.models import WorkflowSpec

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean (true or false)",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def build_spec(data: Any, source: SourceMap) -> WorkflowSpec:
    """Validate parsed ``data`` into a spec that remembers ``source`` for later errors."""
    if not isinstance(data, dict):
        found = "an empty document" if data is None else _kind(data)
        raise SpecError(f"a workflow spec must be a mapping of fields, found {found}", source.file)
    data = tolerate(data, source)
    try:
        spec = WorkflowSpec.model_validate(data)
    except ValidationError as exc:
        raise _readable(exc.errors(), data, source) from None
    spec._source = source
    return spec


def _readable(errors: list[ErrorDetails], data: Any, source: SourceMap) -> SpecError:
    """The first problem, with union alternatives merged into one 'expected' list.

    Unknown keys come first: a misspelt ``comand`` explains the missing ``command``.
    """
    paths = [_data_path(err, data) for err in errors]
    # A union (a name or inline needs) reports each member's mismatch; the member that
    # got deeper into the data is the one the user meant.
    errors = [
        err
        for err, path in zip(errors, paths, strict=True)
        if not any(len(other) > len(path) and other[: len(path)] == path for other in paths)
    ]
    errors = sorted(errors, key=lambda err: err["type"] != "extra_forbidden")
    first = errors[0]
    path = _data_path(first, data)
    same = [err for err in errors if _data_path(err, data) == path]
    where = describe_path(path, data) or "the workflow"
    kind = first["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        hint = did_you_mean(key, _field_names(path[:-1]))
        parent = describe_path(path[:-1], data) or "the workflow"
        message = f"unknown field '{key}' in {parent}{hint}"
    elif kind == "missing":
        message = f"{where}: missing required field"
        if len(path) >= 1:
            parent = describe_path(path[:-1], data) or "the workflow"
            message = f"{parent}: missing required field '{path[-1]}'"
    else:
        expected = [_EXPECTED[e["type"]] for e in same if e["type"] in _EXPECTED]
        if expected:
            wanted = " or ".join(dict.fromkeys(expected))
            message = f"{where}: expected {wanted}, got {_shown(first.get('input'))}"
        elif kind == "literal_error":
            choices = first.get("ctx", {}).get("expected", "")
            message = f"{where}: expected one of {choices}, got {_shown(first.get('input'))}"
        else:
            message = f"{where}: {first['msg'][0].lower()}{first['msg'][1:]}"
    return source.error(path, message)


def _data_path(error: ErrorDetails, data: Any) -> Path:
    """pydantic's location minus the union-member tags it inserts (not keys of the data)."""
    path: list[str | int] = []
    node = data
    loc = error["loc"]
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        is_key = isinstance(node, dict) and part in node
        if is_key or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        elif isinstance(node, dict) and not last:
            continue  # a union member's tag, such as 'ResourceNeeds'
        else:
            if error["type"] == "missing" and last:
                path.append(part)  # the key that is missing
            break
        path.append(part)
    return tuple(path)


def _field_names(path: Path) -> list[str]:
    """Field names (and aliases) of the model found at ``path`` below WorkflowSpec."""
    model: Any = WorkflowSpec
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part)
        model = _inner_model(field.annotation) if field else None
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    names: list[str] = []
    for name, field in model.model_fields.items():
        names.append(name)
        if isinstance(field.validation_alias, AliasChoices):
            names += [c for c in field.validation_alias.choices if isinstance(c, str)]
    return names


def _inner_model(annotation: Any) -> Any:
    """``list[JobSpec] | None`` -> ``JobSpec``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType, typing.Annotated):
        for arg in get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    names = {str: "a string", int: "an integer", float: "a number", list: "a list"}
    return names.get(type(value), "a mapping" if isinstance(value, dict) else type(value).__name__)


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return _kind(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if isinstance(value, str) else _kind(value) + f" ({value!r})"
    return text if len(text) < 60 else text[:57] + "..."
