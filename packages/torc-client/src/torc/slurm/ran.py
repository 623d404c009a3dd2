"""Which torc jobs ran in which Slurm allocation, and the log files an allocation leaves.

The Slurm job runner records its Slurm job ID in its compute node's ``scheduler`` JSON
(``{"slurm_job_id": "178", ...}``) and each result names its compute node, so results say
where every job attempt ran. ``GET /workflows/{id}/slurm_job_correlations`` adds the
pairs known only from ``slurm_stats`` records. ``torc slurm sacct`` (pairing job steps
with job attempts), ``torc slurm parse-logs`` (naming the jobs a log line affects) and
``torc reports results`` (the Slurm log paths of a result) read them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all

FAILED = frozenset({"failed", "terminated", "canceled", "pending_failed"})


@dataclass(frozen=True)
class Ran:
    """One job attempt that ran in a Slurm allocation (from its result)."""

    job_id: int
    job_name: str
    run_id: int
    attempt_id: int
    return_code: int
    status: str
    slurm_job_id: str

    @property
    def failed(self) -> bool:
        return self.return_code != 0 or self.status in FAILED


def slurm_job_of(node: m.ComputeNodeModel) -> str | None:
    """The Slurm job ID a compute node (a runner) ran in; None for a local runner."""
    scheduler: Any = node.scheduler
    if node.compute_node_type != "slurm" or not isinstance(scheduler, dict):
        return None
    value = scheduler.get("slurm_job_id")
    return str(value) if value not in (None, "") else None


def compute_nodes(api: TorcApi, workflow_id: int) -> dict[int, m.ComputeNodeModel]:
    nodes = fetch_all(lambda offset: api.list_compute_nodes(workflow_id, offset=offset))
    return {n.id: n for n in nodes if n.id is not None}


def job_names(api: TorcApi, workflow_id: int) -> dict[int, str]:
    jobs = fetch_all(lambda offset: api.list_jobs(workflow_id, offset=offset))
    return {j.id: j.name for j in jobs if j.id is not None}


def ran_in_allocations(
    api: TorcApi, workflow_id: int, names: Mapping[int, str] | None = None
) -> dict[str, list[Ran]]:
    """Every job attempt of every run that ran in a Slurm allocation, by Slurm job ID,
    in the order of their results (run, then attempt); ``names`` saves reading the jobs."""
    nodes = compute_nodes(api, workflow_id)
    names = job_names(api, workflow_id) if names is None else names
    results = fetch_all(lambda offset: api.list_results(workflow_id, all_runs=True, offset=offset))
    by_allocation: dict[str, list[Ran]] = {}
    for r in sorted(results, key=lambda r: (r.run_id, r.attempt_id or 1, r.id or 0)):
        node = nodes.get(r.compute_node_id)
        slurm_job = slurm_job_of(node) if node is not None else None
        if slurm_job is None:
            continue
        ran = Ran(
            r.job_id,
            names.get(r.job_id, f"job {r.job_id}"),
            r.run_id,
            r.attempt_id or 1,
            r.return_code,
            str(r.status.value),
            slurm_job,
        )
        by_allocation.setdefault(slurm_job, []).append(ran)
    return by_allocation


def correlated_jobs(api: TorcApi, workflow_id: int) -> dict[str, dict[int, str]]:
    """Jobs (ID -> name) that ran in each Slurm job, as the server correlates them."""
    rows = fetch_all(lambda o: api.get_slurm_job_correlations(workflow_id, offset=o))
    found: dict[str, dict[int, str]] = {}
    for row in rows:
        found.setdefault(str(row.slurm_job_id), {})[row.job_id] = row.job_name
    return found


def runner_log_name(kind: str, workflow_id: int, slurm_job_id: str, node: str, pid: int) -> str:
    """A per-runner log of ``torc-slurm-job-runner`` (``job_runner_slurm``,
    ``slurm_env``, ``dmesg_slurm``), named as the runner names them."""
    return f"{kind}_wf{workflow_id}_sl{slurm_job_id}_n{node}_pid{pid}.log"


def _runner_log(output_dir: Path, kind: str, workflow_id: int, slurm: str, pid: int) -> Path:
    """The node index is only in the file name: find it (``n0`` if the file is gone)."""
    matches = sorted(output_dir.glob(runner_log_name(kind, workflow_id, slurm, "*", pid)))
    return (
        matches[0] if matches else output_dir / runner_log_name(kind, workflow_id, slurm, "0", pid)
    )


def slurm_log_paths(
    output_dir: Path, workflow_id: int, node: m.ComputeNodeModel
) -> dict[str, Path | None] | None:
    """The Slurm logs of a result whose compute node ran in an allocation (None for a
    local runner); ``dmesg_log`` is None unless written (the runner writes it on failure)."""
    slurm_job = slurm_job_of(node)
    if slurm_job is None:
        return None
    stem = output_dir / f"slurm_output_wf{workflow_id}_sl{slurm_job}"
    dmesg = _runner_log(output_dir, "dmesg_slurm", workflow_id, slurm_job, node.pid)
    return {
        "job_runner_log": _runner_log(
            output_dir, "job_runner_slurm", workflow_id, slurm_job, node.pid
        ),
        "slurm_stdout": stem.with_suffix(".o"),
        "slurm_stderr": stem.with_suffix(".e"),
        "slurm_env_log": _runner_log(output_dir, "slurm_env", workflow_id, slurm_job, node.pid),
        "dmesg_log": dmesg if dmesg.exists() else None,
    }
