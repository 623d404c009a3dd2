"""Reports over a workflow's results: a status summary, resource over-use, and results
with the paths of their log files.

Resource checks compare what the runner measured (peak memory, peak CPU, run time in the
results) with what the job's resource requirements asked for. Over-use is
``(peak - specified) / specified``; CPU is specified as ``num_cpus * 100 %``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc.reports.failed import failed_jobs
from torc.reports.node_hours import node_hours, node_hours_text
from torc.workflows.operations import WorkflowError, job_status_counts
from torc_models.units import duration_seconds, memory_bytes

GIB = 1024**3
CHECKED_STATUSES = frozenset({m.JobStatus.completed})
FAILED_STATUSES = frozenset({m.JobStatus.failed, m.JobStatus.terminated})


def format_size(num_bytes: float | None) -> str:
    """``77385728`` -> ``73.8MB`` (powers of 1024)."""
    if num_bytes is None:
        return ""
    value = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1024:
            return f"{value:.1f}{unit}" if unit != "B" else f"{value:.0f}B"
        value /= 1024
    return f"{value:.1f}TB"


def format_duration(seconds: float) -> str:
    """``9900`` -> ``2h 45m 0s``; shorter spans drop the leading zero units."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


def _results(api: TorcApi, workflow_id: int, **filters: Any) -> list[m.ResultModel]:
    return fetch_all(lambda offset: api.list_results(workflow_id, offset=offset, **filters))


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def workflow_summary(api: TorcApi, workflow_id: int) -> dict[str, Any]:
    """Job counts by status, total execution time and wall time of the current run."""
    workflow = api.get_workflow(workflow_id)
    counts = job_status_counts(api, workflow_id)
    results = _results(api, workflow_id)
    exec_minutes = sum(r.exec_time_minutes for r in results)
    spans = []
    for r in results:
        end = _parse_time(r.completion_time)
        if end is not None:
            spans.append((end.timestamp() - r.exec_time_minutes * 60, end.timestamp()))
    walltime = max(e for _, e in spans) - min(s for s, _ in spans) if spans else 0.0
    return {
        "workflow_id": workflow_id,
        "workflow_name": workflow.name,
        "workflow_user": workflow.user,
        "total_jobs": sum(counts.values()),
        "jobs_by_status": counts,
        "total_exec_time_minutes": round(exec_minutes, 4),
        "total_exec_time_formatted": format_duration(exec_minutes * 60),
        "walltime_seconds": round(walltime, 3),
        "walltime_formatted": format_duration(walltime),
        **node_hours(api, workflow_id),
    }


def summary_text(summary: dict[str, Any]) -> str:
    marks = {"completed": " ✓", "failed": " ✗"}
    lines = [
        "Workflow Summary",
        "================",
        f"Workflow ID: {summary['workflow_id']}",
        f"Name: {summary['workflow_name']}",
        f"User: {summary['workflow_user']}",
        "",
        f"Job Status (total: {summary['total_jobs']}):",
    ]
    by_status = summary["jobs_by_status"]
    for status, count in by_status.items():
        if count:
            label = status.replace("_", " ").capitalize()
            lines.append(f"  {label}: {count}{marks.get(status, '')}")
    lines += [
        "",
        f"Total Execution Time: {summary['total_exec_time_formatted']}",
        f"Walltime: {summary['walltime_formatted']}",
    ]
    charged = node_hours_text(summary)
    lines += [charged] if charged else []
    if summary["total_jobs"] and by_status["completed"] == summary["total_jobs"]:
        lines += ["", "✓ All jobs completed successfully!"]
    return "\n".join(lines)


def _memory(num_bytes: float) -> str:
    """GB with two decimals (as the seed shows), MB for small amounts."""
    if num_bytes >= 0.01 * GIB:
        return f"{num_bytes / GIB:.2f} GB"
    return f"{num_bytes / 1024**2:.2f} MB"


@dataclass
class Usage:
    """One resource of one result compared with the job's requirements."""

    job_id: int
    job_name: str
    resource_type: str
    specified: str
    peak_used: str
    over_utilization: str
    exceeded: bool


def _compare(result: m.ResultModel, name: str, rr: m.ResourceRequirementsModel) -> list[Usage]:
    checks: list[tuple[str, float | None, float | None, Any]] = [
        (
            "Memory",
            result.peak_memory_bytes,
            memory_bytes(rr.memory) if rr.memory else None,
            _memory,
        ),
        (
            "CPU",
            result.peak_cpu_percent,
            (rr.num_cpus or 1) * 100.0,
            lambda v: f"{v:.1f}%",
        ),
        (
            "Runtime",
            result.exec_time_minutes * 60,
            duration_seconds(rr.runtime) if rr.runtime else None,
            format_duration,
        ),
    ]
    usages = []
    for kind, peak, specified, show in checks:
        if peak is None or not specified:
            continue
        over = (peak - specified) / specified
        usages.append(
            Usage(
                result.job_id,
                name,
                kind,
                show(specified),
                show(peak),
                f"{over * 100:+.1f}%",
                over > 0,
            )
        )
    return usages


def check_utilization(
    api: TorcApi, workflow_id: int, *, run_id: int | None = None, include_failed: bool = False
) -> dict[str, Any]:
    """Results of one run (default: the latest) compared with their requirements.

    ``violations`` lists the resources a job exceeded; ``usage`` every comparison made.
    Only completed jobs are checked unless ``include_failed`` (failed and terminated jobs
    are what recovery looks at: an OOM kill shows as memory at the limit); then
    ``failed_jobs`` lists each failed job with its ``likely_oom`` and ``likely_timeout``.
    """
    statuses = CHECKED_STATUSES | (FAILED_STATUSES if include_failed else frozenset())
    results = [r for r in _results(api, workflow_id, run_id=run_id) if r.status in statuses]
    jobs = {j.id: j for j in fetch_all(lambda o: api.list_jobs(workflow_id, offset=o))}
    requirements = {
        r.id: r for r in fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
    }
    usage: list[Usage] = []
    for result in results:
        job = jobs.get(result.job_id)
        rr = requirements.get(job.resource_requirements_id) if job else None
        if job is not None and rr is not None:
            usage += _compare(result, job.name, rr)
    violations = [u for u in usage if u.exceeded]
    report: dict[str, Any] = {
        "workflow_id": workflow_id,
        "run_id": run_id,
        "total_results": len(results),
        "over_utilization_count": len(violations),
        "violations": [_row(u) for u in violations],
        "usage": [_row(u) for u in usage],
    }
    if include_failed:  # with each failed job's likely cause (torc.reports.failed)
        report["failed_jobs"] = failed_jobs(api, workflow_id, run_id=run_id)
        report["failed_job_count"] = len(report["failed_jobs"])
    return report


def _row(usage: Usage) -> dict[str, Any]:
    row = asdict(usage)
    row.pop("exceeded")
    return row


@dataclass
class ResultsReport:
    report: dict[str, Any]
    warnings: list[str]


def results_report(
    api: TorcApi,
    workflow_id: int,
    output_dir: Path,
    *,
    all_runs: bool = False,
    job_id: int | None = None,
) -> ResultsReport:
    """Every result (latest run, or all runs) with the paths of its stdout and stderr
    files under ``output_dir``, warning about the files that are not there."""
    from torc.runner.process import stdio_paths  # the runner's names; loaded only here
    from torc.slurm.ran import slurm_log_paths

    if not output_dir.is_dir():
        raise WorkflowError(f"Output directory does not exist: {output_dir}")
    workflow = api.get_workflow(workflow_id)
    results = _results(api, workflow_id, all_runs=all_runs or None, job_id=job_id)
    names = {j.id: j.name for j in fetch_all(lambda o: api.list_jobs(workflow_id, offset=o))}
    nodes = {n.id: n for n in fetch_all(lambda o: api.list_compute_nodes(workflow_id, offset=o))}
    records, warnings = [], []
    slurm_logs: dict[int | None, dict[str, Path | None]] = {}
    for r in results:
        node = nodes.get(r.compute_node_id)
        stdout, stderr = stdio_paths(
            output_dir, workflow_id, r.job_id, r.run_id or 1, r.attempt_id or 1
        )
        for label, path in (("stdout", stdout), ("stderr", stderr)):
            if not path.exists():
                warnings.append(
                    f"Warning: job {label} log file does not exist for job {r.job_id}: {path}"
                )
        records.append(
            {
                "job_id": r.job_id,
                "job_name": names.get(r.job_id),
                "status": r.status.value,
                "run_id": r.run_id,
                "attempt_id": r.attempt_id,
                "return_code": r.return_code,
                "completion_time": r.completion_time,
                "exec_time_minutes": r.exec_time_minutes,
                "compute_node_id": r.compute_node_id,
                "compute_node_type": node.compute_node_type if node else None,
                "job_stdout": str(stdout),
                "job_stderr": str(stderr),
            }
        )
        if node is not None and node.id not in slurm_logs:  # once per runner: it globs
            slurm_logs[node.id] = slurm_log_paths(output_dir, workflow_id, node) or {}
            for label, log in slurm_logs[node.id].items():  # dmesg: only if the runner failed
                if log is not None and label != "dmesg_log" and not log.exists():
                    warnings.append(
                        f"Warning: {label} of compute node {node.id} does not exist: {log}"
                    )
        for label, log in slurm_logs.get(r.compute_node_id, {}).items():
            records[-1][label] = str(log) if log is not None else None
    report = {
        "workflow_id": workflow_id,
        "workflow_name": workflow.name,
        "workflow_user": workflow.user,
        "all_runs": all_runs,
        "total_results": len(records),
        "results": records,
    }
    return ResultsReport(report, warnings)


def result_rows(results: Sequence[m.ResultModel]) -> list[dict[str, Any]]:
    """Results for a table: times in minutes, memory and CPU readable."""
    return [
        {
            "id": r.id,
            "job_id": r.job_id,
            "wf_id": r.workflow_id,
            "run_id": r.run_id,
            "return_code": r.return_code,
            "exec_time": f"{r.exec_time_minutes:.2f}",
            "peak_mem": format_size(r.peak_memory_bytes),
            "peak_cpu_%": "" if r.peak_cpu_percent is None else f"{r.peak_cpu_percent:.1f}%",
            "completion_time": r.completion_time,
            "status": r.status.value,
        }
        for r in results
    ]
