"""Reading a spec file as written (for ``torc slurm generate`` to add to it) and writing the
result back as YAML or JSON.

The document is kept as parsed, not as the validated model, so the output is the user's
own file (key order, parameters, unset fields left unset) plus what generation adds. The
format follows the input: JSON for ``.json``/``.json5`` input (JSON is valid JSON5;
comments are lost), YAML for everything else (KDL input too: torc writes no KDL). An
output file's extension, when it names one of the two, wins.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from torc.spec.loading import parse_spec_file
from torc.spec.models import WorkflowSpec
from torc.spec.validation import build_spec
from torc.spec.yaml_format import _RESOLVERS

JSON_EXTENSIONS = (".json", ".json5")
YAML_EXTENSIONS = (".yaml", ".yml")
_NOT_STRINGS = [re.compile(pattern) for _, pattern, _ in _RESOLVERS]
_TIME_LIKE = re.compile(r"^[0-9][0-9:.-]*$")
"""``04:00:00``, ``1:10``: quoted as the manual writes them, for every YAML reader."""


@dataclass
class SpecFile:
    """A spec file: the document as parsed, the validated spec, and its output format."""

    path: Path
    data: dict[str, Any]
    spec: WorkflowSpec
    format: str  # "yaml" or "json"

    def rebuild(self, data: dict[str, Any]) -> WorkflowSpec:
        """Validate a changed document; errors still name this file's lines."""
        return build_spec(copy.deepcopy(data), self.spec.source)


def read_spec_file(path: str | Path) -> SpecFile:
    """Parse and validate ``path`` as :func:`torc.spec.load_spec` does; raises SpecError."""
    data, sources, fmt = parse_spec_file(path)
    spec = build_spec(copy.deepcopy(data), sources)
    assert isinstance(data, dict)  # build_spec refuses anything else
    kind = "json" if fmt in ("json", "json5") else "yaml"
    return SpecFile(Path(path), data, spec, kind)


def output_format(spec_file: SpecFile, output: Path | None) -> str:
    suffix = output.suffix.lower() if output is not None else ""
    if suffix in JSON_EXTENSIONS:
        return "json"
    if suffix in YAML_EXTENSIONS:
        return "yaml"
    return spec_file.format


class _Dumper(yaml.SafeDumper):
    """Quotes every string torc's YAML reader would take for something else (``1e3``,
    ``010``); multi-line strings become literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    tag = "tag:yaml.org,2002:str"
    if "\n" in value:
        return dumper.represent_scalar(tag, value, style="|")
    if _TIME_LIKE.match(value) or any(pattern.match(value) for pattern in _NOT_STRINGS):
        return dumper.represent_scalar(tag, value, style='"')
    return dumper.represent_scalar(tag, value)


_Dumper.add_representer(str, _represent_str)


def dump(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    text: str = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
    return text
