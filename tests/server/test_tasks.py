"""Asynchronous initialize (``initialize_jobs?async=true``) end to end, on SQLite and
PostgreSQL: the 202 and its task, the 409 while a task is active, failures recorded on
the task, and tasks a killed server left behind failed by the next one.

A task must stay active while a test looks at it, without sleeping. On PostgreSQL the
test holds the workflow's job rows locked (:func:`kept_running`): the task blocks at its
first job update for exactly as long as the test wants. SQLite has one writer, and
holding its lock would stop the request that queues the task as well; there the task
initializes a workflow whose every consumer reads a file each producer writes
(:func:`busy_workflow`): a third of a million implicit edges, which take SQLite seconds
to build, from a setup of a fraction of a second.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

import psycopg
import pytest
from pydantic import BaseModel

import torc_models as m
from tests.conftest import ServerProcess
from tests.server import test_storage_failures as storage
from tests.server.driver import wait_for
from tests.server.helpers import MISSING, fails, new_workflow, rid
from torc.api import ApiError, TorcApi
from torc.tasks import TaskFailed, wait_for_task

S = m.TaskStatus
ACTIVE = (S.queued, S.running)
INTERRUPTED = "interrupted by a server restart; run the operation again"
BUSY_WIDTH = 600
"""Producers and consumers of the shared file on SQLite: 360,000 edges, seconds of work."""
TASK_TIMEOUT = 120.0


def is_postgres(server: ServerProcess) -> bool:
    return str(server.database).startswith("postgresql://")


def busy_workflow(server: ServerProcess, api: TorcApi, name: str = "busy") -> int:
    """A workflow whose initialize takes SQLite seconds (see the module docstring); on
    PostgreSQL :func:`kept_running` does that, so a few jobs are enough."""
    width = 5 if is_postgres(server) else BUSY_WIDTH
    w = new_workflow(api, name, "tester")
    shared = rid(api.create_file(m.FileModel(workflow_id=w, name="shared", path="/tmp/shared")))
    jobs = [
        m.JobModel(workflow_id=w, name=f"{role}{i}", command="true", **{links: [shared]})
        for role, links in (("producer", "output_file_ids"), ("consumer", "input_file_ids"))
        for i in range(width)
    ]
    api.create_jobs(m.JobsModel(jobs=jobs))
    return w


@contextmanager
def kept_running(server: ServerProcess, workflow_id: int) -> Iterator[None]:
    """On PostgreSQL, the workflow's job rows locked until the block ends: an initialize
    task of it stays running. On SQLite nothing (the workflow's size does it)."""
    if not is_postgres(server):
        yield
        return
    with psycopg.connect(str(server.database)) as conn:
        conn.execute("SELECT id FROM job WHERE workflow_id = %s FOR UPDATE", (workflow_id,))
        try:
            yield
        finally:
            conn.rollback()


volume = storage.volume
start_server = storage.start_server
"""The storage drills' read-only volume and servers on it (fixtures)."""


def small_workflow(api: TorcApi, name: str = "small") -> int:
    """Three jobs: ``a``, then ``b`` and ``c`` after it."""
    w = new_workflow(api, name, "tester")
    a = rid(api.create_job(m.JobModel(workflow_id=w, name="a", command="true")))
    after_a = {"command": "true", "depends_on_job_ids": [a]}
    later = [m.JobModel(workflow_id=w, name=n, **after_a) for n in "bc"]
    api.create_jobs(m.JobsModel(jobs=later))
    return w


def start(api: TorcApi, workflow_id: int, **options: Any) -> m.TaskModel:
    task = api.initialize_jobs(workflow_id, var_async=True, **options)
    assert isinstance(task, m.TaskModel), task
    return task


def ended(api: TorcApi, task_id: int, timeout: float = TASK_TIMEOUT) -> m.TaskModel:
    """The task once it succeeded or failed (polled with a deadline)."""

    def probe() -> m.TaskModel | None:
        task = api.get_task(task_id)
        return None if task.status in ACTIVE else task

    return wait_for(probe, timeout, f"task {task_id} to end")


def statuses(api: TorcApi, workflow_id: int) -> dict[str, int]:
    counts = api.get_workflow_status(workflow_id).jobs_by_status.model_dump()
    return {status: count for status, count in counts.items() if count}


def busy(workflow_id: int, task_id: int, status: str) -> str:
    return (
        f"workflow {workflow_id} has an active task {task_id} (initialize_jobs, {status}); "
        f"wait for it (GET /tasks/{task_id}) or try again later"
    )


def test_async_initialize_answers_202_and_its_task_initializes_the_jobs(any_api: TorcApi) -> None:
    w = small_workflow(any_api)
    before = int(time.time() * 1000)
    task = start(any_api, w)
    assert (task.workflow_id, task.operation, task.error) == (w, "initialize_jobs", None)
    assert task.status in ACTIVE and task.finished_at_ms is None
    assert before <= task.created_at_ms <= int(time.time() * 1000)

    done = ended(any_api, task.id)
    assert done.status == S.succeeded and done.error is None
    assert done.started_at_ms is not None and done.finished_at_ms is not None
    assert done.created_at_ms <= done.started_at_ms <= done.finished_at_ms
    assert statuses(any_api, w) == {"ready": 1, "blocked": 2}
    assert any_api.get_active_task_for_workflow(w).task is None
    # the same outcome as the synchronous call: an "initialized" event, jobs claimable
    events = any_api.list_events(w, category="workflow").items
    kinds = [e.data.get("type") for e in events if isinstance(e.data, dict)]
    assert kinds == ["created", "initialized"]
    assert [j.name for j in any_api.claim_next_jobs(w, limit=10).jobs or []] == ["a"]
    assert any_api.get_task(task.id) == done  # the task stays readable once ended


def test_async_initialize_honours_only_uninitialized(any_api: TorcApi) -> None:
    w = small_workflow(any_api)
    any_api.initialize_jobs(w)
    (claimed,) = any_api.claim_next_jobs(w, limit=1).jobs or []
    done = ended(any_api, start(any_api, w, only_uninitialized=True).id)
    assert done.status == S.succeeded
    assert any_api.get_job(rid(claimed)).status == m.JobStatus.pending  # left as it was
    assert ended(any_api, start(any_api, w).id).status == S.succeeded
    assert statuses(any_api, w) == {"ready": 1, "blocked": 2}  # a full one resets it


def test_a_second_call_meanwhile_gets_409_naming_the_task(
    any_server: ServerProcess, any_api: TorcApi
) -> None:
    w = busy_workflow(any_server, any_api)
    other = small_workflow(any_api, "other")
    with kept_running(any_server, w):
        task = start(any_api, w)
        active = any_api.get_active_task_for_workflow(w).task
        assert active is not None and active.id == task.id
        message = fails(409, start, any_api, w)
        assert message in (busy(w, task.id, "queued"), busy(w, task.id, "running")), message
        message = fails(409, any_api.initialize_jobs, w)  # synchronous: refused as well
        assert f"active task {task.id} " in message and f"GET /tasks/{task.id}" in message
        for reset in (any_api.reset_workflow_status, any_api.reset_job_status):
            assert f"active task {task.id} " in fails(409, reset, w)  # nor reset under it
        assert f"active task {task.id} " in fails(409, any_api.process_changed_job_inputs, w)
        assert any_api.get_task(task.id).status in ACTIVE  # the refusals were meanwhile
        # another workflow is not refused (on SQLite its writes wait for the single writer)
        assert ended(any_api, start(any_api, other).id).status == S.succeeded
        assert isinstance(any_api.initialize_jobs(other), dict)
    done = ended(any_api, task.id)
    assert done.status == S.succeeded, done.error
    assert statuses(any_api, w)["ready"] > 0
    assert ended(any_api, start(any_api, w).id).status == S.succeeded  # free again


def test_a_failed_task_records_why_and_frees_the_workflow(any_api: TorcApi) -> None:
    w = new_workflow(any_api, "cycle", "tester")
    x = rid(any_api.create_file(m.FileModel(workflow_id=w, name="x", path="/tmp/x")))
    y = rid(any_api.create_file(m.FileModel(workflow_id=w, name="y", path="/tmp/y")))
    loop = [("first", [y], [x]), ("second", [x], [y])]
    jobs = [
        m.JobModel(workflow_id=w, name=n, command="true", input_file_ids=i, output_file_ids=o)
        for n, i, o in loop
    ]
    any_api.create_jobs(m.JobsModel(jobs=jobs))
    task = start(any_api, w)
    with pytest.raises(TaskFailed) as caught:
        wait_for_task(any_api, task.id)
    failed = caught.value.task
    assert failed.status == S.failed and failed.finished_at_ms is not None
    assert failed.error is not None and "dependency cycle" in failed.error
    assert "first" in failed.error and "second" in failed.error
    assert str(caught.value).startswith(f"task {task.id} (initialize_jobs of workflow {w}) failed")
    assert any_api.get_active_task_for_workflow(w).task is None
    assert statuses(any_api, w) == {"uninitialized": 2}  # rolled back, as a refused call is
    fails(409, any_api.initialize_jobs, w)  # the synchronous call: the same refusal


def test_refusals_come_before_any_task_is_queued(any_api: TorcApi) -> None:
    message = fails(404, start, any_api, MISSING)
    assert f"workflow {MISSING} does not exist" in message
    w = small_workflow(any_api)
    any_api.archive_workflow(w, m.ArchiveWorkflowRequest(is_archived=True))
    message = fails(409, start, any_api, w)
    assert message == f"cannot initialize archived workflow {w}; unarchive it first"
    assert any_api.get_active_task_for_workflow(w).task is None


def test_unknown_task_and_workflow_are_404_naming_them(any_api: TorcApi) -> None:
    assert fails(404, any_api.get_task, MISSING) == f"task {MISSING} does not exist"
    message = fails(404, any_api.get_active_task_for_workflow, MISSING)
    assert message == f"workflow {MISSING} does not exist"
    with pytest.raises(ApiError, match=f"task {MISSING} does not exist"):
        wait_for_task(any_api, MISSING)


def test_kill_9_during_a_task_fails_it_at_the_next_start(any_server: ServerProcess) -> None:
    api = any_server.api()
    w = busy_workflow(any_server, api)
    with kept_running(any_server, w):
        task = start(api, w)
        wait_for(lambda: api.get_task(task.id).status == S.running, 30, "the task to run")
        any_server.proc.send_signal(signal.SIGKILL)
        any_server.proc.wait()
    api.close()

    restarted = ServerProcess(any_server.database, "--completion-check-interval-secs", "1")
    api = restarted.api()
    try:
        failed = api.get_task(task.id)
        assert (failed.status, failed.error) == (S.failed, INTERRUPTED)
        assert failed.finished_at_ms is not None
        assert api.get_active_task_for_workflow(w).task is None
        assert statuses(api, w) == {"uninitialized": len_jobs(api, w)}  # nothing half done
        again = start(api, w)
        assert again.id > task.id
        assert ended(api, again.id).status == S.succeeded
        assert statuses(api, w)["ready"] > 0
    finally:
        api.close()
        restarted.stop()


@pytest.mark.drill
@pytest.mark.xfail(
    reason="flaky: on some runs the server's SQLite connections stay read-only after the "
    "remount for more than 30 s (2 of 4 fresh-clone CI runs); see the issue #11 note",
    strict=False,
)
def test_left_over_task_on_read_only_storage_is_failed_once_writable(
    volume: storage.Volume, start_server: Callable[[], storage.Server]
) -> None:
    """The server starts on storage that refuses writes (the storage drills' read-only
    volume) although it cannot fail the task a killed server left running; its workers do
    it, before taking any task, once the storage accepts writes. The left-over row is
    written into the file as a killed server leaves it (``running``, never finished): the
    kill itself is :func:`test_kill_9_during_a_task_fails_it_at_the_next_start`'s."""
    first = start_server()
    w = small_workflow(first.api)
    # written while the server still has the file open, so closing this connection keeps
    # the -wal and -shm files a WAL database needs to be read from read-only storage
    with closing(sqlite3.connect(volume.database)) as db, db:
        db.execute(
            "INSERT INTO task (workflow_id, operation, status, params, created_at_ms, "
            "started_at_ms) VALUES (?, 'initialize_jobs', 'running', '{}', 1, 2)",
            (w,),
        )
    first.process.proc.send_signal(signal.SIGKILL)
    first.process.proc.wait()
    volume.remount("ro")

    server = start_server()
    api = server.api
    left = api.get_active_task_for_workflow(w).task
    assert left is not None and left.status == S.running  # the fail waits for writes
    volume.remount("rw")
    failed = ended(api, left.id, timeout=30)
    assert (failed.status, failed.error) == (S.failed, INTERRUPTED)
    again = start(api, w)
    assert ended(api, again.id).status == S.succeeded
    assert statuses(api, w) == {"ready": 1, "blocked": 2}
    assert server.process.proc.poll() is None


def len_jobs(api: TorcApi, workflow_id: int) -> int:
    return api.list_jobs(workflow_id, limit=1).total_count


class _Created(BaseModel):
    jobs: list[dict[str, Any]]


@pytest.mark.slow
def test_100k_jobs_initialize_async_at_once(any_server: ServerProcess) -> None:
    """The issue's acceptance test: a 100,000-job workflow (created with ``create_jobs`` in
    chunks of 10,000; each chunk's first 100 jobs wait for the previous chunk's first job)
    gets its 202 at once, a second call meanwhile gets 409 naming the task, and the task
    ends with every job ready or blocked.

    Measures, and prints (without asserting them: machines differ): the time from the
    request to its 202, and the task's duration from its start to its end as the server
    recorded them (``started_at_ms`` to ``finished_at_ms``), plus how long the test saw it
    active."""
    total, chunk = 100_000, 10_000
    api = TorcApi(any_server.url, retry_timeout=30, timeout=600)
    try:
        w = new_workflow(api, "acceptance", "tester")
        previous: int | None = None
        for offset in range(0, total, chunk):
            bodies: list[dict[str, Any]] = [
                {"workflow_id": w, "name": f"j{i}", "command": "true"}
                for i in range(offset, offset + chunk)
            ]
            if previous is not None:
                for body in bodies[:100]:
                    body["depends_on_job_ids"] = [previous]
            # the plain JSON of torc.spec.create: 10,000 JobModels cost more than the server
            created = api._call("POST", "/bulk_jobs", body={"jobs": bodies}, response=_Created)
            assert len(created.jobs) == chunk
            previous = created.jobs[0]["id"]

        sent = time.monotonic()
        task = start(api, w)
        accepted_after = time.monotonic() - sent
        message = fails(409, start, api, w)
        assert f"workflow {w} has an active task {task.id} (initialize_jobs, " in message
        assert f"GET /tasks/{task.id}" in message
        done = ended(api, task.id, timeout=600)
        seen_active = time.monotonic() - sent
        assert done.status == S.succeeded, done.error
        assert done.started_at_ms is not None and done.finished_at_ms is not None
        blocked = 100 * (total // chunk - 1)
        assert statuses(api, w) == {"ready": total - blocked, "blocked": blocked}
        backend = "postgresql" if is_postgres(any_server) else "sqlite"
        print(
            f"\n[{backend}] 100,000 jobs: 202 after {accepted_after * 1000:.1f} ms; task ran "
            f"{(done.finished_at_ms - done.started_at_ms) / 1000:.2f} s "
            f"(queued {(done.started_at_ms - done.created_at_ms)} ms); "
            f"seen active for {seen_active:.2f} s"
        )
    finally:
        api.close()
