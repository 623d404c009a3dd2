"""Why a job failed: out of memory, out of time, or no known cause.

Evidence, strongest first (the first found is the one reported):

- OOM: the kernel's OOM killer fired in the job's own memory cgroup (the result's
  ``oom_killed``, recorded by a runner started with ``--job-cgroups``); Slurm accounted
  the job's step ``OUT_OF_MEMORY``; the measured peak memory is over the requirement;
  and, as the last resort, exit code 137 (SIGKILL, what an OOM kill looks like), unless
  the kill is explained as a timeout.
- Timeout: Slurm accounted the step ``TIMEOUT``; or the job was killed (status
  terminated, or a signal's exit code) within 10% of its runtime limit.

The workflow's built-in ``default`` requirements set no limits (the runner enforces
none for them), so jobs using them are never over a limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc_models.units import duration_seconds, memory_bytes

S = m.JobStatus
FAILED_STATUSES = frozenset({S.failed, S.terminated, S.pending_failed})
SIGKILL_CODE = 137
TIMEOUT_MARGIN = 0.10
"""A kill this close to the runtime limit (a fraction of it) counts as a timeout."""
GIB = 1024**3


@dataclass(frozen=True)
class Diagnosis:
    job_id: int
    job_name: str
    status: str
    return_code: int | None
    likely_oom: bool
    likely_timeout: bool
    evidence: str
    """One line, e.g. ``cgroup oom_kill``, ``exit code 137``, ``no known cause``."""
    peak_memory_bytes: int | None
    memory_bytes: int | None
    """The job's memory requirement (None when it has none)."""
    exec_seconds: float | None
    runtime_seconds: int | None
    """The job's runtime limit (None when it has none)."""
    resource_requirements_id: int | None

    @property
    def kind(self) -> str:
        """``oom``, ``timeout`` or ``unknown``."""
        if self.likely_oom:
            return "oom"
        return "timeout" if self.likely_timeout else "unknown"


@dataclass(frozen=True)
class Verdict:
    likely_oom: bool
    likely_timeout: bool
    evidence: str


def _size(num_bytes: float) -> str:
    if num_bytes >= GIB:
        return f"{num_bytes / GIB:.3g} GiB"
    return f"{num_bytes / 1024**2:.3g} MiB"


def _seconds(value: float) -> str:
    return f"{value:.3g} s" if value < 100 else f"{value:.0f} s"


def was_killed(status: str, return_code: int | None) -> bool:
    """Killed rather than exited: terminated by the runner, or ended by a signal (shells
    report signal N as 128 + N)."""
    return status == S.terminated or (return_code is not None and return_code > 128)


def classify(
    *,
    status: str,
    return_code: int | None,
    peak_memory_bytes: int | None = None,
    memory_bytes: int | None = None,
    exec_seconds: float | None = None,
    runtime_seconds: int | None = None,
    oom_killed: bool | None = None,
    slurm_state: str | None = None,
) -> Verdict:
    """The failure's likely cause from what was recorded of it (pure; see the module)."""
    oom: list[str] = []
    if oom_killed:
        oom.append("cgroup oom_kill")
    if slurm_state == "OUT_OF_MEMORY":
        oom.append("Slurm OUT_OF_MEMORY")
    if peak_memory_bytes is not None and memory_bytes and peak_memory_bytes > memory_bytes:
        oom.append(f"peak {_size(peak_memory_bytes)} over its {_size(memory_bytes)}")
    timeout: list[str] = []
    if slurm_state == "TIMEOUT":
        timeout.append("Slurm TIMEOUT")
    near_limit = (
        exec_seconds is not None
        and bool(runtime_seconds)
        and exec_seconds >= (1 - TIMEOUT_MARGIN) * (runtime_seconds or 0)
    )
    if near_limit and was_killed(status, return_code):
        timeout.append(f"ran {_seconds(exec_seconds or 0)} of its {runtime_seconds} s limit")
    if not oom and not timeout and return_code == SIGKILL_CODE:
        oom.append(f"exit code {SIGKILL_CODE}")
    evidence = (oom + timeout + ["no known cause"])[0]
    return Verdict(bool(oom), bool(timeout), evidence)


def limits(rr: m.ResourceRequirementsModel | None) -> tuple[int | None, int | None]:
    """The memory (bytes) and runtime (seconds) limits the job ran under, if any."""
    if rr is None or rr.name == "default":
        return None, None
    memory = memory_bytes(rr.memory) if rr.memory else None
    runtime = duration_seconds(rr.runtime) if rr.runtime else None
    return memory, runtime


def _latest(results: list[m.ResultModel]) -> dict[int, m.ResultModel]:
    """The latest failure result of each job (by run, attempt, then record ID)."""
    latest: dict[int, m.ResultModel] = {}
    order = sorted(results, key=lambda r: (r.run_id, r.attempt_id or 1, r.id or 0))
    for result in order:
        if result.status in FAILED_STATUSES:
            latest[result.job_id] = result
    return latest


def diagnose(
    api: TorcApi,
    workflow_id: int,
    *,
    run_id: int | None = None,
    slurm_states: Mapping[int, str] | None = None,
) -> list[Diagnosis]:
    """The latest failed, terminated or pending_failed result of each job that is not
    completed, in the given run (default: the current one), with its likely cause.

    ``slurm_states`` (torc job ID -> the state sacct gave its step, e.g. from
    :func:`torc.slurm.accounting.collect`) adds Slurm's evidence where known.
    """
    jobs = {j.id: j for j in fetch_all(lambda o: api.list_jobs(workflow_id, offset=o))}
    results = fetch_all(lambda o: api.list_results(workflow_id, run_id=run_id, offset=o))
    requirements = {
        r.id: r for r in fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
    }
    diagnoses = []
    for job_id, result in sorted(_latest(results).items()):
        job = jobs.get(job_id)
        if job is None or job.status == S.completed:
            continue
        rr_id = job.resource_requirements_id
        memory, runtime = limits(requirements.get(rr_id) if rr_id is not None else None)
        exec_seconds = result.exec_time_minutes * 60
        verdict = classify(
            status=result.status,
            return_code=result.return_code,
            peak_memory_bytes=result.peak_memory_bytes,
            memory_bytes=memory,
            exec_seconds=exec_seconds,
            runtime_seconds=runtime,
            oom_killed=result.oom_killed,
            slurm_state=(slurm_states or {}).get(job_id),
        )
        diagnoses.append(
            Diagnosis(
                job_id=job_id,
                job_name=job.name,
                status=str(result.status.value),
                return_code=result.return_code,
                likely_oom=verdict.likely_oom,
                likely_timeout=verdict.likely_timeout,
                evidence=verdict.evidence,
                peak_memory_bytes=result.peak_memory_bytes,
                memory_bytes=memory,
                exec_seconds=round(exec_seconds, 3),
                runtime_seconds=runtime,
                resource_requirements_id=rr_id,
            )
        )
    return diagnoses
