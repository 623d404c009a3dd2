"""What Slurm says about allocations: their state (``squeue``, then ``sacct`` once slurmctld
has forgotten a job) and their accounting (``sacct``: start, end, nodes).

``squeue -t all`` knows a job from submission until ``MinJobAge`` (300 s by default) after
it ended; after that only ``sacct`` does, if the cluster keeps accounting. A job that
neither knows is gone. When Slurm cannot be asked at all (no ``squeue``, slurmctld down)
:class:`SlurmError` says so: nothing may be concluded from silence then.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

ALIVE = frozenset(
    {
        "PENDING",
        "RUNNING",
        "CONFIGURING",
        "COMPLETING",
        "SUSPENDED",
        "STOPPED",
        "RESIZING",
        "REQUEUED",
        "REQUEUE_FED",
        "REQUEUE_HOLD",
        "RESV_DEL_HOLD",
        "SIGNALING",
        "STAGE_OUT",
        "POWER_UP_NODE",
    }
)
"""States of a job that is queued, runs or is still ending: its runner may still report."""
CHUNK = 200
"""Job IDs per squeue / sacct call (command lines stay short)."""
TIMEOUT = 60.0
GONE = ("Invalid job id", "already completing or completed")
"""scancel's complaints about a job that left the queue meanwhile (another runner, or the
user, canceled it first): nothing to do."""


class SlurmError(Exception):
    """Slurm could not be asked (command missing, controller unreachable)."""


@dataclass(frozen=True)
class Accounting:
    """One allocation as ``sacct -X`` records it."""

    job_id: str
    state: str
    nodes: int
    elapsed_seconds: int
    """End minus start (so far, while it runs; 0 if it never started)."""
    start: str | None
    end: str | None


def is_alive(state: str | None) -> bool:
    return state in ALIVE


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    tool = shutil.which(command[0])
    if tool is None:
        raise SlurmError(f"{command[0]} not found: run this where Slurm is installed")
    try:
        return subprocess.run(
            [tool, *command[1:]], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SlurmError(f"{command[0]} failed: {exc}") from None


def queue_states(job_ids: Iterable[str]) -> dict[str, str]:
    """The state slurmctld has for each job it still knows (others are left out)."""
    states: dict[str, str] = {}
    for part in _chunks(sorted(set(job_ids))):
        shown = _run(["squeue", "--noheader", "--states=all", f"--jobs={','.join(part)}",
                      "--format=%i|%T"])  # fmt: skip
        if shown.returncode != 0:
            if "Invalid job id" in shown.stderr:
                continue  # none of them is known any more (one alone: squeue says so)
            raise SlurmError(f"squeue failed: {shown.stderr.strip() or shown.stdout.strip()}")
        for line in shown.stdout.splitlines():
            job_id, _, state = line.strip().partition("|")
            if job_id in part and state:
                states[job_id] = state.strip()
    return states


def accounting(job_ids: Iterable[str]) -> dict[str, Accounting]:
    """What ``sacct`` recorded of each job (jobs it does not know are left out). Raises
    SlurmError when sacct is missing or refuses (no accounting storage)."""
    found: dict[str, Accounting] = {}
    fields = "JobIDRaw,State,NNodes,ElapsedRaw,Start,End"
    for part in _chunks(sorted(set(job_ids))):
        shown = _run(["sacct", "--noheader", "--parsable2", "--allocations",
                      f"--jobs={','.join(part)}", f"--format={fields}"])  # fmt: skip
        if shown.returncode != 0:
            raise SlurmError(f"sacct failed: {shown.stderr.strip() or shown.stdout.strip()}")
        for line in shown.stdout.splitlines():
            values = line.strip().split("|")
            if len(values) != 6 or values[0] not in part:
                continue
            job_id, state, nodes, elapsed, start, end = values
            found[job_id] = Accounting(
                job_id=job_id,
                state=state.split()[0] if state else "UNKNOWN",  # "CANCELLED by 0"
                nodes=int(nodes) if nodes.isdigit() else 0,
                elapsed_seconds=int(elapsed) if elapsed.isdigit() else 0,
                start=_time(start),
                end=_time(end),
            )
    return found


def _time(value: str) -> str | None:
    return None if value in ("", "Unknown", "None") else value


def job_states(job_ids: Iterable[str]) -> dict[str, str | None]:
    """Each job's state: slurmctld's, else the final one sacct recorded, else None (Slurm
    knows no such job). Raises SlurmError when squeue cannot answer; a missing or failing
    sacct only leaves the jobs squeue forgot as None."""
    wanted = sorted(set(job_ids))
    states: dict[str, str | None] = dict.fromkeys(wanted)
    states.update(queue_states(wanted))
    forgotten = [job_id for job_id, state in states.items() if state is None]
    if forgotten:
        try:
            recorded = accounting(forgotten)
        except SlurmError:
            recorded = {}
        for job_id, record in recorded.items():
            states[job_id] = record.state
    return states


def cancel_pending(job_ids: Sequence[str]) -> None:
    """``scancel --state=PENDING``: only jobs still queued are canceled, so one that has
    just started keeps running. Raises SlurmError if scancel fails."""
    if not job_ids:
        return
    shown = _run(["scancel", "--state=PENDING", *job_ids])
    problems = [
        line
        for line in shown.stderr.splitlines()
        if line.strip() and not any(gone in line for gone in GONE)
    ]
    if shown.returncode != 0 and (problems or not shown.stderr.strip()):
        raise SlurmError(f"scancel {' '.join(job_ids)} failed: {shown.stderr.strip()}")
