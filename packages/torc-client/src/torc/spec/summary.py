"""What ``torc workflows create --dry-run`` reports: counts, readiness, warnings, verdict.

``summarize`` returns the original's JSON shape (``valid``, ``errors``, ``warnings`` and
a ``summary`` with counts and names), which the dashboard and scripts read through
``torc -f json``; ``format_summary`` renders the seed's text. Lines the seed's example
does not show (failure handlers, expanded files, warnings, errors) appear only when
there is something to say, so the example's output stays exactly as printed there.
"""

from __future__ import annotations

import textwrap
from typing import Any

from torc.spec.expanded import ExpandedWorkflow

WRAP_WIDTH = 82


def summarize(expanded: ExpandedWorkflow) -> dict[str, Any]:
    spec = expanded.spec
    schedule_nodes = any(
        a.trigger_type == "on_workflow_start" and a.action_type == "schedule_nodes"
        for a in spec.actions
    )
    return {
        "valid": not expanded.check_errors,
        "errors": list(expanded.check_errors),
        "warnings": list(expanded.warnings),
        "summary": {
            "workflow_name": spec.name,
            "workflow_description": spec.description,
            "job_count": len(expanded.jobs),
            "job_count_before_expansion": len(spec.jobs),
            "parameterized_job_spec_count": expanded.parameterized_job_specs,
            "file_count": len(expanded.files),
            "file_count_before_expansion": len(spec.files),
            "user_data_count": len(expanded.user_data),
            "resource_requirements_count": len(expanded.resource_requirements),
            "failure_handler_count": len(spec.failure_handlers),
            "slurm_scheduler_count": len(spec.slurm_schedulers),
            "action_count": len(spec.actions),
            "has_schedule_nodes_action": schedule_nodes,
            "job_names": [job.name for job in expanded.jobs],
            "scheduler_names": [s.name for s in spec.slurm_schedulers if s.name],
        },
    }


def format_summary(summary: dict[str, Any]) -> str:
    """The dry-run text, e.g. ``Workflow Validation Results`` ... ``Validation: PASSED``."""
    counts = summary["summary"]
    lines = ["Workflow Validation Results", "===========================", ""]
    lines.append(f"Workflow: {counts['workflow_name']}")
    if counts.get("workflow_description"):
        lines.append(f"Description: {counts['workflow_description']}")
    lines += ["", "Components to be created:"]
    jobs, files = counts["job_count"], counts["file_count"]
    parameterized = counts["parameterized_job_spec_count"]
    expanded = f" (expanded from {parameterized} parameterized job specs)" if parameterized else ""
    lines.append(f"  Jobs: {jobs}{expanded}")
    before = counts["file_count_before_expansion"]
    lines.append(
        f"  Files: {files}" + (f" (expanded from {before} file specs)" if files != before else "")
    )
    lines.append(f"  User data records: {counts['user_data_count']}")
    lines.append(f"  Resource requirements: {counts['resource_requirements_count']}")
    if counts.get("failure_handler_count"):
        lines.append(f"  Failure handlers: {counts['failure_handler_count']}")
    lines.append(f"  Slurm schedulers: {counts['slurm_scheduler_count']}")
    lines.append(f"  Workflow actions: {counts['action_count']}")
    lines.append("")
    if counts["has_schedule_nodes_action"]:
        lines.append(
            "Submission: Ready for scheduler submission (has on_workflow_start schedule_nodes "
            "action)"
        )
    else:
        lines.append(
            "Submission: Not ready for scheduler submission (no on_workflow_start "
            "schedule_nodes action); run it locally with `torc run`"
        )
    for title, items in (("Warnings", summary["warnings"]), ("Errors", summary["errors"])):
        if items:
            lines += ["", f"{title} ({len(items)}):"]
            for item in items:
                lines += textwrap.wrap(
                    item, WRAP_WIDTH, initial_indent="  - ", subsequent_indent="    "
                )
    lines += ["", f"Validation: {'PASSED' if summary['valid'] else 'FAILED'}"]
    return "\n".join(lines)
