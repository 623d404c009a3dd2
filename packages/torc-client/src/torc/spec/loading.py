"""Reading spec files: pick the format from the extension, fall back to the others.

The seed says the format "is auto-detected from file extension, with fallback parsing
attempted": a ``.json`` file with comments is read as JSON5, and a file with another
extension is tried as JSON, JSON5, YAML and KDL in turn. A fallback counts only if it
yields a mapping; when none does, the error of the format the extension named is shown,
since that is the syntax the author meant to write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from torc.spec.errors import SourceMap, SpecError
from torc.spec.json_format import load_json, load_json5
from torc.spec.kdl_format import load_kdl
from torc.spec.models import WorkflowSpec
from torc.spec.validation import build_spec
from torc.spec.yaml_format import load_yaml

Loader = Callable[[str, SourceMap], Any]
LOADERS: dict[str, Loader] = {
    "json": load_json,
    "json5": load_json5,
    "yaml": load_yaml,
    "kdl": load_kdl,
}
FORMAT_NAMES = {"yml": "yaml", "jsonc": "json5"}
EXTENSIONS = {".json": "json", ".json5": "json5", ".yaml": "yaml", ".yml": "yaml", ".kdl": "kdl"}


def parse_spec_text(text: str, fmt: str, source: str = "<string>") -> WorkflowSpec:
    """Parse and validate a spec written in ``fmt`` (yaml, json, json5 or kdl)."""
    name = FORMAT_NAMES.get(fmt.lower().lstrip("."), fmt.lower().lstrip("."))
    if name not in LOADERS:
        choices = ", ".join(LOADERS)
        raise SpecError(f"unknown spec format '{fmt}'; use one of {choices}", source)
    sources = SourceMap(source)
    return build_spec(LOADERS[name](text, sources), sources)


def parse_spec_file(path: str | Path) -> tuple[Any, SourceMap, str]:
    """Read and parse (not validate) the spec file at ``path``: the document, its source
    map and the format it was read as."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError("no such file", file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the file: {exc}", file) from None
    primary = EXTENSIONS.get(Path(path).suffix.lower())
    order = [primary] if primary else []
    order += [fmt for fmt in LOADERS if fmt != primary]
    first_error: SpecError | None = None
    for fmt in order:
        sources = SourceMap(file)
        try:
            data = LOADERS[fmt](text, sources)
        except SpecError as exc:
            first_error = first_error or exc
            continue
        if isinstance(data, dict) or fmt == primary:
            return data, sources, fmt
    if primary is None:
        raise SpecError("could not be parsed as JSON, JSON5, YAML or KDL", file)
    assert first_error is not None
    raise first_error


def load_spec(path: str | Path) -> WorkflowSpec:
    """Read, parse and validate the spec file at ``path``."""
    data, sources, _ = parse_spec_file(path)
    return build_spec(data, sources)
