"""api/openapi.yaml covers the original's API (wire compatibility) and is fully documented."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream_reference import Field, parse

GENERATIONS = {generation: parse(generation) for generation in ("0.22", "0.35")}
"""The original's clients we answer: 0.22.2 and the current 0.35.0 (ADR 0008)."""
UPSTREAM_IDS = {op.operation_id for ops, _ in GENERATIONS.values() for op in ops}
UPSTREAM_NAMES = {name for _, models in GENERATIONS.values() for name in models}
UPSTREAM_CASES = [(g, op) for g, (ops, _) in GENERATIONS.items() for op in ops]
MODEL_CASES = [(g, name) for g, (_, models) in GENERATIONS.items() for name in sorted(models)]
METHODS = ("get", "post", "put", "delete")
# Where the reference's one-line summary and the upstream client's own deserializer differ,
# we follow the client, which is what must keep working against our server.
CLIENT_RESPONSE_OVERRIDES = {
    # The body is a list of workers; the published client parses a list back.
    "create_remote_workers": "array[RemoteWorkerModel]",
}
RELAXED = {("retry_job", "max_retries")}
"""Parameters the published clients send but we do not require (the 0.12 client omits it)."""
WIDENED = {("ResourceMonitorConfig", "sample_interval_seconds"): ("integer", "number")}
"""Fields where we accept more than the published clients (a whole number still goes out
as one, so they parse it)."""
SCALAR = {"bool": "boolean", "int": "integer", "str": "string", "number": "number"}


def operations(contract: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in contract["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def resolve(contract: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in obj and len(obj) == 1:
        node: Any = contract
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def schema_kind(schema: dict[str, Any]) -> str:
    """Reduce a property schema to a comparable kind: a JSON type or a model name."""
    if "$ref" in schema:
        return str(schema["$ref"].rsplit("/", 1)[1])
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return schema_kind(option)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        return f"array[{schema_kind(schema['items'])}]"
    return kind or "any"


def upstream_kind(type_: str) -> str:
    t = type_.strip()
    if t.startswith("Optional[") and t.endswith("]"):
        t = t[len("Optional[") : -1]
    if t == "Any":
        return "any"
    if t.startswith("Annotated[int"):
        return "integer"
    if t.startswith("Dict["):
        return "object"
    if t.startswith("List["):
        return f"array[{upstream_kind(t[5:-1])}]"
    if t.startswith("<enum '"):
        return t[len("<enum '") : -2]
    if t in SCALAR:
        return SCALAR[t]
    return t.rsplit(".", 1)[-1]


def test_reference_was_parsed() -> None:
    assert len(GENERATIONS["0.22"][0]) == 122
    assert len(GENERATIONS["0.35"][0]) == 130
    assert all(len(models) > 60 for _, models in GENERATIONS.values())


def covers(contract: dict[str, Any], ours: str, theirs: str, generation: str) -> bool:
    """Our response schema ``ours`` answers a client that parses ``theirs``: the same model,
    or one with every field of it (the status answer serves both generations' models)."""
    if ours == theirs:
        return True
    fields = GENERATIONS[generation][1].get(theirs, [])
    properties = contract["components"]["schemas"].get(ours, {}).get("properties", {})
    return bool(fields) and all(f.name in properties for f in fields)


def test_server_base_url(contract: dict[str, Any]) -> None:
    assert contract["openapi"].startswith("3.1")
    assert contract["servers"][0]["url"] == "/torc-service/v1"


@pytest.mark.parametrize(
    ("generation", "up"), UPSTREAM_CASES, ids=[f"{g}-{op.operation_id}" for g, op in UPSTREAM_CASES]
)
def test_upstream_operation_present(contract: dict[str, Any], generation: str, up: Any) -> None:
    ops = operations(contract)
    assert (up.method, up.path) in ops, f"missing {up.method} {up.path} ({up.operation_id})"
    op = ops[(up.method, up.path)]
    assert op["operationId"] == up.operation_id
    params = {p["name"]: p for p in (resolve(contract, p) for p in op.get("parameters", []))}
    for param in up.params:
        if param.location == "body":
            assert "requestBody" in op, f"{up.operation_id}: no request body"
            continue
        assert param.name in params, (
            f"{up.operation_id}: missing {param.location} param {param.name}"
        )
        ours = params[param.name]
        assert ours["in"] == param.location, f"{up.operation_id}.{param.name}: in {ours['in']}"
        if (up.operation_id, param.name) in RELAXED:
            assert not ours.get("required"), f"{up.operation_id}.{param.name} must be optional"
            continue
        assert bool(ours.get("required")) == (not param.optional), (
            f"{up.operation_id}.{param.name}: required-ness differs"
        )
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    if up.response == "object":
        assert ok.get("type") == "object", f"{up.operation_id}: expected a JSON object"
    elif up.response != "?":
        expected = CLIENT_RESPONSE_OVERRIDES.get(up.operation_id, upstream_kind(up.response))
        assert covers(contract, schema_kind(ok), expected, generation), (
            f"{up.operation_id}: returns {schema_kind(ok)}"
        )


@pytest.mark.parametrize(
    ("generation", "name"), MODEL_CASES, ids=[f"{g}-{n}" for g, n in MODEL_CASES]
)
def test_upstream_model_fields(contract: dict[str, Any], generation: str, name: str) -> None:
    schemas = contract["components"]["schemas"]
    assert name in schemas, f"missing model {name}"
    ours = schemas[name]
    fields: list[Field] = GENERATIONS[generation][1][name]
    if not fields:  # an enum
        return
    required = set(ours.get("required", []))
    for up in fields:
        assert up.name in ours["properties"], f"{name}.{up.name} missing"
        prop = ours["properties"][up.name]
        if prop.get("x-torc-legacy-string") and upstream_kind(up.type) == "string":
            continue  # sent as JSON text to this generation (ADR 0008)
        if WIDENED.get((name, up.name)) == (upstream_kind(up.type), schema_kind(prop)):
            continue
        assert schema_kind(prop) == upstream_kind(up.type), (
            f"{name}.{up.name}: ours {schema_kind(prop)}, upstream {up.type}"
        )
        assert (up.name in required) == up.required, f"{name}.{up.name}: required-ness differs"
        if up.default not in (None, "None"):
            assert str(prop.get("default")).lower() == up.default.strip("'").lower(), (
                f"{name}.{up.name}: default {prop.get('default')!r}, upstream {up.default}"
            )


def test_job_status_enum_order(contract: dict[str, Any]) -> None:
    assert contract["components"]["schemas"]["JobStatus"]["enum"] == [
        "uninitialized",
        "blocked",
        "ready",
        "pending",
        "running",
        "completed",
        "failed",
        "canceled",
        "terminated",
        "disabled",
        "pending_failed",
    ]


def test_every_operation_documented_and_tagged(contract: dict[str, Any]) -> None:
    tags = {t["name"] for t in contract["tags"]}
    seen = set()
    for (method, path), op in operations(contract).items():
        where = f"{method} {path}"
        assert op["operationId"] not in seen, f"duplicate operationId at {where}"
        seen.add(op["operationId"])
        assert op.get("summary"), f"{where}: no summary"
        assert "\n" not in op["summary"], f"{where}: summary must be one line"
        assert set(op["tags"]) <= tags and op["tags"], f"{where}: unknown tags"
        is_ours = op["operationId"] not in UPSTREAM_IDS
        assert bool(op.get("x-torc-extension")) == is_ours, f"{where}: x-torc-extension mark"
        for param in op.get("parameters", []):
            assert resolve(contract, param).get("description"), f"{where}: undocumented param"


def test_every_error_response_is_error_response(contract: dict[str, Any]) -> None:
    for (method, path), op in operations(contract).items():
        for code, response in op["responses"].items():
            if str(code)[0] in "45":
                body = resolve(contract, response)["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorResponse"}, (
                    f"{method} {path} {code}"
                )
            assert str(code) in ("200", "202", "4XX", "5XX"), f"{method} {path}: response {code}"


def test_every_schema_and_field_documented(contract: dict[str, Any]) -> None:
    for name, schema in contract["components"]["schemas"].items():
        assert schema.get("description"), f"{name}: no description"
        for prop, spec in schema.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{prop}: no description"
        if name not in UPSTREAM_NAMES:
            assert schema.get("x-torc-extension") is True, f"{name}: our schema must be marked"
