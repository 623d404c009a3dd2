"""Parser for the original's API listings: ../shared/reference/upstream-api-0.22.md, and
tests/reference/upstream-api-0.35.md (written by scripts/upstream_listing.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REFERENCES = {
    "0.22": Path(__file__).resolve().parents[2] / "shared" / "reference" / "upstream-api-0.22.md",
    "0.35": Path(__file__).resolve().parent / "reference" / "upstream-api-0.35.md",
}

OP_LINE = re.compile(r"^(GET|POST|PUT|DELETE) (\S+)\s+operationId=(\w+)\s+->\s+(\S+)")
PARAM_LINE = re.compile(r"^\s+(\w+) \((path|query|body)(, optional)?\)")
FIELD_LINE = re.compile(r"^- (\w+)(?: \(json: (\w+)\))?: (.+?); (required|default=.*?)(?: —.*)?$")


@dataclass
class Param:
    name: str
    location: str
    optional: bool


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    response: str
    params: list[Param] = field(default_factory=list)


@dataclass
class Field:
    name: str
    type: str
    required: bool
    default: str | None


def parse(generation: str) -> tuple[list[Operation], dict[str, list[Field]]]:
    """Return the upstream operations and ``{model: fields}`` (enums map to [])."""
    operations: list[Operation] = []
    models: dict[str, list[Field]] = {}
    current: list[Field] | None = None
    for line in REFERENCES[generation].read_text().splitlines():
        if match := OP_LINE.match(line):
            operations.append(Operation(match[1], match[2], match[3], match[4]))
        elif (match := PARAM_LINE.match(line)) and operations and current is None:
            operations[-1].params.append(Param(match[1], match[2], bool(match[3])))
        elif line.startswith("## ") and line[3:].split()[0] not in ("Operations", "Models"):
            current = models.setdefault(line[3:].split()[0], [])
        elif (match := FIELD_LINE.match(line)) and current is not None:
            name, alias, type_, req = match.groups()
            default = None if req == "required" else req.removeprefix("default=")
            current.append(Field(alias or name, type_, req == "required", default))
    return operations, models
