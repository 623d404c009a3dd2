"""``torc results``: the outcome of each job run (return code, times, resource peaks)."""

from __future__ import annotations

from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.cli.groups import new_group
from torc.cli.records import add_delete, add_get, add_list, option
from torc.reports.results import result_rows

app = new_group()
COLUMNS = ["id", "job_id", "wf_id", "run_id", "return_code", "exec_time", "peak_mem"]
COLUMNS += ["peak_cpu_%", "completion_time", "status"]


def _query(values: dict[str, Any]) -> dict[str, Any]:
    """Options -> API parameters; ``--failed`` (any non-zero code) is filtered here."""
    values.pop("failed")
    compute_node = values.pop("compute_node")
    return {**values, "compute_node_id": compute_node, "all_runs": values["all_runs"] or None}


add_list(
    app,
    TorcApi.list_results,
    key="results",
    columns=COLUMNS,
    doc="List results (by default only those of the workflow's latest run).",
    filters={
        "job_id": (option(int | None, "--job-id", "-j", help="Only this job."), None),
        "run_id": (option(int | None, "--run-id", "-r", help="Only this run."), None),
        "return_code": (option(int | None, "--return-code", help="Only this code."), None),
        "failed": (option(bool, "--failed", help="Only non-zero return codes."), False),
        "status": (
            option(m.JobStatus | None, "--status", "-s", help="Only this job status."),
            None,
        ),
        "all_runs": (option(bool, "--all-runs", help="All runs, not only the latest."), False),
        "compute_node": (
            option(int | None, "--compute-node", help="Only this compute node."),
            None,
        ),
    },
    adapt=_query,
    rows=result_rows,
    keep=lambda values: (lambda r: r.return_code != 0) if values["failed"] else None,
    title=lambda workflow_id: f"Results for workflow ID {workflow_id}:",
)
add_get(app, "result", TorcApi.get_result)
add_delete(app, "result", TorcApi.delete_result)
