"""Queued allocations nobody needs any more: still waiting in Slurm's queue (a pending
scheduled compute node, Slurm state PENDING) while no job of their scheduler, or of none,
is uninitialized, blocked, ready, claimed or running. They are ``scancel``\\ ed (only while
still queued: ``scancel --state=PENDING``) and marked complete.

Two callers: every Slurm job runner as it leaves its allocation (the moment work runs
out, and on a cluster nobody else is watching), and ``torc workflows sync-status`` (for
allocations queued after the last runner left, or when runners could not reach Slurm).
Jobs claimed or running elsewhere keep a queued allocation: their runner may lose its
node and release them, and a queued allocation costs nothing until it starts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc.slurm import states

logger = logging.getLogger(__name__)
S = m.JobStatus
WORK = (S.running, S.pending, S.ready, S.blocked, S.uninitialized)
"""Statuses of jobs that still need (or may again need) an allocation, cheapest to find first."""
PAGE = 1000
"""Jobs per page: the first pages usually show that work is left."""


@dataclass(frozen=True)
class IdleAllocation:
    scheduled_compute_node_id: int
    slurm_job_id: str
    scheduler_config_id: int | None
    canceled: bool
    """Whether it is gone from the queue now (False: dry run, or it started meanwhile)."""


def queued_allocations(api: TorcApi, workflow_id: int) -> list[m.ScheduledComputeNodesModel]:
    """The workflow's Slurm allocations that no runner has started (status pending)."""
    records = fetch_all(
        lambda o: api.list_scheduled_compute_nodes(workflow_id, offset=o, status="pending")
    )
    return [r for r in records if r.scheduler_type == "slurm" and r.id is not None]


def schedulers_with_work(
    api: TorcApi, workflow_id: int, wanted: set[int | None]
) -> set[int | None]:
    """Which of the ``wanted`` schedulers still have work: a job bound to it or to none
    (an allocation of no scheduler claims any job). Stops reading jobs as soon as every
    wanted scheduler is known to have some."""
    busy: set[int | None] = set()
    for status in WORK:
        offset = 0
        while not wanted <= busy:
            page = api.list_jobs(workflow_id, status=status, offset=offset, limit=PAGE)
            for job in page.items:
                if job.scheduler_id is None:
                    return set(wanted)
                busy.update((None, job.scheduler_id))
            offset += len(page.items)
            if not page.has_more or not page.items:
                break
    return busy & wanted


def idle_allocations(
    api: TorcApi, workflow_id: int, known: dict[str, str | None] | None = None
) -> list[m.ScheduledComputeNodesModel]:
    """Queued allocations whose scheduler has no work left. ``known``: Slurm states
    already read (job ID -> state); others are asked of squeue."""
    queued = queued_allocations(api, workflow_id)
    if not queued:
        return []
    ids = [str(record.scheduler_id) for record in queued]
    slurm = {**(known or {})}
    missing = [job_id for job_id in ids if job_id not in slurm]
    if missing:
        slurm.update(states.queue_states(missing))
    waiting = [r for r in queued if slurm.get(str(r.scheduler_id)) == "PENDING"]
    if not waiting:
        return []
    busy = schedulers_with_work(api, workflow_id, {r.scheduler_config_id for r in waiting})
    return [r for r in waiting if r.scheduler_config_id not in busy]


def cancel_idle_allocations(
    api: TorcApi,
    workflow_id: int,
    *,
    dry_run: bool = False,
    known: dict[str, str | None] | None = None,
) -> list[IdleAllocation]:
    """scancel the idle queued allocations and mark those that left the queue complete.
    Raises :class:`torc.slurm.states.SlurmError` when Slurm cannot be asked."""
    idle = idle_allocations(api, workflow_id, known)
    ids = [str(record.scheduler_id) for record in idle]
    after: dict[str, str] = {}
    if idle and not dry_run:
        states.cancel_pending(ids)
        after = states.queue_states(ids)
    done = []
    for record in idle:
        assert record.id is not None
        slurm_id = str(record.scheduler_id)
        gone = not dry_run and not states.is_alive(after.get(slurm_id))
        if gone:
            api.update_scheduled_compute_node(
                record.id, record.model_copy(update={"status": "complete"})
            )
            logger.info(
                "workflow_id=%d: canceled queued Slurm job %s (scheduled compute node %d): "
                "no job is left for it",
                workflow_id,
                slurm_id,
                record.id,
            )
        done.append(IdleAllocation(record.id, slurm_id, record.scheduler_config_id, gone))
    return done
