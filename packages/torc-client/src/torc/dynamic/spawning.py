"""``spawn_jobs`` for the calling job: who calls (from the job runner's environment), the
request, and the call.

The job runner gives every job ``TORC_API_URL`` and ``TORC_JOB_ID``; the server checks
that the job is running, so the call needs no other credentials. A job that was itself
spawned sees its lineage as ``TORC_ORCHESTRATOR_LINEAGE_ID`` and keeps it by default, so
a chain of orchestrator jobs counts its iterations (and meets
``dynamic_jobs.max_iterations``) as one lineage. The client retries a call whose answer
was lost; the server answers a repeated call with the jobs the first one made.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import torc_models as m
from torc.api import TorcApi

LINEAGE_ENV = "TORC_ORCHESTRATOR_LINEAGE_ID"
JobLike = m.SpawnJobModel | Mapping[str, Any]


class NotInAJob(RuntimeError):
    """The code does not run inside a torc job (the runner's variables are missing)."""


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise NotInAJob(
            f"{name} is not set: spawning jobs works only inside a torc job, whose runner "
            "sets TORC_API_URL and TORC_JOB_ID"
        )
    return value


def calling_job_id() -> int:
    """The ID of the job this process runs as (``TORC_JOB_ID``)."""
    raw = _required("TORC_JOB_ID")
    try:
        return int(raw)
    except ValueError:
        raise NotInAJob(f"TORC_JOB_ID must be a job ID, got {raw!r}") from None


def build_request(
    jobs: Sequence[JobLike], *, lineage: str | None = None, state: Any = None
) -> m.SpawnJobsRequest:
    """The request body (``ValueError`` naming the field if a job is malformed);
    ``lineage`` defaults to the inherited one, else to the server's default, the calling
    job's name."""
    if lineage is None:
        lineage = os.environ.get(LINEAGE_ENV) or None
    fields = {"jobs": list(jobs), "lineage": lineage, "state": state}
    return m.SpawnJobsRequest.model_validate(fields)


def spawn_jobs(
    jobs: Sequence[JobLike],
    *,
    lineage: str | None = None,
    state: Any = None,
    api: TorcApi | None = None,
) -> m.SpawnJobsResponse:
    """Add ``jobs`` (``SpawnJobModel`` or dicts of its fields) to the calling job's
    workflow, blocked on it; return the lineage's iteration and the new jobs' IDs.

    An empty ``jobs`` records ``state`` only (e.g. a converged optimizer's final result).
    Raises :class:`NotInAJob` outside a torc job and ``torc.api.ApiError`` when the
    server refuses (its message says why: an unknown name, a reached iteration limit).
    """
    job_id = calling_job_id()
    request = build_request(jobs, lineage=lineage, state=state)
    if api is not None:
        return api.spawn_jobs(job_id, request)
    with TorcApi(_required("TORC_API_URL")) as own:
        return own.spawn_jobs(job_id, request)
