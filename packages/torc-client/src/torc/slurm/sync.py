"""Orphan detection: make the server agree with Slurm about a workflow's allocations.

An allocation can end without its runner reporting (node failure, a runner killed by the
OOM killer or ``scancel --signal=KILL``, a wall time shorter than Slurm's kill wait): its
jobs then stay ``running`` (or claimed, ``pending``) on the server although nothing runs
them. :func:`sync_status` asks Slurm about every pending and active Slurm scheduled compute
node of the workflow (``squeue``, then ``sacct`` for jobs slurmctld forgot) and, for each
allocation Slurm no longer runs:

* its jobs still running or claimed on its runners (compute nodes) are completed as
  ``failed`` through the normal completion path (a result with return code
  :data:`ORPHANED_RETURN_CODE`, so dependents are canceled as for any failure, and
  ``torc recover`` or a reset can retry them);
* its runners are marked inactive and the allocation complete (a pending one never
  started: it was canceled or failed in the queue).

Running or claimed jobs whose compute node is inactive are failed likewise (the seed's
fallback for runners outside Slurm). Finally, allocations still queued for a scheduler
with no job left are canceled (:mod:`torc.slurm.idle`). ``torc recover`` calls this first;
``dry_run`` reports the same without changing anything.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc.slurm import idle, states
from torc.slurm.states import SlurmError as SlurmError  # re-exported for callers

S = m.JobStatus
ORPHANED_RETURN_CODE = -1
"""Return code of an orphaned job's result: no exit code was ever seen (``torc recover``
counts it as an unknown failure, not as out-of-memory or a time-out)."""
LIVE = ("pending", "active")


@dataclass(frozen=True)
class EndedAllocation:
    scheduled_compute_node_id: int
    slurm_job_id: str
    status: str
    """Its status on the server before the sync: pending (never started) or active."""
    slurm_state: str | None
    """What Slurm last recorded (CANCELLED, TIMEOUT, ...); None: Slurm knows no such job."""


@dataclass(frozen=True)
class OrphanedJob:
    job_id: int
    name: str
    status: str
    compute_node_id: int
    slurm_job_id: str | None
    reason: str


@dataclass
class SyncReport:
    workflow_id: int
    dry_run: bool
    ended_allocations: list[EndedAllocation] = field(default_factory=list)
    idle_allocations: list[idle.IdleAllocation] = field(default_factory=list)
    failed_jobs: list[OrphanedJob] = field(default_factory=list)

    @property
    def terminated(self) -> list[EndedAllocation]:
        return [a for a in self.ended_allocations if a.status == "active"]

    @property
    def vanished(self) -> list[EndedAllocation]:
        """Pending allocations that left the queue without starting."""
        return [a for a in self.ended_allocations if a.status == "pending"]

    @property
    def allocation_jobs(self) -> list[OrphanedJob]:
        return [j for j in self.failed_jobs if j.slurm_job_id is not None]

    @property
    def changed(self) -> bool:
        return bool(self.ended_allocations or self.idle_allocations or self.failed_jobs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "dry_run": self.dry_run,
            "terminated_allocation_jobs": len(self.allocation_jobs),
            "vanished_pending_allocations": len(self.vanished),
            "canceled_idle_allocations": len(self.idle_allocations),
            "jobs_marked_failed": len(self.failed_jobs),
            "ended_allocations": [asdict(a) for a in self.ended_allocations],
            "idle_allocations": [asdict(a) for a in self.idle_allocations],
            "failed_jobs": [asdict(j) for j in self.failed_jobs],
        }


def allocation_of(node: m.ComputeNodeModel) -> int | None:
    """The scheduled compute node a Slurm runner recorded itself under."""
    recorded = node.scheduler if isinstance(node.scheduler, dict) else {}
    value = recorded.get("scheduled_compute_node_id")
    return value if isinstance(value, int) else None


def _ended_at(accounted: states.Accounting | None) -> datetime:
    """When the allocation ended, as sacct recorded it (local time), else now."""
    if accounted is not None and accounted.end:
        try:
            return datetime.fromisoformat(accounted.end).astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


def _started(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def end_times(allocations: list[EndedAllocation]) -> dict[str, datetime]:
    """When each ended allocation ended (sacct), else now (no accounting here)."""
    if not allocations:
        return {}
    try:
        accounted = states.accounting(a.slurm_job_id for a in allocations)
    except SlurmError:
        accounted = {}
    return {a.slurm_job_id: _ended_at(accounted.get(a.slurm_job_id)) for a in allocations}


def jobs_in(api: TorcApi, workflow_id: int, status: m.JobStatus) -> list[m.JobModel]:
    return fetch_all(lambda o: api.list_jobs(workflow_id, status=status, offset=o))


def find_orphans(api: TorcApi, workflow_id: int, report: SyncReport) -> dict[str, str | None]:
    """Fill in the ended allocations and the jobs left on them; returns the Slurm states
    read (job ID -> state)."""
    records = fetch_all(lambda o: api.list_scheduled_compute_nodes(workflow_id, offset=o))
    live = [
        r
        for r in records
        if r.scheduler_type == "slurm" and r.status in LIVE and r.scheduler_id is not None
    ]
    slurm = states.job_states(str(r.scheduler_id) for r in live) if live else {}
    for record in live:
        state = slurm.get(str(record.scheduler_id))
        if not states.is_alive(state):
            assert record.id is not None
            ended = EndedAllocation(record.id, str(record.scheduler_id), record.status, state)
            report.ended_allocations.append(ended)
    by_id = {a.scheduled_compute_node_id: a for a in report.ended_allocations}
    nodes = {
        n.id: n
        for n in fetch_all(lambda o: api.list_compute_nodes(workflow_id, offset=o))
        if n.id is not None
    }
    for status in (S.running, S.pending):
        for job in jobs_in(api, workflow_id, status):
            node = nodes.get(job.compute_node_id or -1)
            if job.id is None or node is None or node.id is None:
                continue  # claimed without naming a runner: nothing to judge it by
            allocation = by_id.get(allocation_of(node) or -1)
            if allocation is not None:
                slurm_id: str | None = allocation.slurm_job_id
                reason = f"Allocation terminated (Slurm job {slurm_id})"
            elif not node.is_active:
                slurm_id, reason = None, f"Its job runner (compute node {node.id}) is gone"
            else:
                continue
            orphan = OrphanedJob(job.id, job.name, status.value, node.id, slurm_id, reason)
            report.failed_jobs.append(orphan)
    return slurm


def _fail_jobs(api: TorcApi, report: SyncReport, ends: dict[str, datetime]) -> None:
    if not report.failed_jobs:
        return
    run_id = api.get_workflow_status(report.workflow_id).run_id
    completions = []
    for orphan in report.failed_jobs:
        job = api.get_job(orphan.job_id)
        ended = ends.get(orphan.slurm_job_id or "", datetime.now(UTC))
        started = _started(job.start_time) if orphan.status == S.running.value else None
        minutes = max(0.0, (ended - started).total_seconds() / 60) if started else 0.0
        result = m.ResultModel(
            job_id=orphan.job_id,
            workflow_id=report.workflow_id,
            run_id=run_id,
            attempt_id=job.attempt_id,
            compute_node_id=orphan.compute_node_id,
            return_code=ORPHANED_RETURN_CODE,
            status=S.failed,
            exec_time_minutes=minutes,
            completion_time=ended.isoformat(),
        )
        completions.append(
            m.JobCompletionEntry(
                job_id=orphan.job_id, status=S.failed, run_id=run_id, result=result
            )
        )
    request = m.BatchCompleteJobsRequest(completions=completions)
    reply = api.batch_complete_jobs(report.workflow_id, request)
    refused = {error.job_id for error in reply.errors}  # e.g. finished meanwhile
    report.failed_jobs = [j for j in report.failed_jobs if j.job_id not in refused]


def _end_allocations(api: TorcApi, report: SyncReport, ends: dict[str, datetime]) -> None:
    ended = {a.scheduled_compute_node_id: a for a in report.ended_allocations}
    if not ended:
        return
    for node in fetch_all(lambda o: api.list_compute_nodes(report.workflow_id, offset=o)):
        allocation = ended.get(allocation_of(node) or -1)
        if allocation is None or not node.is_active or node.id is None:
            continue
        update: dict[str, Any] = {"is_active": False}
        started = _started(node.start_time)
        if node.duration_seconds is None and started is not None:
            end = ends.get(allocation.slurm_job_id, datetime.now(UTC))
            update["duration_seconds"] = max(0.0, (end - started).total_seconds())
        api.update_compute_node(node.id, node.model_copy(update=update))
    for allocation in report.ended_allocations:
        record = api.get_scheduled_compute_node(allocation.scheduled_compute_node_id)
        if record.status != "complete":
            complete = record.model_copy(update={"status": "complete"})
            api.update_scheduled_compute_node(allocation.scheduled_compute_node_id, complete)


def _record_event(api: TorcApi, report: SyncReport) -> None:
    message = (
        f"sync-status: {len(report.failed_jobs)} orphaned job(s) marked failed, "
        f"{len(report.ended_allocations)} ended allocation(s) and "
        f"{len(report.idle_allocations)} idle queued allocation(s) marked complete"
    )
    data = {"category": "slurm", "type": "sync_status", "message": message, **report.as_dict()}
    api.create_event(
        m.EventModel(workflow_id=report.workflow_id, timestamp=int(time.time() * 1000), data=data)
    )


def sync_status(api: TorcApi, workflow_id: int, *, dry_run: bool = False) -> SyncReport:
    """Detect (and unless ``dry_run`` clean up) what Slurm no longer runs; see the module.
    Raises SlurmError when Slurm cannot be asked (then nothing is changed)."""
    report = SyncReport(workflow_id, dry_run)
    slurm = find_orphans(api, workflow_id, report)
    if not dry_run:
        ends = end_times(report.ended_allocations)
        _fail_jobs(api, report, ends)
        _end_allocations(api, report, ends)
    report.idle_allocations = idle.cancel_idle_allocations(
        api, workflow_id, dry_run=dry_run, known=slurm
    )
    if not dry_run:
        report.idle_allocations = [a for a in report.idle_allocations if a.canceled]
        if report.changed:
            _record_event(api, report)
    return report
