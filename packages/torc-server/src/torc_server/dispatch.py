"""Routes built from the contract: every operation of openapi.yaml maps to one handler.

Handlers are plain functions registered with ``@operation("operationId")``; they receive
the server context and the operation's parameters by name (the request body under its
client-side name, already validated into its ``torc_models`` type). Parsing follows the
contract, so the server accepts exactly what the contract documents, and startup fails if
an operation has no handler or a handler's signature disagrees with the contract.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import keyword
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import torc_models
from torc_server import generations
from torc_server.auth import access
from torc_server.auth.identity import SCOPE_KEY
from torc_server.errors import TorcError, Unprocessable

logger = logging.getLogger(__name__)
CONTRACT = Path(__file__).parent / "openapi.json"
"""api/openapi.yaml as JSON (by ``nox -s codegen``): it parses in a millisecond, not 40."""
BASE_PATH = "/torc-service/v1"
Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}
INT64 = range(-(2**63), 2**63)
"""What an integer column (and the upstream server's i64) holds."""
LONG_DIGITS = re.compile(rb"(?<![\d.])\d{19}(?![.eE])")
"""Every integer outside ``INT64`` has at least 19 digits (a float such as
0.00012345678901234567 has as many, after its point: not an integer)."""


def operation(operation_id: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the implementation of ``operation_id``."""

    def register(fn: Handler) -> Handler:
        if operation_id in HANDLERS:
            raise RuntimeError(f"{operation_id} is implemented twice")
        HANDLERS[operation_id] = fn
        return fn

    return register


@dataclass
class Param:
    name: str
    location: str
    kind: str
    required: bool
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: list[str] | None = None

    @property
    def arg(self) -> str:
        """The handler's name for it: ``async`` is a Python keyword, so ``var_async``."""
        return f"var_{self.name}" if keyword.iskeyword(self.name) else self.name

    def convert(self, raw: str) -> Any:
        where = f"{self.location} parameter '{self.name}'"
        if self.kind == "integer":
            try:
                value: Any = int(raw)
            except ValueError:
                raise Unprocessable(f"{where} must be an integer, got {raw!r}") from None
            if value not in INT64:
                raise Unprocessable(f"{where} is out of range for a 64-bit integer: {value}")
            if self.minimum is not None and value < self.minimum:
                raise Unprocessable(f"{where} must be at least {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise Unprocessable(f"{where} must be at most {self.maximum}, got {value}")
            return value
        if self.kind == "number":
            try:
                return float(raw)
            except ValueError:
                raise Unprocessable(f"{where} must be a number, got {raw!r}") from None
        if self.kind == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise Unprocessable(f"{where} must be true or false, got {raw!r}")
            return lowered in ("true", "1")
        if self.choices is not None and raw not in self.choices:
            raise Unprocessable(f"{where} must be one of {', '.join(self.choices)}; got {raw!r}")
        return raw


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str
    params: list[Param] = field(default_factory=list)
    body_name: str | None = None
    body: TypeAdapter[Any] | None = None
    body_marks: list[generations.Path] = field(default_factory=list)
    response_marks: list[generations.Path] = field(default_factory=list)
    """Fields whose shape depends on the client's generation (:mod:`torc_server.generations`)."""
    rule: access.Rule | None = None
    """Who may call it (the contract's ``x-torc-access`` and ``x-torc-worker``)."""


def snake(name: str) -> str:
    """A schema's name as the parameter name of a request body of that schema."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _schema_type(schema: dict[str, Any]) -> Any:
    """The Python type a request body schema validates into."""
    if "$ref" in schema:
        return getattr(torc_models, schema["$ref"].rsplit("/", 1)[1])
    if schema.get("type") == "array":
        return list[_schema_type(schema["items"])]  # type: ignore[misc]
    if schema.get("type") == "string":
        return str
    return Any


def load_operations(contract: dict[str, Any]) -> list[Operation]:
    schemas = contract["components"]["schemas"]
    shared = contract["components"]["parameters"]
    operations = []
    for path, item in contract["paths"].items():
        for method, spec in item.items():
            op = Operation(spec["operationId"], method.upper(), path)
            for raw in spec.get("parameters", []):
                if "$ref" in raw:
                    raw = shared[raw["$ref"].rsplit("/", 1)[1]]
                schema = raw["schema"]
                choices = None
                if "$ref" in schema:
                    choices = schemas[schema["$ref"].rsplit("/", 1)[1]]["enum"]
                    kind = "enum"
                elif schema.get("type") == "array":
                    kind = "array"
                else:
                    kind = schema["type"]
                op.params.append(
                    Param(
                        raw["name"],
                        raw["in"],
                        kind,
                        bool(raw.get("required")),
                        schema.get("default"),
                        schema.get("minimum"),
                        schema.get("maximum"),
                        choices,
                    )
                )
            if "requestBody" in spec:
                body = spec["requestBody"]["content"]["application/json"]["schema"]
                if "$ref" in body:
                    op.body_name = snake(body["$ref"].rsplit("/", 1)[1])
                else:
                    op.body_name = "request_body" if body.get("type") == "array" else "body"
                op.body = TypeAdapter(_schema_type(body))
                op.body_marks = generations.marked_paths(body, schemas)
            ok = spec["responses"].get("200", {}).get("content", {}).get("application/json")
            if ok:
                op.response_marks = generations.marked_paths(ok["schema"], schemas)
            located = [(p.arg, p.location) for p in op.params]
            op.rule = access.rule_for(op.operation_id, spec, path, located, op.body_name)
            operations.append(op)
    return operations


def _validation_message(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "body"
        problems.append(f"field '{where}': {err['msg']}")
    return "invalid request body: " + "; ".join(problems)


def _outside_int64(value: Any, where: str = "") -> str | None:
    """The field path of the first integer in parsed JSON that does not fit 64 bits."""
    if isinstance(value, int):
        return None if value in INT64 else where or "body"
    if isinstance(value, dict):
        children = [(f"{where}.{key}" if where else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        children = [(f"{where}.{i}" if where else str(i), item) for i, item in enumerate(value)]
    else:
        return None
    for path, item in children:
        found = _outside_int64(item, path)
        if found is not None:
            return found
    return None


def parse_body(op: Operation, raw_body: bytes) -> Any:
    """The validated body. Integers must fit 64 bits, in free-form JSON too: the database
    and the JSON encoder take no larger ones."""
    assert op.body is not None
    if not raw_body:
        raise Unprocessable("a JSON request body is required")
    try:
        if op.body_marks:
            body = op.body.validate_python(
                generations.objects_from_strings(_json(raw_body), op.body_marks)
            )
        else:
            body = op.body.validate_json(raw_body)
    except ValidationError as exc:
        raise Unprocessable(_validation_message(exc)) from None
    if LONG_DIGITS.search(raw_body):  # rare: only then look at every number
        field = _outside_int64(json.loads(raw_body))
        if field is not None:
            raise Unprocessable(
                f"invalid request body: field '{field}' holds an integer too large for 64 bits"
            )
    return body


def _json(raw_body: bytes) -> Any:
    try:
        return orjson.loads(raw_body)
    except orjson.JSONDecodeError as exc:
        raise Unprocessable(f"invalid request body: not JSON ({exc})") from None


def parse_request(op: Operation, request: Request, raw_body: bytes) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for param in op.params:
        if param.location == "path":
            values[param.arg] = param.convert(request.path_params[param.name])
            continue
        if param.kind == "array":
            items = request.query_params.getlist(param.name)
            values[param.arg] = items or None
            continue
        raw = request.query_params.get(param.name)
        if raw is None:
            if param.required:
                raise Unprocessable(f"query parameter '{param.name}' is required")
            values[param.arg] = param.default
        else:
            values[param.arg] = param.convert(raw)
    if op.body_name is not None:
        values[op.body_name] = parse_body(op, raw_body)
    return values


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    raise TypeError(f"cannot encode {type(value).__name__}")


class Accepted:
    """A handler's answer that the operation goes on in the background: HTTP 202."""

    def __init__(self, body: Any) -> None:
        self.body = body


def encode(result: Any, marks: list[generations.Path] | None = None) -> Response:
    """The JSON response; ``marks`` given, those fields go out as JSON text (ADR 0008)."""
    status = 200
    if isinstance(result, Accepted):
        status, result = 202, result.body
    if marks:
        result = generations.strings_from_objects(
            orjson.loads(orjson.dumps(result, default=_default)), marks
        )
    return Response(
        orjson.dumps(result, default=_default), status_code=status, media_type="application/json"
    )


def _endpoint(op: Operation, handler: Handler) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        raw_body = await request.body() if op.body is not None else b""
        values = parse_request(op, request, raw_body)
        state = request.app.state
        guard = state.ctx.guard
        if guard is None:
            call = partial(handler, state.ctx, **values)
        else:
            identity = request.scope.get(SCOPE_KEY)
            call = partial(guarded, guard, identity, op, handler, state.ctx, values)
        # A plain executor: a tenth of a millisecond less per request than anyio's
        # to_thread, which matters at thousands of runner round trips per second.
        result = await asyncio.get_running_loop().run_in_executor(state.executor, call)
        if op.response_marks and generations.wants_strings(request.headers):
            return encode(result, op.response_marks)
        return encode(result)

    endpoint.__name__ = op.operation_id
    return endpoint


def guarded(
    guard: access.Guard,
    identity: Any,
    op: Operation,
    handler: Handler,
    ctx: Any,
    values: dict[str, Any],
) -> Any:
    """The handler's call behind the access rules, with its caller known to it."""
    assert op.rule is not None
    with guard.serving(identity, op.rule, values):
        return handler(ctx, **values)


def check_signature(op: Operation, handler: Handler) -> None:
    """Fail at start-up unless the call dispatch makes, ``handler(ctx, **parameters)`` with
    exactly the contract's parameters, fits the handler's signature: it must accept every
    parameter the contract gives (by name, or through ``**kwargs``) and the contract must
    give every parameter the handler needs (those without a default)."""
    given = [*(p.arg for p in op.params), *([op.body_name] if op.body_name else [])]
    signature = inspect.signature(handler)
    try:
        signature.bind(None, **dict.fromkeys(given))
    except TypeError as exc:
        raise RuntimeError(
            f"handler for {op.operation_id} takes {signature}, the contract gives "
            f"(ctx, {', '.join(given)}): {exc}"
        ) from None


def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(CONTRACT.read_bytes())
    return loaded


def missing_handler(op: Operation) -> Handler:
    def handler(ctx: Any, **_: Any) -> Any:
        raise TorcError(f"{op.operation_id} is not implemented by this server", 501)

    return handler


def install_routes(app: Starlette, spec: dict[str, Any]) -> None:
    """Add one route per contract operation (the test suite checks none is missing)."""
    for op in load_operations(spec):
        handler = HANDLERS.get(op.operation_id)
        if handler is None:
            logger.error("operation %s has no handler", op.operation_id)
            handler = missing_handler(op)
        else:
            check_signature(op, handler)
        # A plain Starlette route: the endpoint parses its own request.
        route = Route(BASE_PATH + op.path, _endpoint(op, handler), methods=[op.method])
        app.router.routes.append(route)
