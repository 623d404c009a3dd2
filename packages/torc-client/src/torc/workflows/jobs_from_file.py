"""Many jobs from a text file with one command per line (``torc jobs create-from-file``).

All jobs share one new resource-requirements record. They are named ``job<N>`` counting on
from the workflow's current number of jobs, so that running the command twice does not
produce duplicate names. Jobs go to the server in bulk requests; if one fails, the jobs
and the requirements created so far are deleted again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torc_models as m
from torc.api import TorcApi
from torc.paging import MAX_PAGE, fetch_all

Progress = Callable[[str, int, int], None]


def read_commands(path: Path) -> list[str]:
    """Non-empty lines that are not ``#`` comments, stripped."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _unused_name(taken: set[str], base: str) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def create_jobs_from_commands(
    api: TorcApi,
    workflow_id: int,
    commands: list[str],
    *,
    num_cpus: int = 1,
    memory: str = "1m",
    runtime: str = "P0DT1M",
    requirements_name: str = "create_from_file",
    progress: Progress | None = None,
) -> list[m.JobModel]:
    """Create one job per command with shared, newly created resource requirements."""
    taken = {
        r.name or ""
        for r in fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
    }
    requirements = api.create_resource_requirements(
        m.ResourceRequirementsModel(
            workflow_id=workflow_id,
            name=_unused_name(taken, requirements_name),
            num_cpus=num_cpus,
            memory=memory,
            runtime=runtime,
        )
    )
    first = api.list_jobs(workflow_id, limit=1).total_count + 1
    jobs = [
        m.JobModel(
            workflow_id=workflow_id,
            name=f"job{first + i}",
            command=command,
            resource_requirements_id=requirements.id,
        )
        for i, command in enumerate(commands)
    ]
    created: list[m.JobModel] = []
    try:
        for start in range(0, len(jobs), MAX_PAGE):
            part = m.JobsModel(jobs=jobs[start : start + MAX_PAGE])
            created += api.create_jobs(part).jobs or []
            if progress:
                progress("Creating jobs", len(created), len(jobs))
    except BaseException:  # all or nothing: take back what was created
        for job in created:
            api.delete_job(job.id or 0)
        api.delete_resource_requirement(requirements.id or 0)
        raise
    return created
