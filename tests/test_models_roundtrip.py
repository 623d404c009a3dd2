"""Every contract model survives the generated client's serializer and parser unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

import torc_models
from tests.conftest import CONTRACT
from torc.api.base import _adapter, _jsonable

SCHEMAS: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())["components"]["schemas"]


def sample(schema: dict[str, Any], *, full: bool, depth: int = 0) -> Any:
    """A JSON value that satisfies ``schema``; ``full`` also fills optional fields."""
    if "$ref" in schema:
        return sample(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]], full=full, depth=depth + 1)
    if "anyOf" in schema:
        return sample(
            next(s for s in schema["anyOf"] if s.get("type") != "null"), full=full, depth=depth
        )
    if "enum" in schema:
        return schema["enum"][-1]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", []))
        return {
            name: sample(prop, full=full, depth=depth + 1)
            for name, prop in schema["properties"].items()
            if full or name in required
        }
    values: dict[str | None, Any] = {
        "integer": 7,
        "number": 2.5,
        "string": "text",
        "boolean": True,
        "object": {"k": 1},
    }
    if kind == "array":
        return [sample(schema["items"], full=full, depth=depth + 1)] if depth < 4 else []
    return values.get(kind, {"any": [1, "two", None]})


def with_defaults(schema: dict[str, Any], wire: Any) -> Any:
    """What a model built from ``wire`` sends: unset fields that have defaults are included."""
    if not isinstance(wire, dict) or "properties" not in schema:
        return wire
    out = {n: p["default"] for n, p in schema["properties"].items() if "default" in p}
    for name, value in wire.items():
        prop = schema["properties"][name]
        target = SCHEMAS[prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop else prop
        if isinstance(value, list) and "$ref" in target.get("items", {}):
            item = SCHEMAS[target["items"]["$ref"].rsplit("/", 1)[1]]
            value = [with_defaults(item, v) for v in value]
        out[name] = with_defaults(target, value)
    return out


def model_names() -> list[str]:
    return sorted(n for n, s in SCHEMAS.items() if "properties" in s)


@pytest.mark.parametrize("full", [True, False], ids=["all-fields", "required-only"])
@pytest.mark.parametrize("name", model_names())
def test_round_trip(name: str, full: bool) -> None:
    model_type: type[BaseModel] = getattr(torc_models, name)
    wire = sample(SCHEMAS[name], full=full)
    model = model_type.model_validate(wire)
    sent = _jsonable(model)
    assert sent == with_defaults(SCHEMAS[name], wire), "serializer must emit the contract's fields"
    parsed = _adapter(model_type).validate_json(json.dumps(sent))
    assert parsed == model


def test_every_schema_has_a_model() -> None:
    for name in SCHEMAS:
        assert hasattr(torc_models, name), f"torc_models lacks {name}"


def test_job_status_values() -> None:
    assert [s.value for s in torc_models.JobStatus] == SCHEMAS["JobStatus"]["enum"]
