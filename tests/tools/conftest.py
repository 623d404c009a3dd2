"""The tool commands run as the CLI tests do: ``torc`` as a subprocess against one real
server per module (the fixtures are shared with ``tests/cli``), and the job runner for
real, so the logs and resource databases they read are the ones torc writes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import torc_models as m
from tests.cli.conftest import Torc, api, server, torc
from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions

__all__ = ["api", "offline", "one_line_error", "run_workflow", "server", "torc"]


def run_workflow(
    api: TorcApi, output: Path, commands: dict[str, str], **fields: object
) -> tuple[int, dict[str, int]]:
    """Create a workflow of ``commands``, run it to the end; its ID and job IDs by name."""
    workflow = api.create_workflow(m.WorkflowModel(name="tools", user="tester", **fields))
    assert workflow.id is not None
    batch = [
        m.JobModel(workflow_id=workflow.id, name=name, command=command)
        for name, command in commands.items()
    ]
    created = api.create_jobs(m.JobsModel(jobs=batch)).jobs or []
    api.initialize_jobs(workflow.id)
    JobRunner(api, workflow.id, RunnerOptions(output_dir=output, poll_interval=0.2)).run()
    return workflow.id, {job.name: job.id for job in created if job.id is not None}


def one_line_error(stderr: str) -> str:
    """User errors are a single ``Error: ...`` line, no traceback."""
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1, stderr
    return stderr.strip()


def offline(torc: Torc, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    """``torc <args>`` with no root options at all, as one runs the commands that need no
    server (plot-resources, logs analyze)."""
    result = subprocess.run(
        ["torc", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=torc.env(),
        cwd=torc.home,
        timeout=120,
    )
    assert result.returncode == expect, f"exit {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result
