"""The lines ``torc recover`` prints (the seed's wording) about the heuristics' choices
and the outcome; :mod:`torc.recovery.recover` says them as it goes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from torc.recovery import heuristics

if TYPE_CHECKING:
    from torc.recovery.recover import RecoveryReport


def heuristic_lines(plan: heuristics.Plan) -> list[str]:
    lines = [f.line() for f in plan.fixes if f.action != "skip" or f.diagnosis.kind != "unknown"]
    if plan.unknown_skipped:
        lines.append(
            f"  {plan.unknown_skipped} job(s) with unknown failure cause (skipped, use "
            "--retry-unknown to include)"
        )
    if plan.retried:
        oom = sum(1 for f in plan.fixes if f.action == "raise" and "memory" in f.changes)
        timeout = sum(1 for f in plan.fixes if f.action == "raise" and "runtime" in f.changes)
        lines.append(f"  Applied fixes: {oom} OOM, {timeout} timeout")
    return lines


def nothing_to_do(plan: heuristics.Plan, diagnoses: list[Any], say: Callable[[str], None]) -> None:
    if not diagnoses:
        say("No failed jobs found: nothing to recover.")
        return
    unknown = plan.unknown_skipped
    if unknown == len(plan.fixes):
        say(f"No recoverable jobs found. {unknown} job(s) failed with unknown causes.")
        say("  Use --retry-unknown to retry jobs with unknown failure causes.")
        say("  Or use the Torc MCP server with your AI assistant to investigate.")
    else:
        say("No recoverable jobs found: every failed job was skipped (see above).")


def summary(report: RecoveryReport, plan: heuristics.Plan, say: Callable[[str], None]) -> None:
    say(f"Recovery complete for workflow {report.workflow_id}")
    raised = [f for f in plan.fixes if f.action == "raise"]
    memory = sum(1 for f in raised if "memory" in f.changes)
    runtime = sum(1 for f in raised if "runtime" in f.changes)
    if memory:
        say(f"  - {memory} job(s) had memory increased")
    if runtime:
        say(f"  - {runtime} job(s) had runtime increased")
    retried = plan.count("retry")
    if retried:
        say(f"  - {retried} job(s) with unknown failure cause retried unchanged")
    count = len(report.reset_job_ids)
    if report.uses_slurm:
        say(f"Reset {count} job(s). Slurm schedulers regenerated and submitted.")
    else:
        say(f"Reset {count} job(s). Run `torc run {report.workflow_id}` to rerun them.")
