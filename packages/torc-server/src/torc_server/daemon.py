"""``torc-server run --daemon``: detach from the terminal, keep a pid file, report startup.

The classic double fork (fork, setsid, fork) leaves a process that no terminal can
signal or reclaim. The launching process does not exit at once: it waits on a pipe until
the daemon has written its pid file and finished starting (or failed), so a script that
runs ``torc-server run --daemon`` and then reads the pid file never races the daemon, and
startup errors reach the operator's terminal instead of only the log file.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from pathlib import Path
from typing import NoReturn

DEFAULT_PID_FILE = Path("/var/run/torc-server.pid")
READY = "ready"


class Daemon:
    """The daemon's side: its pid file and the pipe to the waiting launcher."""

    def __init__(self, pid_file: Path, report_fd: int) -> None:
        self.pid_file = pid_file
        self._report_fd: int | None = report_fd

    def ready(self) -> None:
        self._report(READY)

    def failed(self, message: str) -> None:
        self._report(message)

    def _report(self, message: str) -> None:
        if self._report_fd is None:
            return
        with contextlib.suppress(OSError):
            os.write(self._report_fd, message.encode())
            os.close(self._report_fd)
        self._report_fd = None

    def write_pid_file(self) -> None:
        """Refuse to start over a live daemon's pid file; replace a stale one."""
        other = read_pid(self.pid_file)
        if other is not None and other != os.getpid() and is_alive(other):
            raise OSError(f"{self.pid_file} names a running process ({other})")
        tmp = self.pid_file.with_name(f".{self.pid_file.name}.{os.getpid()}")
        tmp.write_text(f"{os.getpid()}\n")
        tmp.replace(self.pid_file)
        atexit.register(self.remove_pid_file)

    def remove_pid_file(self) -> None:
        """Remove the pid file if it is still ours (a successor may have replaced it)."""
        if read_pid(self.pid_file) == os.getpid():
            self.pid_file.unlink(missing_ok=True)


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def daemonize(pid_file: Path, ready_line: str) -> Daemon:
    """Detach; returns only in the daemon, with its pid file written.

    The launcher prints ``ready_line`` on stdout and exits 0 once the daemon calls
    :meth:`Daemon.ready`, or exits 1 with the
    daemon's message (or a pointer to the log) if it fails first. Paths must already be
    absolute: the daemon changes to ``/`` so that it holds no directory busy.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    if os.fork() > 0:
        os.close(write_fd)
        _wait_for_daemon(read_fd, pid_file, ready_line)
    os.close(read_fd)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    os.chdir("/")
    _detach_stdio()
    daemon = Daemon(pid_file, write_fd)
    try:
        daemon.write_pid_file()
    except OSError as exc:
        daemon.failed(f"cannot write pid file {pid_file}: {exc.strerror or exc}")
        os._exit(1)
    return daemon


def _detach_stdio() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _wait_for_daemon(read_fd: int, pid_file: Path, ready_line: str) -> NoReturn:
    """The launcher's side: exit with the daemon's startup outcome."""
    chunks = []
    while chunk := os.read(read_fd, 4096):
        chunks.append(chunk)
    message = b"".join(chunks).decode(errors="replace")
    if message == READY:
        print(ready_line, flush=True)
        pid = read_pid(pid_file)
        print(f"torc-server: daemon started (pid {pid}, pid file {pid_file})", file=sys.stderr)
        sys.stderr.flush()
        os._exit(0)
    reason = message or "the daemon exited during startup; see its log file"
    print(f"torc-server: error: {reason}", file=sys.stderr)
    sys.stderr.flush()
    os._exit(1)
