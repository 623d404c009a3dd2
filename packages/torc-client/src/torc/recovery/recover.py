"""One recovery pass over a finished workflow (``torc recover``; ``torc watch --recover``
calls :func:`recover_workflow` after each completion with failures).

The steps follow the seed: sync with Slurm (orphaned jobs fail), refuse while anything
still runs, diagnose, raise requirements (:mod:`torc.recovery.heuristics`), run the hook,
reset the jobs to retry, reinitialize, and for a Slurm workflow regenerate its schedulers
and submit (:mod:`torc.recovery.slurm`). Only the jobs chosen for retry are reset (the
server puts back the dependents their failure canceled); skipped ones stay failed with
their results, for investigation. A dry run reads everything and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.hpc.model import HpcProfile
from torc.paging import fetch_all
from torc.recovery import heuristics, history, messages
from torc.recovery.diagnosis import diagnose
from torc.recovery.hook import HookError, hook_command, run_hook
from torc.slurm.sizing import free_name
from torc.slurm.sync import SlurmError, SyncReport, sync_status
from torc.workflows.operations import WorkflowError
from torc.workflows.reinitialize import reinitialize

S = m.JobStatus
_UNSET_ON_UPDATE = (
    "status",
    "depends_on_job_ids",
    "input_file_ids",
    "output_file_ids",
    "input_user_data_ids",
    "output_user_data_ids",
)
"""Sent unset when moving a job to a new requirement: a full replace must not undo a
status change or relink anything (as :mod:`torc.slurm.regenerate` does)."""


class RecoveryError(Exception):
    """Recovery cannot go ahead (or stopped); the message says why and what to do."""


@dataclass(frozen=True)
class RecoveryOptions:
    memory_multiplier: float = 1.5
    runtime_multiplier: float = 1.4
    retry_unknown: bool = False
    recovery_hook: str | None = None
    dry_run: bool = False
    profile: HpcProfile | None = None
    """Caps the raises; needed for a Slurm workflow (None on one: it cannot regenerate)."""
    output_dir: Path = Path("output")
    """Where submitted allocations write their job runners' output."""
    poll_interval: float = 60.0


@dataclass
class RecoveryReport:
    workflow_id: int
    dry_run: bool
    uses_slurm: bool
    fixes: list[heuristics.Fix] = field(default_factory=list)
    orphaned_jobs: int = 0
    reset_job_ids: list[int] = field(default_factory=list)
    hook_ran: bool = False
    submitted_allocations: int = 0
    regenerated_schedulers: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "dry_run": self.dry_run,
            "uses_slurm": self.uses_slurm,
            "orphaned_jobs": self.orphaned_jobs,
            "jobs": [
                {
                    **asdict(f.diagnosis),
                    "kind": f.diagnosis.kind,
                    "action": f.action,
                    "changes": {k: {"old": o, "new": n} for k, (o, n) in f.changes.items()},
                    "reason": f.reason,
                }
                for f in self.fixes
            ],
            "reset_job_ids": self.reset_job_ids,
            "hook_ran": self.hook_ran,
            "regenerated_schedulers": self.regenerated_schedulers,
            "submitted_allocations": self.submitted_allocations,
        }


def uses_slurm(api: TorcApi, workflow_id: int) -> bool:
    """Whether the workflow has Slurm schedulers or ever had Slurm allocations."""
    if api.list_slurm_schedulers(workflow_id, limit=1).items:
        return True
    records = fetch_all(lambda o: api.list_scheduled_compute_nodes(workflow_id, offset=o))
    return any(r.scheduler_type == "slurm" for r in records)


def check_idle(api: TorcApi, workflow_id: int, synced: SyncReport) -> None:
    """Refuse while allocations are queued or running, or jobs are still active (what a
    dry-run sync found ended or orphaned does not count: a real run cleans it up)."""
    ended = {a.scheduled_compute_node_id for a in synced.ended_allocations}
    ended |= {a.scheduled_compute_node_id for a in synced.idle_allocations}
    orphans = {j.job_id for j in synced.failed_jobs}
    records = fetch_all(lambda o: api.list_scheduled_compute_nodes(workflow_id, offset=o))
    live = [r for r in records if r.status in ("pending", "active") and r.id not in ended]
    if live:
        which = ", ".join(f"Slurm job {r.scheduler_id} ({r.status})" for r in live)
        raise RecoveryError(
            f"workflow {workflow_id} has active Slurm allocations: {which}; wait for them "
            "to finish (or cancel them) before recovering"
        )
    jobs = fetch_all(lambda o: api.list_jobs(workflow_id, offset=o))
    active = [j for j in jobs if j.status in (S.pending, S.running) and j.id not in orphans]
    if active:
        names = ", ".join(f"{j.id} ({j.name})" for j in active[:10])
        raise RecoveryError(
            f"workflow {workflow_id} is not complete: {len(active)} job(s) are still pending "
            f"or running ({names}); wait for its job runners to finish before recovering"
        )


def _apply(api: TorcApi, workflow_id: int, plan: heuristics.Plan) -> None:
    """Write the raised requirements, move jobs to new ones and record why."""
    taken = {
        rr.name or ""
        for rr in fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
    }
    for group in plan.groups:
        rr = group.requirement
        changes = group.fixes[0].changes
        values = {field_name: new for field_name, (_, new) in changes.items()}
        if group.in_place and rr.id is not None:
            api.update_resource_requirements(rr.id, rr.model_copy(update=values))
            group.new_requirement_id = rr.id
        else:
            group.in_place = False
            name = free_name(f"{rr.name}_recovery", taken)
            created = api.create_resource_requirements(
                rr.model_copy(update={**values, "id": None, "name": name})
            )
            group.new_requirement_id = created.id
        for fix in group.fixes:
            job = api.get_job(fix.job_id)
            if not group.in_place:
                moved = {
                    **dict.fromkeys(_UNSET_ON_UPDATE),
                    "resource_requirements_id": group.new_requirement_id,
                }
                api.update_job(fix.job_id, job.model_copy(update=moved))
            history.record_change(
                api,
                job,
                changes,
                evidence=fix.diagnosis.evidence,
                old_requirements_id=rr.id,
                new_requirements_id=group.new_requirement_id,
            )


def _reset(api: TorcApi, workflow_id: int, job_ids: list[int], say: Callable[[str], None]) -> None:
    """A new run, the chosen jobs back to uninitialized, then initialize them."""
    try:
        reset = api.reset_workflow_status(workflow_id)
        run_id = reset.get("run_id")
        if not isinstance(run_id, int):
            run_id = api.get_workflow_status(workflow_id).run_id
        for job_id in job_ids:
            api.manage_status_change(job_id, S.uninitialized, run_id)
        say(f"  Reset {len(job_ids)} job(s)")
        say("Reinitializing workflow...")
        reinitialize(api, workflow_id, new_run=False)
    except WorkflowError as exc:
        raise RecoveryError(f"cannot reinitialize workflow {workflow_id}: {exc}") from None


def recover_workflow(
    api: TorcApi,
    workflow_id: int,
    options: RecoveryOptions,
    *,
    echo: Callable[[str], None] = lambda line: None,
) -> RecoveryReport:
    """One recovery pass; ``echo`` receives each output line as it happens (they are in
    the report's ``lines`` too). Raises :class:`RecoveryError` when recovery cannot run
    or a hook fails; nothing is reset then."""
    from torc.recovery import slurm as slurm_step

    dry = options.dry_run
    report = RecoveryReport(workflow_id, dry, uses_slurm(api, workflow_id))

    def say(line: str) -> None:
        report.lines.append(line)
        echo(line)

    try:
        synced = sync_status(api, workflow_id, dry_run=dry)
    except SlurmError as exc:
        raise RecoveryError(f"cannot synchronize with Slurm: {exc}") from None
    report.orphaned_jobs = len(synced.failed_jobs)
    if synced.failed_jobs:
        verb = "would be marked" if dry else "marked"
        say(f"{len(synced.failed_jobs)} orphaned job(s) {verb} failed (sync-status)")
    check_idle(api, workflow_id, synced)
    if report.uses_slurm and options.profile is None:
        raise RecoveryError(
            f"workflow {workflow_id} uses Slurm but no HPC profile matches this system: "
            "pass --profile (torc hpc list shows the known profiles)"
        )
    say("Diagnosing failures...")
    diagnoses = diagnose(api, workflow_id)
    requirements = {
        rr.id: rr
        for rr in fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
        if rr.id is not None
    }
    users = Counter(
        j.resource_requirements_id
        for j in fetch_all(lambda o: api.list_jobs(workflow_id, offset=o))
        if j.resource_requirements_id is not None
    )
    settings = heuristics.Settings(
        options.memory_multiplier,
        options.runtime_multiplier,
        options.retry_unknown,
        options.recovery_hook is not None,
    )
    plan = heuristics.plan_fixes(diagnoses, requirements, users, settings, options.profile)
    report.fixes = plan.fixes
    say("Applying recovery heuristics...")
    for line in messages.heuristic_lines(plan):
        say(line)
    retried = plan.retried
    if not retried:
        messages.nothing_to_do(plan, diagnoses, say)
        return report
    if dry:
        if options.recovery_hook:
            say(f"Would run recovery hook: {hook_command(options.recovery_hook, workflow_id)}")
        say(f"Dry run: would reset {len(retried)} job(s) for retry; nothing was changed")
        return report
    _apply(api, workflow_id, plan)
    if options.recovery_hook:
        say(f"Running recovery hook: {hook_command(options.recovery_hook, workflow_id)}")
        try:
            run_hook(options.recovery_hook, workflow_id, api_url=api.url, to_stderr=True)
        except HookError as exc:
            kept = " (the raised requirements above were kept)" if plan.groups else ""
            raise RecoveryError(f"{exc}{kept}") from None
        report.hook_ran = True
    ids = [f.job_id for f in retried]
    say(f"Resetting {len(ids)} job(s) for retry...")
    _reset(api, workflow_id, ids, say)
    report.reset_job_ids = ids
    if report.uses_slurm and options.profile is not None:
        slurm_step.regenerate_and_submit(api, report, options, say)
    messages.summary(report, plan, say)
    return report
