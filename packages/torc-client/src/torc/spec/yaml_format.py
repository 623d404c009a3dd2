"""YAML specs: parsed with PyYAML into plain data plus the line of every key and item.

The document is composed into nodes (which carry marks) and converted by hand, so later
errors can name lines. Scalars are resolved with the YAML 1.2 core schema rather than
PyYAML's YAML 1.1 default: an unquoted ``i: 1:10`` stays the string ``"1:10"`` instead of
the base-60 integer 70, ``no`` stays a string, ``010`` is ten and dates stay text.
Duplicate keys, which YAML would silently resolve to the last one, are errors.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from torc.spec.errors import Path, SourceMap, SpecError

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreSchemaLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader resolving only YAML 1.2 core-schema plain scalars."""


_CoreSchemaLoader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
]
for _tag, _pattern, _first in _RESOLVERS:
    _CoreSchemaLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


def _core_int(loader: Any, node: ScalarNode) -> int:
    value = str(node.value)
    return int(value, 16) if value.startswith("0x") else int(value)


_CoreSchemaLoader.add_constructor("tag:yaml.org,2002:int", _core_int)


def load_yaml(text: str, source: SourceMap) -> Any:
    """Parse YAML ``text``; positions go into ``source``."""
    loader = _CoreSchemaLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(loader, node, (), source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise SpecError(f"invalid YAML: {problem}", source.file, line, column) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {exc}", source.file) from None
    finally:
        loader.dispose()


def _convert(loader: Any, node: Node, path: Path, source: SourceMap) -> Any:
    source.add(path, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, SequenceNode):
        return [_convert(loader, item, (*path, i), source) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        merges = any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value)
        loader.flatten_mapping(node)  # merged keys come first; explicit ones override them
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                raise SpecError("mapping keys must be plain strings", source.file, line)
            key = str(key_node.value)
            if key in result and not merges:
                raise SpecError(f"duplicate key '{key}'", source.file, line)
            source.add((*path, key), line, key_node.start_mark.column + 1)
            result[key] = _convert(loader, value_node, (*path, key), source)
        return result
    return loader.construct_object(node, deep=True)
