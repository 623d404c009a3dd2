"""Storage drills on a real file system: a full disk and a read-only volume.

The server's SQLite file lives on a small tmpfs this module mounts (root only; skipped
where mounting is not permitted). While the storage refuses writes, writes answer 503
with a message naming the database file, the cause and the remedy; reads keep working and
the server stays up. Once the storage is back, writes succeed without a restart, and every
write acknowledged before, during and after is there, with nothing half-applied.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.runner.runner_process import start_runner
from tests.server.driver import Driver, job_statuses, wait_for
from tests.server.helpers import new_workflow, rid, rows_of_workflow
from torc.api import ApiError, TorcApi

pytestmark = pytest.mark.drill

VOLUME_SIZE = "16m"


class Volume:
    """A tmpfs mounted for one test, which the test can fill up and remount read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.database = path / "torc.db"
        self.filler = path / "filler"

    def fill(self) -> None:
        """Take every free block: each write halves its size once the big ones no longer
        fit, down to a single byte."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            size = 1 << 20
            while size:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    size //= 2
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink()

    def remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True)


@pytest.fixture
def volume(tmp_path: Path) -> Iterator[Volume]:
    path = tmp_path / "volume"
    path.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"size={VOLUME_SIZE}", "tmpfs", str(path)]
    mounted = subprocess.run(command, capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"storage drills mount a tmpfs, which needs root: {mounted.stderr.strip()}")
    yield Volume(path)
    subprocess.run(["umount", "--lazy", str(path)], check=True)


class Server:
    """A server on the volume's database, logging to a file off the volume."""

    def __init__(self, volume: Volume, logs: Path) -> None:
        self.log = logs / "torc-server.log"
        self.process = ServerProcess(
            volume.database, "--completion-check-interval-secs", "1", "--log-dir", str(logs)
        )
        self.url = self.process.url
        self.api = self.process.api()
        self.strict = TorcApi(self.url, retry_timeout=0)
        """Sees each 503 instead of retrying it."""

    def stop(self) -> None:
        self.api.close()
        self.strict.close()
        if self.process.proc.poll() is None:
            self.process.stop()


@pytest.fixture
def start_server(volume: Volume, tmp_path: Path) -> Iterator[Callable[[], Server]]:
    servers: list[Server] = []

    def start() -> Server:
        servers.append(Server(volume, tmp_path / "logs"))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def refused(call: Callable[..., Any], *args: Any) -> str:
    """``call`` answers 503 with the contract's ErrorResponse; returns its message."""
    with pytest.raises(ApiError) as caught:
        call(*args)
    error = caught.value
    assert error.status_code == 503, error.message
    assert error.body == {"error": "ServiceUnavailable", "errorMessage": error.message, "code": 503}
    return error.message


def jobs(workflow_id: int, prefix: str, count: int, command: str = "true") -> m.JobsModel:
    return m.JobsModel(
        jobs=[
            m.JobModel(workflow_id=workflow_id, name=f"{prefix}{i}", command=command)
            for i in range(count)
        ]
    )


def check_results(api: TorcApi, workflow_id: int, count: int) -> None:
    """Every one of ``count`` jobs completed, with exactly one result each."""
    assert set(job_statuses(api, workflow_id).values()) == {"completed"}
    results = api.list_results(workflow_id, limit=10_000).items
    assert len(results) == len({r.job_id for r in results}) == count


def check_log(server: Server, cause: str) -> None:
    """The server said what is wrong in a line of its log, without a traceback."""
    text = server.log.read_text()
    assert cause in text and str(server.process.database) in text, text
    assert "Traceback" not in text, text


def complete(driver: Driver, job: m.JobModel, api: TorcApi | None = None) -> m.JobModel:
    """Report a started ``job`` as completed (through ``api``, the driver's by default)."""
    assert job.id is not None
    result = driver.result(job, m.JobStatus.completed, 0)
    return (api or driver.api).complete_job(job.id, m.JobStatus.completed, driver.run_id, result)


def test_full_disk_refuses_writes_until_space_returns(
    volume: Volume, start_server: Callable[[], Server]
) -> None:
    server = start_server()
    api, strict = server.api, server.strict
    w = new_workflow(api)
    api.create_jobs(jobs(w, "job", 20))
    api.initialize_jobs(w)
    driver = Driver(api, w)
    claimed = driver.claim(expect=20)
    running, waiting = claimed[:2], claimed[2:]
    for job in running:
        api.start_job(rid(job), driver.run_id, driver.node_id)

    volume.fill()
    message = refused(strict.create_jobs, jobs(w, "refused", 20))
    assert "full" in message and str(volume.database) in message, message
    assert "free" in message and "retr" in message, message
    refused(complete, driver, running[0], strict)
    assert api.get_job(rid(running[0])).status == m.JobStatus.running, "nothing half-applied"
    assert api.list_jobs(w).total_count == 20, "reads keep working"
    assert server.process.proc.poll() is None
    check_log(server, "full")

    volume.free()
    for job in running:
        complete(driver, job, strict)
    after = new_workflow(strict, "after")
    strict.create_jobs(jobs(after, "after", 5))
    late = Driver(strict, w)  # no retries: each write goes through at once
    for job in waiting:
        late.finish(job)
    assert sorted(job_statuses(api, w)) == sorted(f"job{i}" for i in range(20))
    check_results(api, w, 20)
    assert api.list_jobs(after).total_count == 5
    server.stop()
    on_disk = rows_of_workflow(volume.database, w)
    assert (on_disk["job"], on_disk["result"]) == (20, 20), "acknowledged writes are on disk"


def test_read_only_volume_refuses_writes_until_writable(
    volume: Volume, start_server: Callable[[], Server]
) -> None:
    """Linux refuses to remount a file system read-only while a process holds files on it
    open for writing, as SQLite does, so the volume turns read-only between two servers:
    what a service restarted after the kernel remounted a failing disk read-only sees.
    The first server is killed, leaving the ``-wal`` and ``-shm`` files SQLite needs to
    read a WAL database on read-only storage."""
    first = start_server()
    w = new_workflow(first.api)
    first.api.create_jobs(jobs(w, "job", 10))
    first.api.initialize_jobs(w)
    first.process.proc.send_signal(signal.SIGKILL)
    first.process.proc.wait()
    volume.remount("ro")

    server = start_server()
    api, strict = server.api, server.strict
    assert set(job_statuses(api, w).values()) == {"ready"}, "reads keep working"
    message = refused(strict.create_jobs, jobs(w, "refused", 5))
    assert "read-only" in message and str(volume.database) in message, message
    refused(strict.claim_next_jobs, w)
    assert api.list_jobs(w).total_count == 10
    check_log(server, "read-only")

    volume.remount("rw")
    # A connection opened while read-only may refuse the first write once; the server
    # then reopens its connections and the client's retry goes through.
    api.create_jobs(jobs(new_workflow(api, "after"), "after", 5))
    Driver(api, w).run_to_end()
    check_results(api, w, 10)
    assert server.process.proc.poll() is None


class Lines(threading.Thread):
    """Collects a pipe's lines as they come, so a test can wait on what a child says."""

    def __init__(self, pipe: Any) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.lines: list[str] = []
        self.start()

    def run(self) -> None:
        for line in self.pipe:
            self.lines.append(line)

    def matching(self, *words: str) -> list[str]:
        return [line for line in self.lines if all(word in line for word in words)]


def test_runner_rides_out_a_full_disk(
    volume: Volume, start_server: Callable[[], Server], tmp_path: Path
) -> None:
    server = start_server()
    api = server.api
    w = new_workflow(api)
    marks = tmp_path / "marks"
    marks.mkdir()
    count = 30
    api.create_jobs(jobs(w, "job", count, f"sleep 0.02; echo x >> {marks}/$TORC_JOB_ID"))
    api.initialize_jobs(w)
    runner = start_runner(server.url, w, tmp_path / "out")
    stderr = Lines(runner.stderr)
    wait_for(lambda: api.list_results(w).total_count >= 5, timeout=30, what="5 results")

    volume.fill()
    # Four refused requests: the runner has been backing off for a second or more.
    wait_for(lambda: len(stderr.matching("503", "full")) >= 4, timeout=30, what="4 refusals")
    volume.free()
    assert runner.wait(timeout=60) == 0, "".join(stderr.lines)
    check_results(api, w, count)
    assert sorted(p.name for p in marks.iterdir()) == sorted(
        str(j.id) for j in api.list_jobs(w, limit=count).items
    ), "each job ran once"
    assert all(p.read_text() == "x\n" for p in marks.iterdir()), "each job ran once"
    check_log(server, "full")
