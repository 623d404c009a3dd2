"""``torc logs analyze`` on logs where torc retried: the runner retrying a job under its
failure handler, and the client riding out an unreachable server. Those notices are torc
doing its job, not errors; the real error beside them still is one."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import torc_models as m
from tests.cli.conftest import Torc
from tests.tools.conftest import offline
from torc.api import ApiError, TorcApi
from torc.runner import JobRunner, RunnerOptions

FLAKY = 'if [ "$TORC_ATTEMPT_ID" -lt 2 ]; then exit 42; fi; echo ok'
CRASH = "python3 -c \"raise ValueError('real trouble')\""
CLI_FORMAT = "%(levelname)s %(name)s: %(message)s"  # how `torc` logs to stderr


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def transport_log(tmp_path: Path) -> Iterator[Path]:
    """A file receiving the client transport's messages, as a runner's stderr would."""
    path = tmp_path / "transport.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter(CLI_FORMAT))
    transport = logging.getLogger("torc.api.base")
    transport.addHandler(handler)
    yield path
    transport.removeHandler(handler)
    handler.close()


def test_retry_notices_are_not_errors(
    api: TorcApi, torc: Torc, tmp_path: Path, transport_log: Path
) -> None:
    output = tmp_path / "output"
    workflow = api.create_workflow(m.WorkflowModel(name="retries", user="tester"))
    assert workflow.id is not None
    w = workflow.id
    rules = json.dumps([{"exit_codes": [42], "max_retries": 3}])
    handler = api.create_failure_handler(
        m.FailureHandlerModel(workflow_id=w, name="flaky", rules=rules)
    )
    batch = [
        m.JobModel(workflow_id=w, name="flaky", command=FLAKY, failure_handler_id=handler.id),
        m.JobModel(workflow_id=w, name="crash", command=CRASH),
    ]
    flaky, crash = api.create_jobs(m.JobsModel(jobs=batch)).jobs or []
    api.initialize_jobs(w)
    JobRunner(api, w, RunnerOptions(output_dir=output, poll_interval=0.2)).run()
    runner_log = output / f"job_runner_{socket.gethostname()}_{w}_1.log"
    assert f"job_id={flaky.id} exit code 42: retrying" in runner_log.read_text()

    # The client retrying a server that is down, then giving up: what a runner's stderr
    # (the Slurm output file) shows when the server stays away too long.
    dead = TorcApi(f"http://127.0.0.1:{_closed_port()}/torc-service/v1", retry_timeout=0.5)
    with pytest.raises(ApiError) as gave_up:
        dead.get_workflow(w)
    dead.close()
    stderr = transport_log.read_text().splitlines()
    assert any("retrying in" in line for line in stderr), stderr
    stderr.append(f"Error: {gave_up.value.message}")
    slurm_stderr = output / f"slurm_output_wf{w}_sl1.e"
    slurm_stderr.write_text("\n".join(stderr) + "\n")

    report = json.loads(
        offline(torc, "-f", "json", "logs", "analyze", str(output), "--workflow-id", str(w)).stdout
    )
    flagged = {(Path(f["file"]).name, f["line"]): f["type"] for f in report["findings"]}
    crash_stderr = output / "job_stdio" / f"job_wf{w}_j{crash.id}_r1_a1.e"
    gave_up_line = (slurm_stderr.name, len(stderr))  # flagged under the type its cause names
    assert flagged == {
        (crash_stderr.name, line_of(crash_stderr, "Traceback")): "Python Traceback",
        (crash_stderr.name, line_of(crash_stderr, "ValueError: real trouble")): "Python Exception",
        (runner_log.name, line_of(runner_log, f"job_id={crash.id} failed")): "Job Failed",
        gave_up_line: flagged.get(gave_up_line),
    }


def line_of(path: Path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)
