"""The seed's recovery heuristics table (Failure Detection), case by case, against the
pure classification: OOM when peak memory > limit or exit code 137; timeout when killed
within 10% of the runtime limit; anything else unknown."""

from __future__ import annotations

from typing import Any

import pytest

from torc.recovery.diagnosis import Diagnosis, classify

GIB = 1024**3
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, what was recorded, kind, evidence starts with)
    ("peak over limit", {"peak_memory_bytes": 3 * GIB, "memory_bytes": 2 * GIB}, "oom", "peak 3"),
    ("exit code 137", {"return_code": 137}, "oom", "exit code 137"),
    ("cgroup OOM kill", {"oom_killed": True, "return_code": 1}, "oom", "cgroup oom_kill"),
    ("Slurm OUT_OF_MEMORY", {"slurm_state": "OUT_OF_MEMORY"}, "oom", "Slurm OUT_OF_MEMORY"),
    (
        "killed near its limit",
        {"status": "terminated", "return_code": 137, "exec_seconds": 59.8, "runtime_seconds": 60},
        "timeout",
        "ran 59.8 s of its 60 s limit",
    ),
    (
        "killed at 90% of its limit",
        {"status": "failed", "return_code": 143, "exec_seconds": 54.0, "runtime_seconds": 60},
        "timeout",
        "ran 54 s",
    ),
    ("Slurm TIMEOUT", {"slurm_state": "TIMEOUT"}, "timeout", "Slurm TIMEOUT"),
    (
        "graceful exit near its limit",
        {"return_code": 1, "exec_seconds": 59.0, "runtime_seconds": 60},
        "unknown",
        "no known cause",
    ),
    (
        "killed well before its limit",
        {"status": "terminated", "return_code": 143, "exec_seconds": 10, "runtime_seconds": 60},
        "unknown",
        "no known cause",
    ),
    ("other exit code", {"return_code": 3}, "unknown", "no known cause"),
    (
        "peak under limit",
        {"return_code": 1, "peak_memory_bytes": GIB, "memory_bytes": 2 * GIB},
        "unknown",
        "no known cause",
    ),
    ("cgroup without OOM kill", {"oom_killed": False, "return_code": 2}, "unknown", "no known"),
]


@pytest.mark.parametrize(
    ("recorded", "kind", "evidence"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_heuristics_table(recorded: dict[str, Any], kind: str, evidence: str) -> None:
    fields: dict[str, Any] = {"status": "failed", "return_code": 1} | recorded
    verdict = classify(**fields)
    diagnosis = Diagnosis(
        job_id=1,
        job_name="j",
        status=fields["status"],
        return_code=fields["return_code"],
        likely_oom=verdict.likely_oom,
        likely_timeout=verdict.likely_timeout,
        evidence=verdict.evidence,
        peak_memory_bytes=None,
        memory_bytes=None,
        exec_seconds=None,
        runtime_seconds=None,
        resource_requirements_id=None,
    )
    assert diagnosis.kind == kind
    assert verdict.evidence.startswith(evidence), verdict.evidence


def test_a_runtime_kill_is_a_timeout_not_an_oom() -> None:
    """The runner kills at the limit with SIGKILL (137): the time explains the kill."""
    verdict = classify(status="terminated", return_code=137, exec_seconds=2.0, runtime_seconds=2)
    assert verdict.likely_timeout and not verdict.likely_oom
