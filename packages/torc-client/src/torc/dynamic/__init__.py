"""Dynamic workflows: code running inside a torc job adds jobs to its own workflow.

A job that decides at run time what comes next (an optimizer's next batch, a search's
next round) calls :func:`spawn_jobs`; the new jobs wait for it and run, in the same
``torc run``, once it completes::

    from torc.dynamic import spawn_jobs

    spawn_jobs(
        [
            {"name": "train_2", "command": "python train.py 2"},
            {"name": "report_2", "command": "python report.py 2", "depends_on": ["train_2"]},
        ],
        state={"best": 0.93},
    )

Shell jobs do the same with ``torc jobs spawn --file jobs.yaml``.
"""

from __future__ import annotations

from torc.dynamic.spawning import (
    LINEAGE_ENV,
    NotInAJob,
    build_request,
    calling_job_id,
    spawn_jobs,
)

__all__ = ["LINEAGE_ENV", "NotInAJob", "build_request", "calling_job_id", "spawn_jobs"]
