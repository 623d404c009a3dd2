"""A real Slurm cluster for the tests: Debian's slurmctld, slurmd, munge and slurmdbd (so
that ``sacct`` works), started by ``scripts/slurm/start-slurm.sh`` (see its README).

The session fixture :func:`slurm_cluster` starts the cluster once (installing the Debian
packages when they are missing, which needs root) and yields a :class:`SlurmCluster` with
the facts the tests need. The last pytest session using the cluster stops it at its end,
unless it was already running before any session started it (a developer's cluster,
started by hand, is left up, so that reruns take about a second instead of ten).

:func:`wait_for_slurm_job` polls ``squeue`` (slurmctld's live state) until a job reaches
one of the wanted states and, for a final state, until ``sacct --json`` has the job's
complete record too; :func:`sacct_steps` returns a job's steps from ``sacct --json -j ID``.
Slurm here is 22.05.8: its JSON is openapi v0.0.38 (``jobs[].state.current``,
``jobs[].steps[].step.id``), which differs from 23.x and later.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "slurm"
START = SCRIPTS / "start-slurm.sh"
STOP = SCRIPTS / "stop-slurm.sh"

#: the account that start-slurm.sh creates (``SLURM_TEST_ACCOUNTS`` defaults to it)
ACCOUNT = "test"

#: nodes of the session's cluster (default 1); 2 or more spares tests/slurm/test_multinode.py
#: its restart of slurmctld into a two-node cluster and back (~7 s each way), and keeps
#: several pytest sessions that share this machine's cluster from disturbing each other
NODES_VARIABLE = "TORC_TEST_SLURM_NODES"

#: GPUs (GRES gpu, stand-in devices) of each node of the tests' cluster: Slurm hands them
#: out and sets CUDA_VISIBLE_DEVICES as on a GPU cluster (SLURM_TEST_GPUS)
GPUS = 2

#: states after which a job never changes again
TERMINAL_STATES = frozenset(
    {
        "BOOT_FAIL",
        "CANCELLED",
        "COMPLETED",
        "DEADLINE",
        "FAILED",
        "NODE_FAIL",
        "OUT_OF_MEMORY",
        "PREEMPTED",
        "REVOKED",
        "TIMEOUT",
    }
)


class SlurmJobStateError(AssertionError):
    """A job ended in a state other than the ones waited for, or did not get there in time."""


@dataclass(frozen=True)
class SlurmCluster:
    """What the tests may rely on about the running cluster."""

    #: the first (or only) node, ``hostname -s`` of this machine
    node: str
    #: every node, in ``sinfo`` order (one unless ``SLURM_TEST_NODES`` asked for more)
    nodes: tuple[str, ...]
    #: partition names (``debug``, ``short``, ``long`` by default)
    partitions: tuple[str, ...]
    #: the partition jobs without ``-p`` go to
    default_partition: str
    #: CPUs of one node as Slurm advertises them
    cpus: int
    #: RealMemory of one node in MB
    memory_mb: int
    #: an account that ``--account`` accepts (associations are enforced)
    account: str = ACCOUNT
    #: MaxTime of each partition as ``sinfo`` prints it (``1:00:00``, ``2-00:00:00``)
    max_times: Mapping[str, str] = field(default_factory=dict)


def _run(command: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def _can_start() -> str | None:
    """Why start-slurm.sh cannot run here, or None."""
    if os.geteuid() != 0:
        return "real Slurm tests need root (start-slurm.sh installs packages and starts daemons)"
    installed = all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "sbatch", "sacct"))
    apt = Path("/etc/debian_version").is_file() and shutil.which("apt-get") is not None
    if not installed and not apt:
        return "real Slurm tests need Debian's slurm-wlm packages, or apt-get to install them"
    return None


def controller_up() -> bool:
    """Whether a slurmctld answers ``scontrol ping`` (without starting anything)."""
    if shutil.which("scontrol") is None:
        return False
    return "is UP" in _run(["scontrol", "ping"], timeout=30).stdout


def start_cluster(**knobs: str) -> str:
    """Run start-slurm.sh with ``SLURM_TEST_<KNOB>`` settings (``nodes="2"``; every node
    has :data:`GPUS` stand-in GPUs unless ``gpus`` says otherwise); it returns once every
    node is usable. Returns the script's output; fails the test if it fails."""
    knobs = {"gpus": str(GPUS), **knobs}
    env = {**os.environ, **{f"SLURM_TEST_{k.upper()}": v for k, v in knobs.items()}}
    result = subprocess.run(
        [str(START)], capture_output=True, text=True, timeout=900, env=env, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{START} failed (rc {result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def stop_cluster() -> None:
    subprocess.run([str(STOP)], capture_output=True, text=True, timeout=300, check=False)


def cluster_facts() -> SlurmCluster:
    """Nodes, partitions, CPUs and memory as ``sinfo`` reports them now."""
    nodes_out = _run(["sinfo", "-h", "-N", "-o", "%N|%c|%m"]).stdout.split()
    nodes: list[str] = []
    cpus = memory = 0
    for line in nodes_out:
        name, node_cpus, node_memory = line.split("|")
        if name not in nodes:
            nodes.append(name)
        if len(nodes) == 1:
            cpus, memory = int(node_cpus), int(node_memory)
    partitions: list[str] = []
    max_times: dict[str, str] = {}
    default = ""
    for line in _run(["sinfo", "-h", "-o", "%P|%l"]).stdout.split():
        name, max_time = line.split("|")
        if name.endswith("*"):
            name = name[:-1]
            default = name
        if name not in partitions:  # one line per partition and node state
            partitions.append(name)
        max_times[name] = max_time
    if not nodes or not partitions:
        pytest.fail("sinfo shows no node or no partition")
    return SlurmCluster(
        node=nodes[0],
        nodes=tuple(nodes),
        partitions=tuple(partitions),
        default_partition=default or partitions[0],
        cpus=cpus,
        memory_mb=memory,
        max_times=max_times,
    )


def session_nodes() -> int:
    """How many nodes the session's cluster has: :data:`NODES_VARIABLE`, default 1."""
    value = os.environ.get(NODES_VARIABLE, "1")
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise pytest.UsageError(f"{NODES_VARIABLE}={value!r}: give a number of nodes, 1-64")
    return int(value)


def start_session_cluster() -> SlurmCluster:
    """(Re)start the cluster as the session has it (:func:`session_nodes`)."""
    nodes = session_nodes()
    start_cluster(**({"nodes": str(nodes)} if nodes > 1 else {}))
    return cluster_facts()


def _sessions_dir() -> Path:
    return Path(os.environ.get("SLURM_TEST_BASE", "/var/spool/slurm-test")) / "pytest-sessions"


def _other_sessions_alive(sessions: Path) -> bool:
    for entry in sessions.glob("[0-9]*"):
        pid = int(entry.name)
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            entry.unlink(missing_ok=True)  # a session that died without its teardown
            continue
        return True
    return False


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[SlurmCluster]:
    """The real Slurm cluster of scripts/slurm/start-slurm.sh for the session: one node
    (this machine) unless :data:`NODES_VARIABLE` asks for more.

    Each session leaves its pid in ``$SLURM_TEST_BASE/pytest-sessions/``; the last session
    to end stops the cluster if a pytest session started it (a cluster that was up already,
    started by hand, is left running)."""
    reason = _can_start()
    if reason is not None:
        pytest.skip(reason)
    sessions = _sessions_dir()
    sessions.mkdir(parents=True, exist_ok=True)
    own = sessions / str(os.getpid())
    own.touch()
    started = sessions / "started-by-pytest"
    if not controller_up():
        started.touch()
    try:
        yield start_session_cluster()
    finally:
        own.unlink(missing_ok=True)
        if started.exists() and not _other_sessions_alive(sessions):
            started.unlink(missing_ok=True)
            stop_cluster()


def sbatch(*args: str, timeout: float = 60) -> str:
    """``sbatch --parsable ARGS``; returns the job id (fails the test on rejection)."""
    result = _run(["sbatch", "--parsable", *args], timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"sbatch {' '.join(args)} failed (rc {result.returncode}): {result.stderr}")
    return result.stdout.strip().split(";")[0]


def sacct_jobs(job_id: str | int) -> list[dict[str, Any]]:
    """The job records of ``sacct --json -j ID`` for exactly this job id (not array tasks
    or other jobs that sacct adds); empty while slurmdbd has no record of it yet."""
    result = _run(["sacct", "--json", "-j", str(job_id)])
    if result.returncode != 0:
        raise RuntimeError(f"sacct --json -j {job_id} failed: {result.stderr}")
    data = json.loads(result.stdout)
    jobs: list[dict[str, Any]] = data.get("jobs", [])
    return [job for job in jobs if str(job.get("job_id")) == str(job_id)]


def sacct_steps(job_id: str | int) -> list[dict[str, Any]]:
    """The steps of a job from ``sacct --json -j ID``. In Slurm 22.05 each has
    ``step.id`` (the string ``"batch"`` or ``"extern"``, else the number: ``0``, without
    the job id), ``step.job_id``,
    ``step.name``, ``state`` (a string), ``exit_code.return_code``,
    ``nodes.range``/``nodes.count``/``nodes.list`` and ``tasks.count``."""
    steps: list[dict[str, Any]] = []
    for job in sacct_jobs(job_id):
        steps.extend(job.get("steps", []))
    return steps


def accounted(job: Mapping[str, Any]) -> bool:
    """Whether a ``sacct --json`` job record is the complete one. For a few seconds after a
    short job starts, slurmdbd holds a placeholder made from the step records: named
    ``allocation``, no partition, priority 0, its state lagging behind (PENDING while the
    job has finished); the job's own record replaces it 1-5 s later."""
    return bool(job.get("partition"))


def _state_of(job: Mapping[str, Any]) -> str | None:
    state = job.get("state", {})
    current = state.get("current") if isinstance(state, dict) else state
    if isinstance(current, list):  # Slurm 23.02 and later give a list of flags
        current = current[0] if current else None
    return str(current) if current else None


def _squeue_state(job_id: str | int) -> str | None:
    result = _run(["squeue", "-h", "-t", "all", "-j", str(job_id), "-o", "%T"])
    lines = result.stdout.split()
    return lines[0] if result.returncode == 0 and lines else None


def _sacct_state(job_id: str | int) -> str | None:
    complete = [job for job in sacct_jobs(job_id) if accounted(job)]
    return _state_of(complete[-1]) if complete else None


def slurm_job_state(job_id: str | int) -> str | None:
    """The job's state: slurmctld's (``squeue -t all``, which knows finished jobs for
    MinJobAge, 300 s), else the complete sacct record's, else None."""
    return _squeue_state(job_id) or _sacct_state(job_id)


def wait_for_slurm_job(
    job_id: str | int,
    states: Iterable[str],
    timeout: float = 60,
    interval: float = 0.25,
    *,
    in_sacct: bool = True,
) -> str:
    """Poll until the job is in one of ``states`` (``{"COMPLETED"}``, ``{"RUNNING"}``) and
    return that state. For a final state (COMPLETED, CANCELLED, ...) it also waits, unless
    ``in_sacct`` is false, until ``sacct --json`` has the job's complete record in that
    state (see :func:`accounted`), so that what the test reads from sacct next is there.
    Raises :class:`SlurmJobStateError` at once if the job ends in a state not wanted, or
    when ``timeout`` seconds pass."""
    wanted = {s.upper() for s in states}
    deadline = time.monotonic() + timeout
    while True:
        state = slurm_job_state(job_id)
        if state in TERMINAL_STATES and state not in wanted:
            raise SlurmJobStateError(f"job {job_id} ended {state}, not {sorted(wanted)}")
        if state in wanted:
            if not (in_sacct and state in TERMINAL_STATES):
                return state
            if _sacct_state(job_id) == state:
                return state
        if time.monotonic() >= deadline:
            raise SlurmJobStateError(
                f"job {job_id} is {state} (sacct: {_sacct_state(job_id)}) after {timeout} s,"
                f" not {sorted(wanted)}"
            )
        time.sleep(interval)
