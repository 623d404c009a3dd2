"""Failure handlers: which rule matches an exit code, and running its recovery script.

A rule whose ``exit_codes`` contains the code wins over a catch-all
(``match_all_exit_codes``), whatever the order. The retry is reserved on the server
before the recovery script runs; a failing script is logged and the retry still happens
(the seed's detailed flow; its summary table says otherwise, we follow the flow).
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torc.runner.process import SHELL

logger = logging.getLogger(__name__)


@dataclass
class Rule:
    exit_codes: list[int]
    match_all_exit_codes: bool
    recovery_script: str | None
    max_retries: int


def parse_rules(text: str) -> list[Rule]:
    rules: list[dict[str, Any]] = json.loads(text) if text else []
    return [
        Rule(
            exit_codes=[int(c) for c in rule.get("exit_codes") or []],
            match_all_exit_codes=bool(rule.get("match_all_exit_codes", False)),
            recovery_script=rule.get("recovery_script"),
            max_retries=int(rule.get("max_retries", 3)),
        )
        for rule in rules
    ]


def match(rules: list[Rule], return_code: int) -> Rule | None:
    specific = next((r for r in rules if return_code in r.exit_codes), None)
    return specific or next((r for r in rules if r.match_all_exit_codes), None)


def run_recovery_script(script: str, env: dict[str, str], return_code: int, cwd: Path) -> None:
    completed = subprocess.run(
        [SHELL, "-c", script],
        env={**env, "TORC_RETURN_CODE": str(return_code)},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        logger.warning(
            "recovery script %r exited %d (the retry goes ahead): %s",
            script,
            completed.returncode,
            completed.stderr.strip()[-500:],
        )
