"""Generated code matches the contract; a contract edit without regeneration is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

GENERATED = [
    "packages/torc-models/src/torc_models/models.py",
    "packages/torc-client/src/torc/api/operations.py",
    "packages/torc-server/src/torc_server/openapi.json",
]


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "codegen.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=root,
    )


def test_committed_generated_code_is_fresh() -> None:
    result = run_check(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_stale_generated_code_is_detected(tmp_path: Path) -> None:
    for rel in ["api/openapi.yaml", "scripts/codegen.py", "scripts/client_codegen.py", *GENERATED]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # ruff settings
    contract = tmp_path / "api/openapi.yaml"
    text = contract.read_text()
    old = "summary: Health check; returns a status string when the server is up."
    assert old in text
    edited = text.replace(old, "summary: Is the server alive?", 1)
    edited = edited.replace("Answer to a ping", "Reply to a ping", 1)
    contract.write_text(edited)
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert "stale generated file: packages/torc-client/src/torc/api/operations.py" in result.stderr
