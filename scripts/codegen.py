"""Regenerate the code that is derived from api/openapi.yaml.

Two outputs, both committed and never edited by hand:

* ``packages/torc-models/src/torc_models/models.py``: pydantic v2 models, produced by
  datamodel-code-generator (pinned in uv.lock).
* ``packages/torc-client/src/torc/api/operations.py``: the typed client, one method per
  operation, produced by :mod:`client_codegen` (ours).
* ``packages/torc-server/src/torc_server/openapi.json``: the contract as JSON, shipped with
  the server, which builds its routes from it and serves it as its OpenAPI document (JSON
  because parsing the YAML took a tenth of the server's start-up).

``--check`` regenerates into a temporary folder and exits 1, naming each stale file, when
the committed copies differ; the test suite runs it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import client_codegen
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "api" / "openapi.yaml"
MODELS = Path("packages/torc-models/src/torc_models/models.py")
OPERATIONS = Path("packages/torc-client/src/torc/api/operations.py")
SERVER_CONTRACT = Path("packages/torc-server/src/torc_server/openapi.json")

MODELS_HEADER = """\
# GENERATED FILE - DO NOT EDIT.
# Produced from api/openapi.yaml by datamodel-code-generator via `nox -s codegen`
# (scripts/codegen.py). Change the contract and regenerate instead."""

DATAMODEL_ARGS = [
    "--input-file-type=openapi",
    "--output-model-type=pydantic_v2.BaseModel",
    "--target-python-version=3.11",
    "--use-standard-collections",
    "--use-union-operator",
    "--use-annotated",
    "--field-constraints",
    "--use-subclass-enum",
    "--snake-case-field",
    "--allow-population-by-field-name",
    "--use-schema-description",
    "--use-double-quotes",
    "--keep-model-order",
    "--disable-timestamp",
    "--formatters=builtin",
    f"--custom-file-header={MODELS_HEADER}",
]


def generate(out_root: Path) -> list[Path]:
    """Write every generated file under ``out_root``; return their relative paths."""
    models = out_root / MODELS
    models.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["datamodel-codegen", f"--input={CONTRACT}", f"--output={models}", *DATAMODEL_ARGS],
        check=True,
    )
    operations = out_root / OPERATIONS
    operations.parent.mkdir(parents=True, exist_ok=True)
    operations.write_text(client_codegen.render(CONTRACT))
    # Our ruff settings, wherever the output lands, so --check compares like with like.
    config = f"--config={ROOT / 'pyproject.toml'}"
    subprocess.run(["ruff", "format", "--quiet", config, str(models), str(operations)], check=True)
    (out_root / SERVER_CONTRACT).parent.mkdir(parents=True, exist_ok=True)
    contract = json.dumps(yaml.safe_load(CONTRACT.read_text()), indent=1, ensure_ascii=False)
    (out_root / SERVER_CONTRACT).write_text(contract + "\n")
    return [MODELS, OPERATIONS, SERVER_CONTRACT]


def check() -> int:
    """Return 0 when the committed generated files match the contract, 1 otherwise."""
    with tempfile.TemporaryDirectory() as tmp:
        stale = []
        for rel in generate(Path(tmp)):
            fresh = (Path(tmp) / rel).read_text()
            committed = (ROOT / rel).read_text() if (ROOT / rel).exists() else ""
            if fresh != committed:
                stale.append(rel)
                diff = difflib.unified_diff(
                    committed.splitlines(), fresh.splitlines(), str(rel), "regenerated", n=1
                )
                print("\n".join(list(diff)[:40]))
    for rel in stale:
        print(f"stale generated file: {rel} (run `nox -s codegen`)", file=sys.stderr)
    return 1 if stale else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated code is stale")
    args = parser.parse_args()
    if args.check:
        return check()
    for rel in generate(ROOT):
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
