"""The failed jobs of ``torc reports check-resource-utilization --include-failed``: each
with its likely cause (:func:`torc.recovery.diagnosis.diagnose`), the ``likely_oom`` and
``likely_timeout`` flags ``torc watch --recover`` and ``torc recover`` act on."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from torc.api import TorcApi
from torc.recovery.diagnosis import diagnose

FAILED_COLUMNS = ["job_id", "job_name", "status", "return_code", "likely_oom"]
FAILED_COLUMNS += ["likely_timeout", "evidence"]


def _over(peak: int | None, limit: int | None) -> str | None:
    if peak is None or not limit:
        return None
    return f"{(peak - limit) / limit * 100:+.1f}%"


def failed_jobs(
    api: TorcApi, workflow_id: int, *, run_id: int | None = None
) -> list[dict[str, Any]]:
    """One row per failed, terminated or pending_failed job of the run."""
    rows = []
    for diagnosis in diagnose(api, workflow_id, run_id=run_id):
        row = asdict(diagnosis)
        row["failure_kind"] = diagnosis.kind
        row["memory_over_utilization"] = _over(diagnosis.peak_memory_bytes, diagnosis.memory_bytes)
        rows.append(row)
    return rows
