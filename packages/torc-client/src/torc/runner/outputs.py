"""Output files' modification times, sent with the completion of the job that wrote them.

The server hashes a job's input files' *recorded* times when the job completes and treats
an output without a recorded time as missing; if nobody recorded the times of files the
run itself produced, a reinitialize right after a clean run would see every consumer's
input as changed. So the runner stats a completed job's outputs and the times travel in
its completion: no extra round trip, and a job without outputs costs one attribute check.

Claimed jobs do not carry their links, so which job writes which path is read from the
server once, in one paged listing, when the first job completes (a workflow without files
answers with an empty page). Jobs created after that are reported without times, which
costs them only a rerun on reinitialize, never a wrong skip.
"""

from __future__ import annotations

import os

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all


class OutputTimes:
    """Turns a completed job into the ``output_file_mtimes`` of its completion."""

    def __init__(self, api: TorcApi, workflow_id: int) -> None:
        self.api = api
        self.workflow_id = workflow_id
        self._outputs: dict[int, list[tuple[int, str]]] | None = None

    def of(self, job_id: int, status: m.JobStatus) -> list[m.FileMtime] | None:
        """Current times of the job's outputs (None for a missing file), or None if it has
        no outputs or did not complete."""
        if status != m.JobStatus.completed:
            return None
        if self._outputs is None:
            self._outputs = self._read_outputs()
        outputs = self._outputs.get(job_id)
        if not outputs:
            return None
        return [m.FileMtime(file_id=file_id, st_mtime=_mtime(path)) for file_id, path in outputs]

    def _read_outputs(self) -> dict[int, list[tuple[int, str]]]:
        links = fetch_all(
            lambda offset: self.api.list_job_file_relationships(self.workflow_id, offset=offset)
        )
        outputs: dict[int, dict[int, str]] = {}
        for link in links:  # one row per (file, consumer): a file may repeat
            if link.producer_job_id is not None:
                outputs.setdefault(link.producer_job_id, {})[link.file_id] = link.file_path
        return {job: list(files.items()) for job, files in outputs.items()}


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None
