"""Render the typed torc client (one method per operation) from the OpenAPI contract.

Kept deliberately small: the contract's shapes are simple (JSON bodies, scalar path and
query parameters), so a string template beats a general-purpose generator. The output
subclasses :class:`torc.api.base.BaseApi`, which owns transport, auth, retries and errors.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

HEADER = '''\
# GENERATED FILE - DO NOT EDIT.
# Produced from api/openapi.yaml by scripts/client_codegen.py via `nox -s codegen`.
"""Typed client for the torc REST API: one method per operation, named by operationId."""

from __future__ import annotations

from typing import Any

import torc_models as models
from torc.api.base import BaseApi


class TorcApi(BaseApi):
    """All operations of the torc REST API (see api/openapi.yaml)."""
'''

SCALARS = {"integer": "int", "string": "str", "boolean": "bool", "number": "float"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def python_type(schema: dict[str, Any]) -> str:
    """Map a (parameter or body) schema to a Python annotation over ``models``."""
    if "$ref" in schema:
        return "models." + str(schema["$ref"]).rsplit("/", 1)[1]
    kind = schema.get("type")
    if kind == "array":
        return f"list[{python_type(schema['items'])}]"
    if kind == "object":
        return "dict[str, Any]"
    if kind in SCALARS:
        return SCALARS[kind]
    return "Any"


def _resolve(spec: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in obj:
        return obj
    node: Any = spec
    for part in obj["$ref"].lstrip("#/").split("/"):
        node = node[part]
    return dict(node)


def _body_name(op: dict[str, Any], schema: dict[str, Any]) -> str:
    if "x-codegen-request-body-name" in op:
        return str(op["x-codegen-request-body-name"])
    if "$ref" in schema:
        return _snake(schema["$ref"].rsplit("/", 1)[1])
    return "request_body" if schema.get("type") == "array" else "body"


def _arg(name: str) -> str:
    """A parameter's Python name: ``async`` is a keyword, so ``var_async`` as the published
    clients spell it."""
    return f"var_{name}" if keyword.iskeyword(name) else name


def render_operation(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> str:
    params = [_resolve(spec, p) for p in op.get("parameters", [])]
    path_params = sorted(
        (p for p in params if p["in"] == "path"), key=lambda p: path.index("{" + p["name"] + "}")
    )
    query = [p for p in params if p["in"] == "query"]
    required_query = [p for p in query if p.get("required")]
    optional_query = [p for p in query if not p.get("required")]

    positional = [f"{p['name']}: {python_type(p['schema'])}" for p in path_params]
    body_name = None
    body = op.get("requestBody")
    if body:
        body_schema = body["content"]["application/json"]["schema"]
        body_name = _body_name(op, body_schema)
        positional.append(f"{body_name}: {python_type(body_schema)}")
    positional += [f"{p['name']}: {python_type(p['schema'])}" for p in required_query]
    optional = [
        f"{_arg(p['name'])}: {python_type(p['schema'])} | None = None" for p in optional_query
    ]
    signature = ", ".join(["self", *positional, *(["*", *optional] if optional else [])])

    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    returns = python_type(ok)
    accepted = op["responses"].get("202")

    call = [f'"{method.upper()}"', f'"{path}"']
    if path_params:
        call.append("path={" + ", ".join(f'"{p["name"]}": {p["name"]}' for p in path_params) + "}")
    if query:
        call.append("query={" + ", ".join(f'"{p["name"]}": {_arg(p["name"])}' for p in query) + "}")
    if body_name:
        call.append(f"body={body_name}")
    call.append(f"response={returns}")
    if accepted:
        # 202: the server runs the operation in the background and answers with a task.
        accepted_type = python_type(accepted["content"]["application/json"]["schema"])
        call.append(f"accepted={accepted_type}")
        returns = f"{returns} | {accepted_type}"
    extension = " (torc extension)" if op.get("x-torc-extension") else ""
    summary = textwrap.fill(op["summary"], width=88, subsequent_indent=" " * 8)
    return (
        f"\n    def {op['operationId']}({signature}) -> {returns}:\n"
        f'        """{summary}\n\n        ``{method.upper()} {path}``{extension}\n        """\n'
        f"        return self._call({', '.join(call)})\n"
    )


def render(contract: Path) -> str:
    """Return the Python source of the client for the contract at ``contract``."""
    spec = yaml.safe_load(contract.read_text())
    methods = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                methods.append((op["operationId"], render_operation(spec, path, method, op)))
    return HEADER + "".join(source for _, source in sorted(methods))
