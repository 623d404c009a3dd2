"""Workflow operations that take more than one API call: initialize with input checks,
reset, archive, cancel (with the Slurm allocations), and recording file modification times.

The CLI, TUI, dashboard and MCP server all start, reset and cancel workflows; keeping the
steps here means they all check the same things in the same order.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all

if TYPE_CHECKING:
    from torc.tasks import Background

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = frozenset({m.JobStatus.pending, m.JobStatus.running})
PROGRESSED_STATUSES = frozenset(
    {
        m.JobStatus.pending,
        m.JobStatus.running,
        m.JobStatus.completed,
        m.JobStatus.failed,
        m.JobStatus.canceled,
        m.JobStatus.terminated,
        m.JobStatus.pending_failed,
    }
)
"""Statuses that mean a job ran or is running: initializing again would forget that."""


class WorkflowError(Exception):
    """A workflow operation cannot go ahead; the message says why and what to do."""


@dataclass
class InputCheck:
    """What a workflow needs before it can start and what it would overwrite."""

    missing_files: list[m.FileModel] = field(default_factory=list)
    missing_user_data: list[m.UserDataModel] = field(default_factory=list)
    existing_outputs: list[m.FileModel] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing_files and not self.missing_user_data

    def problem(self) -> str:
        """One line naming everything that is missing."""
        parts = []
        if self.missing_files:
            paths = ", ".join(f.path for f in self.missing_files[:10])
            more = len(self.missing_files) - 10
            parts.append(
                f"{len(self.missing_files)} required input file(s) do not exist: {paths}"
                + (f" and {more} more" if more > 0 else "")
            )
        if self.missing_user_data:
            names = ", ".join(u.name for u in self.missing_user_data[:10])
            parts.append(
                f"{len(self.missing_user_data)} input user data record(s) have no data "
                f"and no producing job: {names}"
            )
        return "; ".join(parts)


def workflow_files(api: TorcApi, workflow_id: int) -> list[m.FileModel]:
    return fetch_all(lambda offset: api.list_files(workflow_id, offset=offset))


def check_inputs(api: TorcApi, workflow_id: int) -> InputCheck:
    """Required input files that are not on disk, user data nobody provides, and output
    files that already exist (a rerun would overwrite them)."""
    files = {f.id: f for f in workflow_files(api, workflow_id)}
    required = set(api.list_required_existing_files(workflow_id).files or [])
    missing_data_ids = set(api.list_missing_user_data(workflow_id).user_data or [])
    check = InputCheck(
        missing_files=[files[i] for i in sorted(required) if not Path(files[i].path).exists()]
    )
    if missing_data_ids:
        records = fetch_all(lambda offset: api.list_user_data(workflow_id, offset=offset))
        check.missing_user_data = [u for u in records if u.id in missing_data_ids]
    outputs = fetch_all(lambda offset: api.list_files(workflow_id, is_output=True, offset=offset))
    check.existing_outputs = [f for f in outputs if Path(f.path).exists()]
    return check


def file_mtime(path: str) -> float | None:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return None


def disk_changes(api: TorcApi, workflow_id: int) -> list[tuple[m.FileModel, float | None]]:
    """Each file record whose ``st_mtime`` differs from the disk, with the disk's (None
    when the file is missing)."""
    records = ((record, file_mtime(record.path)) for record in workflow_files(api, workflow_id))
    return [(record, mtime) for record, mtime in records if record.st_mtime != mtime]


def sync_file_mtimes(api: TorcApi, workflow_id: int) -> list[m.FileModel]:
    """Store every file's current ``st_mtime`` (None when missing) where it changed.

    The server hashes input files' recorded mtimes into each job's input hash and treats
    an output whose mtime is unset as missing, so these must reflect the disk before
    initializing or reinitializing. Returns the files that changed.
    """
    return [
        api.update_file(record.id, record.model_copy(update={"st_mtime": mtime}))
        for record, mtime in disk_changes(api, workflow_id)
        if record.id is not None
    ]


def job_status_counts(api: TorcApi, workflow_id: int) -> dict[str, int]:
    """Jobs per status, every status listed, in status order (one request: the server
    counts them)."""
    counts = api.get_workflow_status(workflow_id).jobs_by_status.model_dump()
    return {status.value: counts[status.value] for status in m.JobStatus}


def jobs_with_progress(api: TorcApi, workflow_id: int) -> int:
    """How many jobs ran or are running (what a full initialize would discard)."""
    counts = job_status_counts(api, workflow_id)
    return sum(counts[status.value] for status in PROGRESSED_STATUSES)


def initialize_workflow(
    api: TorcApi, workflow_id: int, *, force: bool = False, background: Background | None = None
) -> dict[str, int]:
    """Check inputs, record file times and set every job to ready or blocked.

    Missing inputs stop the operation unless ``force``; returns job counts by status.
    With ``background`` the last step runs as a server task (no HTTP timeout cuts a large
    workflow's initialize short); when it does not wait, the counts are not known yet: {}.
    """
    check = check_inputs(api, workflow_id)
    if not check.ok and not force:
        raise WorkflowError(f"{check.problem()}; create them or pass --force")
    sync_file_mtimes(api, workflow_id)
    submit = partial(api.initialize_jobs, workflow_id, clear_ephemeral_user_data=True)
    if background is None:
        outcome = submit()
    else:
        outcome = background.run(api, partial(submit, var_async=True))
        if isinstance(outcome, m.TaskModel):
            if not background.wait:
                return {}
            by_status = job_status_counts(api, workflow_id)
            return {status: count for status, count in by_status.items() if count}
    counts = outcome.get("job_counts") if isinstance(outcome, dict) else None
    return dict(counts) if isinstance(counts, dict) else {}


def reset_status(
    api: TorcApi, workflow_id: int, *, failed_only: bool = False, force: bool = False
) -> m.ResetJobStatusResponse:
    """Start a new run (run_id + 1) and put jobs back to uninitialized.

    All jobs, or with ``failed_only`` the failed, terminated, pending-failed and canceled
    ones. The server refuses archived workflows and, unless ``force``, active jobs.
    """
    api.reset_workflow_status(workflow_id, force=force)
    return api.reset_job_status(workflow_id, failed_only=failed_only)


def set_archived(api: TorcApi, workflow_id: int, archived: bool) -> m.WorkflowModel:
    """Archiving only flips a flag: listings hide the workflow; nothing is deleted."""
    return api.archive_workflow(workflow_id, m.ArchiveWorkflowRequest(is_archived=archived))


def cancel_workflow(api: TorcApi, workflow_id: int) -> list[str]:
    """Mark the workflow canceled (runners then kill their jobs) and ``scancel`` its Slurm
    allocations that are still queued or running; the queued ones are complete at once,
    the running ones when their runners end. Returns the Slurm job IDs canceled."""
    api.cancel_workflow(workflow_id)
    allocations = fetch_all(
        lambda offset: api.list_scheduled_compute_nodes(workflow_id, offset=offset)
    )
    slurm_ids = [
        str(a.scheduler_id)
        for a in allocations
        if a.scheduler_type == "slurm" and a.status != "complete" and a.scheduler_id is not None
    ]
    scancel = shutil.which("scancel")
    if slurm_ids and scancel is None:
        logger.warning("scancel not found; Slurm jobs %s keep running", ", ".join(slurm_ids))
        return []
    if slurm_ids and scancel is not None:
        result = subprocess.run([scancel, *slurm_ids], capture_output=True, text=True)
        if result.returncode != 0:
            raise WorkflowError(f"scancel {' '.join(slurm_ids)} failed: {result.stderr.strip()}")
        for record in allocations:  # queued ones have no runner to mark them complete
            if record.status == "pending" and str(record.scheduler_id) in slurm_ids:
                ended = record.model_copy(update={"status": "complete"})
                api.update_scheduled_compute_node(record.id or 0, ended)
    return slurm_ids
