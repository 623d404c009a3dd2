"""One job as a local process: its own process group, stdio files, environment, deadline.

Each process is watched through a pidfd, so the runner sleeps in ``select`` until a job
exits (or a deadline passes) instead of polling.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torc_models as m
from torc.runner.cgroups import join_command
from torc.runner.resources import Capacity

SHELL = shutil.which("bash") or "/bin/sh"


def stdio_paths(
    output_dir: Path, workflow_id: int, job_id: int, run_id: int, attempt: int
) -> tuple[Path, Path]:
    stem = output_dir / "job_stdio" / f"job_wf{workflow_id}_j{job_id}_r{run_id}_a{attempt}"
    return stem.with_suffix(".o"), stem.with_suffix(".e")


TORC_VARIABLES = frozenset(
    {
        "TORC_API_URL",
        "TORC_WORKFLOW_ID",
        "TORC_RUN_ID",
        "TORC_OUTPUT_DIR",
        "TORC_WORKFLOW_SUBMISSION_DIR",
        "TORC_JOB_ID",
        "TORC_JOB_NAME",
        "TORC_ATTEMPT_ID",
    }
)
"""What the runner sets itself: a workflow's or job's ``env`` cannot replace these."""


def _text(value: object) -> str:
    """An ``env`` value as the environment holds it: strings as they are, JSON otherwise."""
    return value if isinstance(value, str) else json.dumps(value)


def _given(env: dict[str, object] | None) -> dict[str, str]:
    return {k: _text(v) for k, v in (env or {}).items() if k not in TORC_VARIABLES}


def workflow_environment(
    base: dict[str, str], workflow: m.WorkflowModel, run_id: int, api_url: str, output_dir: Path
) -> dict[str, str]:
    """What every job of the workflow sees, built once per runner: the runner's own
    environment, the workflow's ``env`` over it, then the workflow's torc variables."""
    env = {**base, **_given(workflow.env)}
    env.update(
        TORC_API_URL=api_url,
        TORC_WORKFLOW_ID=str(workflow.id),
        TORC_RUN_ID=str(run_id),
        TORC_OUTPUT_DIR=str(output_dir),
    )
    if workflow.submission_directory:
        env["TORC_WORKFLOW_SUBMISSION_DIR"] = workflow.submission_directory
    return env


def job_environment(
    base: dict[str, str], job: m.JobModel, devices: dict[str, str] | None = None
) -> dict[str, str]:
    """The workflow's environment (:func:`workflow_environment`) plus the job's ``env``
    (merged only for jobs that have one), its identity and (``devices``) its GPUs."""
    env = {**base, **_given(job.env)} if job.env else dict(base)
    env["TORC_JOB_ID"] = str(job.id)
    env["TORC_JOB_NAME"] = job.name
    env["TORC_ATTEMPT_ID"] = str(job.attempt_id or 1)
    if devices:
        env.update(devices)
    return env


@dataclass
class JobProcess:
    job: m.JobModel
    pid: int
    pidfd: int
    started: float
    deadline: float | None
    stdout: Path
    stderr: Path
    killed_for: str | None = field(default=None)
    """Why the runner killed it ("runtime", "canceled", "terminated"), if it did."""
    need: Capacity = field(default_factory=lambda: Capacity(0, 0, 0))
    """The resources it holds while it runs."""
    cgroup: Path | None = None
    """Its own memory cgroup (``--job-cgroups``), if it has one."""
    code: int | None = None
    """The exit code once reaped; signals map to 128 + signal number, as shells do."""

    def signal_group(self, sig: int) -> None:
        if self.code is None:  # a reaped job's group ID may belong to someone else by now
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)

    def kill(self, reason: str, *, graceful: bool = False) -> None:
        """Stop the whole process tree: SIGTERM for jobs that support it, else SIGKILL."""
        self.killed_for = self.killed_for or reason
        self.signal_group(signal.SIGTERM if graceful else signal.SIGKILL)

    def poll(self) -> int | None:
        """Reap the process if it has exited; its exit code, or None while it runs."""
        if self.code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                self.code = 128 - code if code < 0 else code
        return self.code


WRITE_NEW = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)
"""Python ignores these; a job gets them back at their defaults, as ``subprocess`` does
(``yes | head`` must end ``yes`` with SIGPIPE, not flood it with write errors)."""


def launch(
    job: m.JobModel,
    env: dict[str, str],
    output_dir: Path,
    run_id: int,
    runtime_seconds: int | None,
    prefix: Sequence[str] = (),
    cgroup: Path | None = None,
) -> JobProcess:
    """Start the job's command in a new session, stdio in its own files; ``prefix`` (an
    absolute program path first) runs the shell under another command, such as ``srun``.

    ``posix_spawn`` (vfork and exec) rather than ``subprocess.Popen``: the child opens its
    stdio files itself and the runner pays a fifth of Popen's CPU per job, which is most
    of what a runner does for a short job. With ``cgroup`` the shell first joins that
    cgroup, so all the job's processes start in it.
    """
    assert job.id is not None
    stdout, stderr = stdio_paths(output_dir, job.workflow_id, job.id, run_id, job.attempt_id or 1)
    command = job.invocation_script + " " + job.command if job.invocation_script else job.command
    if cgroup is not None:
        command = join_command(cgroup, command)
    argv = [*prefix, SHELL, "-c", command]
    pid = os.posix_spawn(
        argv[0],
        argv,
        env,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(stdout), WRITE_NEW, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, str(stderr), WRITE_NEW, 0o644),
        ],
        setsid=True,
        setsigdef=DEFAULT_SIGNALS,
    )
    started = time.monotonic()
    return JobProcess(
        job=job,
        pid=pid,
        pidfd=os.pidfd_open(pid),
        started=started,
        deadline=started + runtime_seconds if runtime_seconds else None,
        stdout=stdout,
        stderr=stderr,
        cgroup=cgroup,
    )
