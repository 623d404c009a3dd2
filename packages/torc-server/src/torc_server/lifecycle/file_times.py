"""File modification times that clients saw on disk: recorded, or tried out and undone.

A job's input hash includes its input files' *recorded* times, and an output without a
recorded time counts as missing, so reinitialize is only right if the records follow the
disk. Runners send the times of a job's outputs with its completion
(:func:`record_output_mtimes`), so an unchanged workflow resets nothing. A reinitialize
preview applies the disk times in a savepoint, asks the same question the real run asks,
and rolls back (:func:`preview_changed_jobs`): the preview is exact by construction and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

import torc_models as m
from torc_server.db.sql import sql
from torc_server.lifecycle import reports, resets
from torc_server.lifecycle.unblock import process_pending
from torc_server.wire import COMPLETED

RECORD_OUTPUT = (
    "UPDATE file SET st_mtime = :mtime WHERE id = :file AND EXISTS "
    "(SELECT 1 FROM job_output_file o WHERE o.job_id = :job AND o.file_id = :file)"
)
SET_MTIME = "UPDATE file SET st_mtime = :mtime WHERE id = :file AND workflow_id = :workflow"


def record_output_mtimes(
    conn: Connection, completions: Sequence[m.JobCompletionEntry], outcome: reports.Outcome
) -> None:
    """Store the output times carried by accepted ``completed`` completions.

    Only files linked as outputs of the completing job change, so a runner cannot touch
    other records; refused completions change nothing.
    """
    carrying = [c for c in completions if c.output_file_mtimes]
    if not carrying:
        return
    completed = {job["id"] for job in outcome.jobs if job["status"] == COMPLETED}
    refused = {job_id for job_id, _ in outcome.refused}
    rows = [
        {"mtime": item.st_mtime, "file": item.file_id, "job": c.job_id}
        for c in carrying
        if c.job_id in completed and c.job_id not in refused
        for item in c.output_file_mtimes or ()
    ]
    if rows:
        conn.execute(sql(RECORD_OUTPUT), rows)


def preview_changed_jobs(
    conn: Connection, workflow_id: int, files: Sequence[m.FileMtime]
) -> dict[str, Any]:
    """What ``process_changed_job_inputs`` would reset if the files had these times."""
    process_pending(conn)  # outside the savepoint: finishes applied here stay applied
    savepoint = conn.begin_nested()
    try:
        if files:
            conn.execute(
                sql(SET_MTIME),
                [{"mtime": f.st_mtime, "file": f.file_id, "workflow": workflow_id} for f in files],
            )
        return resets.changed_jobs(conn, workflow_id, dry_run=True)
    finally:
        savepoint.rollback()
