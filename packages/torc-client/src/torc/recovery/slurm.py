"""The Slurm step of recovery: ``slurm regenerate --submit`` for the reset jobs, with the
settings the workflow was generated with (:mod:`torc.slurm.regenerate`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from torc.api import TorcApi
from torc.slurm import schedule
from torc.slurm.regenerate import (
    RegenerateOptions,
    apply_regeneration,
    plan_regeneration,
    recorded_settings,
)
from torc.slurm.sizing import GenerateError, Sizing
from torc.slurm.submit import SubmitError

if TYPE_CHECKING:
    from torc.recovery.recover import RecoveryOptions, RecoveryReport


def regeneration_options(api: TorcApi, workflow_id: int) -> RegenerateOptions:
    """The grouping and walltime settings ``submit-slurm`` recorded, else the defaults."""
    recorded = recorded_settings(api.get_workflow(workflow_id))
    sizing = Sizing(
        str(recorded.get("walltime_strategy") or "max-job-runtime"),
        float(recorded.get("walltime_multiplier") or 1.5),
        bool(recorded.get("single_allocation")),
    )
    group_by = str(recorded.get("group_by") or "resource-requirements")
    return RegenerateOptions(group_by=group_by, sizing=sizing)


def regenerate_and_submit(
    api: TorcApi,
    report: RecoveryReport,
    options: RecoveryOptions,
    say: Callable[[str], None],
) -> None:
    """New schedulers for the workflow's ready and blocked jobs, and their allocations."""
    from torc.recovery.recover import RecoveryError

    assert options.profile is not None
    workflow_id = report.workflow_id
    say("Regenerating Slurm schedulers...")
    try:
        plan = plan_regeneration(
            api, workflow_id, options.profile, regeneration_options(api, workflow_id)
        )
        created = set(apply_regeneration(api, plan))
        report.regenerated_schedulers = [str(g.scheduler["name"]) for g in plan.groups]
        settings = schedule.Options(
            output_dir=options.output_dir, poll_interval=options.poll_interval
        )
        for action in schedule.pending_schedule_actions(api, workflow_id):
            if action.id not in created:
                continue
            submission = schedule.schedule_action(api, workflow_id, action, options=settings)
            if submission is None:
                continue
            count = len(submission.submitted)
            jobs = len(action.job_ids or [])
            report.submitted_allocations += count
            noun = "allocation" if count == 1 else f"{count} allocations"
            say(f"  Submitted Slurm {noun} with {jobs} job{'s' if jobs != 1 else ''}")
    except (GenerateError, schedule.ScheduleError, SubmitError) as exc:
        raise RecoveryError(
            f"jobs were reset, but regenerating the Slurm schedulers failed: {exc}; fix it "
            f"and run `torc slurm regenerate {workflow_id} --submit`"
        ) from None
