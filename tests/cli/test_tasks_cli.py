"""``--async`` / ``--no-wait`` of ``torc workflows initialize | reinitialize`` and the
``torc tasks`` group, run as a user runs them (the console script, no terminal).

While a task must stay active (progress lines, ``tasks active``, the 409 of a second
initialize) the test runs its own PostgreSQL-backed server and holds the workflow's job
rows locked, so the task waits for the test instead of the test racing the task (see
tests/server/test_tasks).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import torc_models as m
from tests.cli.conftest import Torc
from tests.conftest import ServerProcess
from tests.postgres import PostgresServer
from tests.server.driver import wait_for
from tests.server.helpers import MISSING, new_workflow, rid
from tests.server.test_storage_failures import Lines
from tests.server.test_tasks import busy_workflow, kept_running, statuses
from torc.api import TorcApi

WAITING = re.compile(r"Waiting for task (\d+) \(initialize_jobs of workflow (\d+)\)")


def chain(api: TorcApi, name: str = "chain") -> int:
    """``a`` then ``b``, not initialized."""
    w = new_workflow(api, name, "tester")
    a = rid(api.create_job(m.JobModel(workflow_id=w, name="a", command="true")))
    api.create_job(m.JobModel(workflow_id=w, name="b", command="true", depends_on_job_ids=[a]))
    return w


def announced_task(stderr: str, workflow_id: int) -> int:
    """The task ID that ``--async`` names on stderr before waiting."""
    found = WAITING.search(stderr)
    assert found is not None, stderr
    assert int(found.group(2)) == workflow_id
    return int(found.group(1))


def test_initialize_async_waits_and_names_the_task(torc: Torc, api: TorcApi) -> None:
    w = chain(api)
    result = torc("workflows", "initialize", str(w), "--async")
    task_id = announced_task(result.stderr, w)
    assert result.stdout == (
        f"Successfully initialized workflow {w}: 1 blocked, 1 ready (server task {task_id})\n"
    )
    assert statuses(api, w) == {"ready": 1, "blocked": 1}
    shown = torc("tasks", "show", str(task_id)).stdout
    assert "initialize_jobs" in shown and "succeeded" in shown
    assert torc.json("tasks", "show", str(task_id)) == api.get_task(task_id).model_dump(mode="json")


def test_initialize_async_json_has_the_counts_and_the_task(torc: Torc, api: TorcApi) -> None:
    w = chain(api, "json")
    report = torc.json("workflows", "initialize", str(w), "--async")
    task = api.get_task(report.pop("task_id"))
    assert (task.workflow_id, task.status) == (w, m.TaskStatus.succeeded)
    assert report == {
        "status": "success",
        "workflow_id": w,
        "job_counts": {"ready": 1, "blocked": 1},
    }


def test_no_wait_prints_the_task_and_tasks_wait_follows_it(torc: Torc, api: TorcApi) -> None:
    w = chain(api, "no_wait")
    result = torc("workflows", "initialize", str(w), "--async", "--no-wait")
    found = re.fullmatch(
        rf"Initializing workflow {w} in server task (\d+); "
        r"follow it with `torc tasks wait (\d+)`\n",
        result.stdout,
    )
    assert found is not None and found.group(1) == found.group(2), result.stdout
    assert result.stderr == ""  # no progress: it did not wait
    task_id = found.group(1)
    finished = torc.json("tasks", "wait", task_id)
    assert (finished["id"], finished["status"]) == (int(task_id), "succeeded")
    assert statuses(api, w) == {"ready": 1, "blocked": 1}

    queued = torc.json("workflows", "initialize", str(w), "--no-wait")  # implies --async
    assert queued.keys() == {"status", "workflow_id", "task_id"}
    assert (queued["status"], queued["workflow_id"]) == ("queued", w)
    assert torc.json("tasks", "wait", str(queued["task_id"]))["status"] == "succeeded"


def test_reinitialize_async_initializes_in_a_task(torc: Torc, api: TorcApi) -> None:
    w = chain(api, "reinit")
    result = torc("workflows", "reinitialize", str(w), "--async")
    task_id = announced_task(result.stderr, w)
    assert result.stdout == (
        f"Reset 0 jobs due to changed inputs (initialized in server task {task_id})\n"
    )
    assert statuses(api, w) == {"ready": 1, "blocked": 1}
    queued = torc.json("workflows", "reinitialize", str(w), "--async", "--no-wait")
    assert (queued["workflow_id"], queued["reset_jobs"], queued["dry_run"]) == (w, [], False)
    assert torc.json("tasks", "wait", str(queued["task_id"]))["status"] == "succeeded"
    dry = torc.json("workflows", "reinitialize", str(w), "--async", "--dry-run")
    assert "task_id" not in dry  # a dry run initializes nothing


def test_a_failed_task_is_a_one_line_error(torc: Torc, api: TorcApi) -> None:
    w = new_workflow(api, "cycle", "tester")
    x = rid(api.create_file(m.FileModel(workflow_id=w, name="x", path="/tmp/cli_cycle_x")))
    y = rid(api.create_file(m.FileModel(workflow_id=w, name="y", path="/tmp/cli_cycle_y")))
    for name, reads, writes in (("first", y, x), ("second", x, y)):
        api.create_job(
            m.JobModel(
                workflow_id=w,
                name=name,
                command="true",
                input_file_ids=[reads],
                output_file_ids=[writes],
            )
        )
    result = torc("workflows", "initialize", str(w), "--async", "--force", expect=1)
    task_id = announced_task(result.stderr, w)
    error = result.stderr.splitlines()[-1]
    assert error.startswith(
        f"Error: task {task_id} (initialize_jobs of workflow {w}) failed: "
        f"workflow {w} has a dependency cycle: "
    ), result.stderr
    assert result.stdout == ""
    wait = torc("tasks", "wait", str(task_id), expect=1)
    assert wait.stderr.splitlines()[-1] == error


def test_unknown_task_or_workflow_is_a_one_line_error(torc: Torc) -> None:
    for args in (("tasks", "show", str(MISSING)), ("tasks", "wait", str(MISSING))):
        result = torc(*args, expect=1)
        assert result.stderr == f"Error: task {MISSING} does not exist\n"
    result = torc("tasks", "active", str(MISSING), expect=1)
    assert result.stderr == f"Error: workflow {MISSING} does not exist\n"


def test_tasks_active_without_a_task(torc: Torc, api: TorcApi) -> None:
    w = chain(api, "idle")
    assert torc("tasks", "active", str(w)).stdout == f"Workflow {w} has no active task\n"
    assert torc.json("tasks", "active", str(w)) == {"task": None}


@pytest.fixture
def postgres_torc(
    postgres: PostgresServer, tmp_path: Path
) -> Iterator[tuple[ServerProcess, TorcApi, Torc]]:
    server = ServerProcess(postgres.new_database(), "--completion-check-interval-secs", "1")
    api = server.api()
    (tmp_path / "home").mkdir()
    yield server, api, Torc(server.url, tmp_path / "home")
    api.close()
    server.stop()


def test_progress_active_task_and_a_second_initialize_meanwhile(
    postgres_torc: tuple[ServerProcess, TorcApi, Torc],
) -> None:
    """``--async`` waits as long as the task runs, with a progress line on stderr every
    few seconds off a terminal; meanwhile ``tasks active`` shows the task and a second
    initialize is refused in one line naming it."""
    server, api, torc = postgres_torc
    w = busy_workflow(server, api)
    with kept_running(server, w):
        command = ["torc", "--log-level", "warn", "--url", torc.url, "workflows", "initialize"]
        waiting = subprocess.Popen(
            [*command, str(w), "--async"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=torc.env(),
            cwd=torc.home,
        )
        stderr = Lines(waiting.stderr)
        task = wait_for(lambda: api.get_active_task_for_workflow(w).task, 30, "the task")
        active = torc.json("tasks", "active", str(w))["task"]
        assert (active["id"], active["operation"]) == (task.id, "initialize_jobs")
        assert active["status"] in ("queued", "running")
        assert re.search(rf"│ id +│ {task.id} +│", torc("tasks", "active", str(w)).stdout)
        refused = torc("workflows", "initialize", str(w), "--async", expect=1)
        assert refused.stderr.startswith(
            f"Error: workflow {w} has an active task {task.id} (initialize_jobs, "
        )
        assert refused.stderr.endswith(f"wait for it (GET /tasks/{task.id}) or try again later\n")
        assert len(refused.stderr.splitlines()) == 1
        torc("workflows", "initialize", str(w), expect=1)  # the synchronous one as well
        progress = f"task {task.id}: running for "
        wait_for(lambda: stderr.matching(progress), 30, "a progress line")
        assert waiting.poll() is None  # still waiting for the task
    assert waiting.wait(timeout=60) == 0, stderr.lines
    assert waiting.stdout is not None
    assert waiting.stdout.read().endswith(f"(server task {task.id})\n")
    assert announced_task("".join(stderr.lines), w) == task.id
    assert "Traceback" not in "".join(stderr.lines)
    assert torc.json("tasks", "active", str(w)) == {"task": None}
