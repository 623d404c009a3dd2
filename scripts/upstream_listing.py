"""Write the API listing of a published torc-client, in the format of upstream-api-0.22.md.

Run it with the interpreter of a virtualenv that has ``torc-client==X`` installed::

    /tmp/v035/bin/python scripts/upstream_listing.py > tests/reference/upstream-api-0.35.md

The listing is what ``tests/test_contract.py`` compares ``api/openapi.yaml`` against: the
operations a published client calls (method, path, operationId, response, parameters) and
the fields of every model it parses. Reading the client itself, rather than its docs, is what
tells us what must keep working against our server.
"""

from __future__ import annotations

import enum
import inspect
import re
import types
import typing
from importlib import metadata

from pydantic import BaseModel

PATH_PARAM = re.compile(r"_path_params\['(\w+)'\]")
QUERY_PARAM = re.compile(r"_query_params\.append\(\('(\w+)', (\w+)")
BODY_PARAM = re.compile(r"_body_params = (\w+)")
METHOD = re.compile(r"method='(\w+)'")
RESOURCE = re.compile(r"resource_path='([^']+)'")
VARIANTS = ("_with_http_info", "_without_preload_content")
RESPONSE_200 = re.compile(r"'20[0-9]': \"([^\"]+)\"")


def operations() -> list[str]:
    from torc.openapi_client import api as api_package  # type: ignore[attr-defined]

    lines: list[tuple[str, str, list[str]]] = []
    for _, cls in inspect.getmembers(api_package, inspect.isclass):
        for name, func in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_") or name.endswith(VARIANTS):
                continue
            serialize = inspect.getsource(getattr(cls, f"_{name}_serialize"))
            body = inspect.getsource(func)
            signature = inspect.signature(func)
            response = RESPONSE_200.search(body)
            head = (
                f"{METHOD.search(serialize)[1]} {RESOURCE.search(serialize)[1]}"  # type: ignore[index]
                f"  operationId={name}  -> {response[1] if response else 'None'}"
            )
            params = []
            located = {p: "path" for p in PATH_PARAM.findall(serialize)}
            wire_names = {python: wire for wire, python in QUERY_PARAM.findall(serialize)}
            located |= dict.fromkeys(wire_names, "query")
            located |= {p: "body" for p in BODY_PARAM.findall(serialize)}
            for pname, param in signature.parameters.items():
                if pname == "self" or pname.startswith("_"):
                    continue
                optional = ", optional" if param.default is not inspect.Parameter.empty else ""
                wire = wire_names.get(pname, pname)
                params.append(f"    {wire} ({located.get(pname, 'query')}{optional})")
            lines.append((RESOURCE.search(serialize)[1], head, params))  # type: ignore[index]
    out = []
    for _, head, params in sorted(lines, key=lambda item: (item[0], item[1])):
        out.append(head)
        out.extend(params)
    return out


def type_name(annotation: object) -> str:
    """Spell a field's annotation as the 0.22 listing does (``Optional[List[JobModel]]``)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        if sorted(names) == ["int", "number"]:
            names = ["number"]
        inner = names[0] if len(names) == 1 else f"Union[{', '.join(names)}]"
        return f"Optional[{inner}]" if type(None) in args else inner
    if origin in (list, typing.List):  # noqa: UP006
        return f"List[{type_name(args[0])}]"
    if origin in (dict, typing.Dict):  # noqa: UP006
        return f"Dict[{type_name(args[0])}, {type_name(args[1])}]"
    if annotation is typing.Any:
        return "Any"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation.__name__
    if isinstance(annotation, type):
        for base in (bool, int, str):
            if issubclass(annotation, base):
                return base.__name__
        if issubclass(annotation, float):
            return "number"
        return annotation.__name__
    return str(annotation)


def models() -> list[str]:
    from torc.openapi_client import models as model_package

    out = []
    for name, cls in sorted(inspect.getmembers(model_package, inspect.isclass)):
        if issubclass(cls, enum.Enum):
            out.append(f"## {name} (enum): {', '.join(m.value for m in cls)}")
            continue
        if not issubclass(cls, BaseModel):
            continue
        out.append(f"## {name}")
        for field_name, field in sorted(cls.model_fields.items()):
            if field_name == "additional_properties":
                continue  # the generator's holder for an open object's other keys
            alias = f" (json: {field.alias})" if field.alias and field.alias != field_name else ""
            req = "required" if field.is_required() else f"default={field.default!r}"
            out.append(f"- {field_name}{alias}: {type_name(field.annotation)}; {req}")
    return out


def main() -> None:
    version = metadata.version("torc-client")
    ops = operations()
    count = sum(1 for line in ops if not line.startswith(" "))
    print(f"# The upstream Torc REST API as torc-client {version} calls it\n")
    print(f"Generated by `scripts/upstream_listing.py` from `torc-client=={version}` on PyPI.")
    print(f"Base path `/torc-service/v1`; {count} operations.\n")
    print("## Operations\n```")
    print("\n".join(ops))
    print("```\n\n## Models (field: type; required or default)\n```")
    print("\n".join(models()))
    print("```")


if __name__ == "__main__":
    main()
