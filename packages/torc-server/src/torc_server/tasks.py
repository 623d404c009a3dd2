"""Long operations in the background: ``initialize_jobs?async=true`` answers 202 at once.

Initializing a 300,000-job workflow takes longer than an HTTP client waits, so the request
only records a task (a row of ``task``) and a small pool of worker threads runs it. The
row is the whole state: status, timestamps and error are written as the task moves, so
any request thread answers ``GET /tasks/{id}`` from the database, and the rows survive a
restart. A task that a stopped or killed server left queued or running is marked failed
when the next server starts (:meth:`TaskRunner.recover`), so nobody waits for it forever.

A workflow has at most one active (queued or running) task: a second operation on it,
synchronous or not, is refused with 409 naming the task (:func:`claim_workflow`). Other
workflows are not affected (on SQLite their writes still queue for the single writer).
One server per database: a starting server takes every active task for a dead one's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from torc_server.db.engine import Database
from torc_server.db.sql import sql
from torc_server.errors import Conflict, NotFound, TorcError, Unavailable

if TYPE_CHECKING:
    from torc_server.context import ServerContext

logger = logging.getLogger(__name__)

WORKERS = 2
"""Tasks of different workflows run side by side on PostgreSQL; on SQLite the second
waits for the write lock, which costs nothing."""
IDLE_POLL_SECONDS = 60.0
"""A safety net only: :meth:`TaskRunner.wake` starts a queued task at once. An idle server
touches the database rarely (storage that refuses writes is not worsened by it)."""
RETRY_SECONDS = 1.0
"""Before trying again when the database refused to hand out or record a task."""
STOP_WAIT_SECONDS = 30.0
INTERRUPTED = "interrupted by a server restart; run the operation again"
COLUMNS = "id, workflow_id, operation, status, created_at_ms, started_at_ms, finished_at_ms, error"

Succeed = Callable[[Connection], None]
TaskBody = Callable[["ServerContext", int, dict[str, Any], Succeed], None]
"""``body(ctx, workflow_id, params, succeed)``: does the work and calls ``succeed(conn)`` in
its last write transaction, so the task is marked succeeded exactly when its changes
commit (a body that returns without calling it is marked succeeded afterwards)."""
OPERATIONS: dict[str, TaskBody] = {}


def task_operation(name: str) -> Callable[[TaskBody], TaskBody]:
    """Register ``body`` as what a task of operation ``name`` runs."""

    def register(body: TaskBody) -> TaskBody:
        if name in OPERATIONS:
            raise RuntimeError(f"task operation {name} is implemented twice")
        OPERATIONS[name] = body
        return body

    return register


def now_ms() -> int:
    return int(time.time() * 1000)


def get_task(conn: Connection, task_id: int) -> dict[str, Any]:
    """The task as ``TaskModel``; 404 naming the ID when there is none."""
    row = (
        conn.execute(sql(f"SELECT {COLUMNS} FROM task WHERE id = :id"), {"id": task_id})
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"task {task_id} does not exist")
    return dict(row)


def active_task(conn: Connection, workflow_id: int) -> dict[str, Any] | None:
    """The workflow's queued or running task, if any."""
    row = (
        conn.execute(
            sql(
                f"SELECT {COLUMNS} FROM task WHERE workflow_id = :w "
                "AND status IN ('queued', 'running') ORDER BY id LIMIT 1"
            ),
            {"w": workflow_id},
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def busy_message(task: dict[str, Any]) -> str:
    t = task["id"]
    return (
        f"workflow {task['workflow_id']} has an active task {t} ({task['operation']}, "
        f"{task['status']}); wait for it (GET /tasks/{t}) or try again later"
    )


def refuse_if_active(conn: Connection, workflow_id: int) -> None:
    task = active_task(conn, workflow_id)
    if task is not None:
        raise Conflict(busy_message(task))


def refuse_if_active_now(ctx: ServerContext, workflow_id: int) -> None:
    """The 409 from a read transaction, before waiting for the write lock: on SQLite a
    running task holds that lock until it is done, and only then would a writer look."""
    with ctx.db.read() as conn:
        refuse_if_active(conn, workflow_id)


def lock_workflow(conn: Connection, workflow_id: int) -> None:
    """Serialize operations on one workflow. SQLite write transactions are exclusive
    already; PostgreSQL locks the workflow's status row until the transaction ends, so two
    concurrent requests cannot both find no active task and both go ahead."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            sql("SELECT 1 FROM workflow_status WHERE workflow_id = :w FOR UPDATE"),
            {"w": workflow_id},
        )


def claim_workflow(conn: Connection, workflow_id: int) -> None:
    """In a write transaction: lock the workflow, then refuse if it has an active task."""
    lock_workflow(conn, workflow_id)
    refuse_if_active(conn, workflow_id)


def submit(
    ctx: ServerContext,
    workflow_id: int,
    operation: str,
    params: dict[str, Any],
    check: Callable[[Connection], object],
) -> dict[str, Any]:
    """Queue a task after ``check(conn)`` (existence, archived flag) passed in the same
    transaction; returns it as ``TaskModel``."""
    if operation not in OPERATIONS:
        raise RuntimeError(f"no task operation {operation} is registered")
    refuse_if_active_now(ctx, workflow_id)
    with ctx.db.write() as conn:
        lock_workflow(conn, workflow_id)
        check(conn)
        refuse_if_active(conn, workflow_id)
        row = (
            conn.execute(
                sql(
                    "INSERT INTO task (workflow_id, operation, status, params, created_at_ms) "
                    f"VALUES (:w, :op, 'queued', :params, :now) RETURNING {COLUMNS}"
                ),
                {"w": workflow_id, "op": operation, "params": json.dumps(params), "now": now_ms()},
            )
            .mappings()
            .one()
        )
        task = dict(row)
    ctx.tasks.wake()
    return task


@dataclass(frozen=True)
class Claimed:
    id: int
    workflow_id: int
    operation: str
    params: str | None


class TaskRunner:
    """Worker threads that run queued tasks in ID order and record how each ended."""

    def __init__(self, db: Database, workers: int = WORKERS) -> None:
        self.db = db
        self._ctx: ServerContext | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._recovered = threading.Event()
        self._last_old_task = 0
        self._threads = [
            threading.Thread(target=self._work, args=(i == 0,), name=f"torc-tasks-{i}", daemon=True)
            for i in range(workers)
        ]

    def start(self, ctx: ServerContext) -> None:
        """Before serving: fail the tasks an earlier server left active (:meth:`recover`),
        then start the workers. On storage that refuses writes (a disk remounted read-only)
        the first worker does it once writes work, and none takes a task before."""
        self._ctx = ctx
        with self.db.read() as conn:
            last = conn.execute(sql("SELECT COALESCE(MAX(id), 0) FROM task")).one()[0]
            left = conn.execute(
                sql("SELECT 1 FROM task WHERE status IN ('queued', 'running') LIMIT 1")
            ).first()
        self._last_old_task = int(last)
        if left is None:
            self._recovered.set()  # nothing to write: the usual start, and any storage
        try:
            self.recover()
        except Unavailable as exc:
            logger.warning("tasks left active are failed once writes are possible: %s", exc)
        for thread in self._threads:
            thread.start()

    def recover(self) -> int:
        """Fail every task up to the last one an earlier server queued that is still queued
        or running: its work died with that server, or never started. Returns how many;
        raises :class:`Unavailable` while the database refuses writes."""
        if self._recovered.is_set():
            return 0
        with self.db.write() as conn:
            count: int = conn.execute(
                sql(
                    "UPDATE task SET status = 'failed', error = :error, finished_at_ms = :now "
                    "WHERE status IN ('queued', 'running') AND id <= :last"
                ),
                {"error": INTERRUPTED, "now": now_ms(), "last": self._last_old_task},
            ).rowcount
        self._recovered.set()
        if count:
            logger.warning("%d task(s) interrupted by the last shutdown marked failed", count)
        return count

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Stop taking tasks; one still running after the wait is failed at the next start."""
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for thread in self._threads:
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in self._threads):
            logger.warning("a task was still running at shutdown; the next start fails it")

    def _work(self, first: bool) -> None:
        while not self._stop.is_set():
            if not self._recovered.is_set():
                self._await_recovery(first)
                continue
            self._wake.clear()  # before looking: a task queued meanwhile sets it again
            try:
                task = self._claim()
            except Unavailable:  # the database logged why
                self._stop.wait(RETRY_SECONDS)
                continue
            except Exception:
                logger.exception("cannot take the next task; retrying")
                self._stop.wait(RETRY_SECONDS)
                continue
            if task is None:
                self._wake.wait(IDLE_POLL_SECONDS)
            else:
                self._run(task)

    def _await_recovery(self, first: bool) -> None:
        """The first worker retries the recovery every second; the others wait for it."""
        if not first:
            self._recovered.wait(RETRY_SECONDS)
            return
        try:
            self.recover()
        except Unavailable:  # the database logged why
            self._stop.wait(RETRY_SECONDS)
        except Exception:
            logger.exception("cannot fail the tasks left active; retrying")
            self._stop.wait(RETRY_SECONDS)

    def _claim(self) -> Claimed | None:
        """The oldest queued task, now marked running. Looked for in a read transaction:
        an idle server takes no write lock (nor fails on read-only storage) to find none.
        Another worker may win the race for it on PostgreSQL; then the next one."""
        while True:
            with self.db.read() as conn:
                row = conn.execute(
                    sql(
                        "SELECT id, workflow_id, operation, params FROM task "
                        "WHERE status = 'queued' ORDER BY id LIMIT 1"
                    )
                ).first()
            if row is None:
                return None
            with self.db.write() as conn:
                taken = conn.execute(
                    sql(
                        "UPDATE task SET status = 'running', started_at_ms = :now "
                        "WHERE id = :id AND status = 'queued'"
                    ),
                    {"id": row.id, "now": now_ms()},
                ).rowcount
            if taken:
                return Claimed(row.id, row.workflow_id, row.operation, row.params)

    def _run(self, task: Claimed) -> None:
        assert self._ctx is not None, "start() gives the context"
        done = False

        def succeed(conn: Connection) -> None:
            nonlocal done
            conn.execute(
                sql(
                    "UPDATE task SET status = 'succeeded', finished_at_ms = :now "
                    "WHERE id = :id AND status = 'running'"
                ),
                {"id": task.id, "now": now_ms()},
            )
            done = True

        try:
            body = OPERATIONS.get(task.operation)
            if body is None:
                raise TorcError(f"this server cannot run {task.operation} tasks")
            params = json.loads(task.params) if task.params else {}
            body(self._ctx, task.workflow_id, params, succeed)
            if not done:
                with self.db.write() as conn:
                    succeed(conn)
            return
        except TorcError as exc:
            error = exc.message
        except Exception as exc:
            logger.exception("task %d (%s of workflow %d) failed", *_named(task))
            error = f"unexpected server error: {type(exc).__name__}: {exc}"
        self._fail(task, error)

    def _fail(self, task: Claimed, error: str) -> None:
        """Record the failure, retrying while the database refuses (disk full...)."""
        while True:
            try:
                with self.db.write() as conn:
                    conn.execute(
                        sql(
                            "UPDATE task SET status = 'failed', error = :error, "
                            "finished_at_ms = :now WHERE id = :id AND status = 'running'"
                        ),
                        {"id": task.id, "error": error, "now": now_ms()},
                    )
                logger.info("task %d (%s of workflow %d) failed: %s", *_named(task), error)
                return
            except Exception as exc:
                logger.error("cannot record that task %d failed (retrying): %s", task.id, exc)
                if self._stop.wait(RETRY_SECONDS):
                    return


def _named(task: Claimed) -> tuple[int, str, int]:
    return task.id, task.operation, task.workflow_id
