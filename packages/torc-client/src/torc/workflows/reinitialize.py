"""Reinitialize a workflow: rerun only the jobs whose inputs changed since they ran.

The steps follow the seed's order: record current file times (the server compares them
with what completed jobs ran with and treats an output without a time as missing), start
a new run (``run_id + 1``, canceled flag cleared), let the server reset the changed jobs
and everything downstream to uninitialized, then initialize those jobs so they become
ready or blocked. Completed jobs whose inputs did not change stay completed.

The dry run sends the same disk times to the server, which tries them in a savepoint,
asks the question the real run asks and rolls back: it reports exactly the jobs a real
run would reset now, and changes nothing, file times included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import torc_models as m
from torc.api import TorcApi
from torc.workflows.operations import WorkflowError, check_inputs, disk_changes, sync_file_mtimes

if TYPE_CHECKING:
    from torc.tasks import Background


@dataclass
class ReinitializeOutcome:
    workflow_id: int
    dry_run: bool
    reset_jobs: list[str] = field(default_factory=list)
    """Names of the jobs that were (or would be) reset due to changed inputs."""
    run_id: int | None = None

    def text(self) -> str:
        count = len(self.reset_jobs)
        if self.dry_run:
            lines = [f"Dry run: {count} jobs would be reset due to changed inputs"]
            lines += [f"  - {name}" for name in self.reset_jobs]
            return "\n".join(lines)
        return f"Reset {count} jobs due to changed inputs"


def reinitialize(
    api: TorcApi,
    workflow_id: int,
    *,
    dry_run: bool = False,
    force: bool = False,
    new_run: bool = True,
    background: Background | None = None,
) -> ReinitializeOutcome:
    """Reset the jobs affected by changed inputs and make them runnable again.

    ``new_run=False`` skips starting a new run, for callers that just did (reset-status).

    A dry run changes nothing on the server, file times included (see
    :func:`preview_changed_jobs`). Missing required inputs stop a real run unless
    ``force``; ``force`` also lets the reset go ahead while jobs are still active.
    With ``background`` the initialize step runs as a server task (see
    :func:`torc.workflows.operations.initialize_workflow`).
    """
    if dry_run:
        return ReinitializeOutcome(workflow_id, True, preview_changed_jobs(api, workflow_id))
    check = check_inputs(api, workflow_id)
    if not check.ok and not force:
        raise WorkflowError(f"{check.problem()}; create them or pass --force")
    sync_file_mtimes(api, workflow_id)
    reset = api.reset_workflow_status(workflow_id, force=force) if new_run else {}
    changed = api.process_changed_job_inputs(workflow_id, dry_run=False)
    submit = partial(api.initialize_jobs, workflow_id, only_uninitialized=True)
    if background is None:
        submit()
    else:
        background.run(api, partial(submit, var_async=True))
    run_id = reset.get("run_id")
    return ReinitializeOutcome(
        workflow_id,
        False,
        list(changed.reinitialized_jobs or []),
        run_id if isinstance(run_id, int) else None,
    )


def preview_changed_jobs(api: TorcApi, workflow_id: int) -> list[str]:
    """Names of the jobs a reinitialize would reset now, without changing anything."""
    files = [
        m.FileMtime(file_id=record.id, st_mtime=mtime)
        for record, mtime in disk_changes(api, workflow_id)
        if record.id is not None
    ]
    request = m.PreviewChangedJobInputsRequest(files=files)
    return list(api.preview_changed_job_inputs(workflow_id, request).reinitialized_jobs or [])
