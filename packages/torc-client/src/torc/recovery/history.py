"""Why a job's requirements changed: one ``recovery`` event per job whose memory or
runtime recovery raised (old -> new, and the evidence), and that history read back for
``torc jobs get``.

Events are the workflow's own log (``torc events list`` shows them too), so the history
needs no new field on the job; ``jobs get`` adds it as ``resource_history`` only when
there is one, leaving every other job's output as it was.
"""

from __future__ import annotations

import time
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.events import event_time
from torc.paging import fetch_all

CATEGORY = "recovery"
CHANGE_TYPE = "requirements_raised"


def record_change(
    api: TorcApi,
    job: m.JobModel,
    changes: dict[str, tuple[str, str]],
    *,
    evidence: str,
    old_requirements_id: int | None,
    new_requirements_id: int | None,
) -> None:
    """Record that recovery raised ``changes`` (field -> (old, new)) of the job's
    requirements because of ``evidence``."""
    text = " and ".join(f"{field} {old} -> {new}" for field, (old, new) in changes.items())
    data: dict[str, Any] = {
        "category": CATEGORY,
        "type": CHANGE_TYPE,
        "message": f"job {job.id} ({job.name}): {text} ({evidence})",
        "job_id": job.id,
        "job_name": job.name,
        "changes": {field: {"old": old, "new": new} for field, (old, new) in changes.items()},
        "evidence": evidence,
        "old_resource_requirements_id": old_requirements_id,
        "resource_requirements_id": new_requirements_id,
    }
    api.create_event(
        m.EventModel(workflow_id=job.workflow_id, timestamp=int(time.time() * 1000), data=data)
    )


def job_history(api: TorcApi, job: m.JobModel) -> list[str]:
    """``<time> memory 8g -> 12g (evidence)`` for each recorded change, oldest first."""
    events = fetch_all(
        lambda o: api.list_events(job.workflow_id, category=CATEGORY, sort_by="timestamp", offset=o)
    )
    lines = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if data.get("type") != CHANGE_TYPE or data.get("job_id") != job.id:
            continue
        recorded = data.get("changes")
        changes = recorded if isinstance(recorded, dict) else {}
        text = " and ".join(
            f"{field} {change.get('old')} -> {change.get('new')}"
            for field, change in changes.items()
            if isinstance(change, dict)
        )
        lines.append(f"{event_time(event)} {text} ({data.get('evidence')})")
    return lines


def with_history(api: TorcApi, job: m.JobModel) -> m.JobModel | dict[str, Any]:
    """The job, as its record plus ``resource_history`` when recovery ever changed its
    requirements (the job model has no such field)."""
    history = job_history(api, job) if job.id is not None else []
    if not history:
        return job
    return {**job.model_dump(mode="json", by_alias=True), "resource_history": history}
