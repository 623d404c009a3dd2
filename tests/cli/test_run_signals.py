"""Ctrl-C and SIGTERM on ``torc -s run``, with real signals on a real process.

The runner terminates its jobs and reports them (nothing stays ``running`` or
``pending``), then the private server stops; a second Ctrl-C kills jobs that ignore
SIGTERM at once instead of after the grace period. The private server runs in its own
session, so the terminal's Ctrl-C reaches only ``torc``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import psutil
import pytest

from tests.server.driver import wait_for

RUNNING, TERMINATED = 4, 8
EXIT_TIMEOUT = 20.0
"""Seconds torc gets to exit after the signal: well above a clean stop, well below the
30 s grace period that jobs ignoring SIGTERM would otherwise get."""


def spec(tmp_path: Path, command: str, *, supports_termination: bool = False) -> Path:
    path = tmp_path / "sleepers.yaml"
    jobs = "".join(
        f"  - name: sleeper_{i}\n    command: {command!r}\n"
        f"    supports_termination: {str(supports_termination).lower()}\n"
        for i in (1, 2)
    )
    path.write_text(f"name: sleepers\njobs:\n{jobs}")
    return path


def start_run(tmp_path: Path, spec_file: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / ".config")
    return subprocess.Popen(
        ["torc", "-s", "--db", "run.db", "run", str(spec_file)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # signals come from this test only
    )


def statuses(database: Path) -> list[int]:
    """The jobs' statuses (none while the server is still creating its tables)."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return [status for (status,) in conn.execute("SELECT status FROM job")]
    except sqlite3.OperationalError:  # no database or no table yet
        return []


def running(tmp_path: Path, proc: subprocess.Popen[str]) -> tuple[int, list[int]]:
    """Once both jobs run: the private server's PID and the jobs' PIDs."""
    wait_for(lambda: statuses(tmp_path / "run.db") == [RUNNING, RUNNING], 60, "jobs running")
    children = psutil.Process(proc.pid).children()
    (server,) = [p.pid for p in children if "torc-server" in " ".join(p.cmdline())]
    jobs = [p.pid for p in children if p.pid != server]
    assert len(jobs) == 2
    return server, jobs


def ctrl_c(proc: subprocess.Popen[str]) -> None:
    """What a terminal does on Ctrl-C: SIGINT to the foreground process group (torc's,
    which the private server and the jobs are not in)."""
    os.killpg(proc.pid, signal.SIGINT)


def assert_stopped_cleanly(tmp_path: Path, proc: subprocess.Popen[str], pids: list[int]) -> None:
    _, stderr = proc.communicate(timeout=EXIT_TIMEOUT)
    assert proc.returncode != 0
    assert "Traceback" not in stderr
    assert statuses(tmp_path / "run.db") == [TERMINATED, TERMINATED]
    assert not [pid for pid in pids if psutil.pid_exists(pid)], "server or jobs left behind"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_terminates_the_jobs_then_stops_the_server(
    tmp_path: Path, signum: signal.Signals
) -> None:
    proc = start_run(tmp_path, spec(tmp_path, "sleep 60"))
    try:
        server, jobs = running(tmp_path, proc)
        if signum == signal.SIGINT:
            ctrl_c(proc)
        else:
            proc.send_signal(signum)
        assert_stopped_cleanly(tmp_path, proc, [server, *jobs])
    finally:
        proc.kill()


def test_a_second_ctrl_c_kills_jobs_that_ignore_sigterm(tmp_path: Path) -> None:
    # Each job notes the SIGTERM it ignores, so the test knows the first Ctrl-C arrived.
    command = "trap 'touch got_term_$$' TERM; while true; do sleep 60 & wait $!; done"
    proc = start_run(tmp_path, spec(tmp_path, command, supports_termination=True))
    try:
        server, jobs = running(tmp_path, proc)
        ctrl_c(proc)
        wait_for(lambda: len(list(tmp_path.glob("got_term_*"))) == 2, 20, "jobs to get SIGTERM")
        assert proc.poll() is None, "the jobs ignore SIGTERM: torc waits for them"
        ctrl_c(proc)
        assert_stopped_cleanly(tmp_path, proc, [server, *jobs])
    finally:
        proc.kill()
