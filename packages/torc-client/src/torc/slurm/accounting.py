"""Slurm accounting (``sacct --json``) for a workflow's allocations: one summary row per
job step, the raw JSON per Slurm job, and ``slurm_stats`` records per torc job attempt.

Each allocation is a scheduled compute node whose ``scheduler_id`` is its Slurm job ID.
One ``sacct --json -j ID,ID,...`` call covers them all; :mod:`torc.slurm.sacct_json`
reads its steps whatever the Slurm release.

With ``--job-steps`` the runner starts each job as a step named after the job, so a
numbered step named like a job that ran in that allocation is that job's attempt (steps
and attempts of the same name pair in order). Its figures go into a ``slurm_stats``
record once the step has ended. A job that ran inside the batch step shares that step's
figures with the runner and every other job, so its record holds only the allocation
(Slurm job ID and nodes), not memory or CPU figures that are not its own. Records
already stored (same job, run, attempt and Slurm job) are not stored again.

For a few seconds after a short job ends slurmdbd may hold a placeholder record for it
(no partition, state lagging behind): it is shown, and reported in ``placeholders``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc.slurm.ran import Ran, ran_in_allocations
from torc.slurm.sacct_json import TERMINAL, Step, parse_step, state_of

HIDDEN_STEPS = frozenset({"extern"})
"""Slurm's container step (processes adopted into the job): nothing torc ran."""
SACCT_TIMEOUT = 120.0


class AccountingError(Exception):
    """sacct is missing or failed, or the workflow has no Slurm allocations."""


def run_sacct(slurm_job_ids: Iterable[str]) -> dict[str, Any]:
    """``sacct --json -j ID,...`` parsed; raises :class:`AccountingError` with a fix."""
    sacct = shutil.which("sacct")
    if sacct is None:
        raise AccountingError(
            "sacct is not on PATH: run this on a node of the Slurm cluster (e.g. a login node)"
        )
    command = [sacct, "--json", "-j", ",".join(slurm_job_ids)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=SACCT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AccountingError(f"sacct could not run: {exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[0]
        raise AccountingError(f"sacct failed: {reason} (is slurmdbd accounting set up?)")
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AccountingError(
            "sacct --json did not print JSON: torc needs Slurm 21.08 or later"
        ) from None
    if not isinstance(data, dict):
        raise AccountingError("sacct --json printed an unexpected document")
    return data


def records_by_job(data: Mapping[str, Any], slurm_job_ids: Iterable[str]) -> dict[str, list[Any]]:
    """sacct's job records per asked-for ID (sacct may add array tasks or requeues)."""
    wanted: dict[str, list[Any]] = {str(i): [] for i in slurm_job_ids}
    jobs = data.get("jobs")
    for job in jobs if isinstance(jobs, list) else []:
        if isinstance(job, dict) and str(job.get("job_id")) in wanted:
            wanted[str(job.get("job_id"))].append(job)
    return wanted


@dataclass
class Accounting:
    workflow_id: int
    steps: list[Step]
    missing: list[str] = field(default_factory=list)
    """Allocations sacct has no record of (yet): pending, or accounted only seconds later."""
    placeholders: list[str] = field(default_factory=list)
    """Allocations whose record is still slurmdbd's placeholder (state may lag)."""
    saved: list[Path] = field(default_factory=list)
    stats_recorded: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "total_steps": len(self.steps),
            "steps": [{**asdict(s), "out_of_memory": s.out_of_memory} for s in self.steps],
            "missing_slurm_jobs": self.missing,
            "placeholder_slurm_jobs": self.placeholders,
            "saved_files": [str(p) for p in self.saved],
            "stats_recorded": self.stats_recorded,
        }


def allocation_ids(api: TorcApi, workflow_id: int) -> list[str]:
    nodes = fetch_all(lambda o: api.list_scheduled_compute_nodes(workflow_id, offset=o))
    ids = [str(n.scheduler_id) for n in nodes if n.scheduler_type == "slurm" and n.scheduler_id]
    if not ids:
        raise AccountingError(
            f"workflow {workflow_id} has no Slurm allocations: "
            f"submit some with 'torc slurm schedule-nodes {workflow_id}'"
        )
    return sorted(set(ids), key=lambda i: (len(i), i))


def save_json(
    data: Mapping[str, Any], by_job: Mapping[str, list[Any]], directory: Path
) -> list[Path]:
    """``<directory>/sacct_<slurm_job_id>.json``: what ``sacct --json -j ID`` prints."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        saved = []
        for slurm_job_id, jobs in by_job.items():
            document = {k: v for k, v in data.items() if k != "jobs"} | {"jobs": jobs}
            path = directory / f"sacct_{slurm_job_id}.json"
            path.write_text(json.dumps(document, indent=2) + "\n")
            saved.append(path)
    except OSError as exc:
        raise AccountingError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    return saved


def pair_steps(steps: list[Step], ran: list[Ran]) -> list[tuple[Step, Ran]]:
    """The numbered steps named like a job attempt of the allocation, in order."""
    pending: dict[str, list[Ran]] = {}
    for attempt in ran:
        pending.setdefault(attempt.job_name, []).append(attempt)
    numbered = [s for s in steps if s.step_id.isdigit()]
    pairs = []
    for step in sorted(numbered, key=lambda s: int(s.step_id)):
        queue = pending.get(step.name)
        if queue:
            pairs.append((step, queue.pop(0)))
    return pairs


def _stats(
    step: Step | None, attempt: Ran, workflow_id: int, nodes: str | None
) -> m.SlurmStatsModel:
    figures = {} if step is None else {
        "max_rss_bytes": step.max_rss_bytes,
        "max_vm_size_bytes": step.max_vm_size_bytes,
        "max_disk_read_bytes": step.max_disk_read_bytes,
        "max_disk_write_bytes": step.max_disk_write_bytes,
        "ave_cpu_seconds": step.ave_cpu_seconds,
    }  # fmt: skip
    return m.SlurmStatsModel(
        workflow_id=workflow_id,
        job_id=attempt.job_id,
        run_id=attempt.run_id,
        attempt_id=attempt.attempt_id,
        slurm_job_id=attempt.slurm_job_id,
        node_list=step.nodes if step is not None else nodes,
        **figures,
    )


def record_stats(
    api: TorcApi, workflow_id: int, steps: list[Step], finished: Mapping[str, str | None]
) -> int:
    """Store a ``slurm_stats`` record for each job attempt not recorded yet: from its own
    step once that ended, else (it ran in the batch step) once the allocation is over and
    fully accounted, as ``finished`` (Slurm job ID -> its nodes) lists. Also names the
    torc job of each step it pairs with one."""
    existing = fetch_all(lambda o: api.list_slurm_stats(workflow_id, offset=o))
    seen = {(s.job_id, s.run_id, s.attempt_id, s.slurm_job_id) for s in existing}
    by_job: dict[str, list[Step]] = {}
    for step in steps:
        by_job.setdefault(step.slurm_job_id, []).append(step)
    created = 0
    for slurm_job_id, ran in ran_in_allocations(api, workflow_id).items():
        pairs = pair_steps(by_job.get(slurm_job_id, []), ran)
        own = {id(attempt): step for step, attempt in pairs}
        for paired, attempt in pairs:
            paired.torc_job_id, paired.torc_job_name = attempt.job_id, attempt.job_name
        for attempt in ran:
            mine = own.get(id(attempt))
            key = (attempt.job_id, attempt.run_id, attempt.attempt_id, slurm_job_id)
            ready = mine.ended if mine is not None else slurm_job_id in finished
            if key in seen or not ready:
                continue
            nodes = finished.get(slurm_job_id)
            api.create_slurm_stats(_stats(mine, attempt, workflow_id, nodes))
            seen.add(key)
            created += 1
    return created


def collect(api: TorcApi, workflow_id: int, *, save_dir: Path | None = None) -> Accounting:
    """Accounting of every allocation of the workflow; records ``slurm_stats`` and, with
    ``save_dir``, writes each Slurm job's JSON there."""
    ids = allocation_ids(api, workflow_id)
    data = run_sacct(ids)
    by_job = records_by_job(data, ids)
    result = Accounting(workflow_id, [])
    finished: dict[str, str | None] = {}
    for slurm_job_id, jobs in by_job.items():
        if not jobs:
            result.missing.append(slurm_job_id)
            continue
        complete = [j for j in jobs if j.get("partition")]
        job = (complete or jobs)[-1]
        if not complete:
            result.placeholders.append(slurm_job_id)
        elif state_of(job.get("state")) in TERMINAL:
            finished[slurm_job_id] = str(job.get("nodes") or "") or None
        steps = job.get("steps")
        for raw in steps if isinstance(steps, list) else []:
            if isinstance(raw, dict):
                step = parse_step(slurm_job_id, raw, job.get("nodes"))
                if step.step_id not in HIDDEN_STEPS:
                    result.steps.append(step)
    result.stats_recorded = record_stats(api, workflow_id, result.steps, finished)
    if save_dir is not None:
        result.saved = save_json(data, {k: v for k, v in by_job.items() if v}, save_dir)
    return result
