"""``torc slurm parse-logs``: known error patterns in the logs of a workflow's Slurm
allocations, each with the torc jobs it affects.

What is scanned, in the output directory the allocations wrote to:

* each allocation's Slurm stdout/stderr (``slurm_output_wf<W>_sl<J>.o|.e``);
* each runner's log (``job_runner_slurm_wf<W>_sl<J>_n<node>_pid<pid>.log``);
* the stderr of every job attempt that ran in an allocation, but only the lines Slurm
  wrote there (``slurmstepd``, ``srun``: a job run as its own step gets its step's
  messages, such as ``StepId=178.0 exceeded memory limit``); the job's own errors are
  ``torc logs analyze``'s business.

The patterns are ``torc logs analyze``'s (:data:`torc.logs.analysis.PATTERNS`), one
catalogue for both commands. The jobs a finding affects: the job a line names
(``job_id=N``, as the runner writes), the job whose stderr it is in, or else the jobs that
ran in that allocation, narrowed to those that failed there when any did.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from torc.api import TorcApi
from torc.logs.analysis import Finding, scan
from torc.slurm.ran import Ran, correlated_jobs, job_names, ran_in_allocations

SLURM_OUTPUT = re.compile(r"slurm_output_wf(?P<wf>\d+)_sl(?P<sl>\d+)\.[oe]")
RUNNER_LOG = re.compile(r"job_runner_slurm_wf(?P<wf>\d+)_sl(?P<sl>\d+)_n\d+_pid\d+\.log")
JOB_ID = re.compile(r"\bjob_id=(\d+)\b")
SLURM_LINE = re.compile(r"\s*(?:slurmstepd(?:-[\w.-]+)?|srun|salloc|sbatch): ")
"""A line Slurm wrote into a job's stderr."""


def slurm_wrote(line: str) -> bool:
    return SLURM_LINE.match(line) is not None


class ParseLogsError(Exception):
    """The output directory is missing or holds no Slurm logs of the workflow."""


@dataclass(frozen=True)
class AffectedJob:
    job_id: int
    job_name: str

    def __str__(self) -> str:
        return f"{self.job_name} (ID: {self.job_id})"


@dataclass
class SlurmFinding:
    file: str
    """Relative to the output directory."""
    slurm_job_id: str
    line: int
    pattern: str
    category: str
    severity: str
    text: str
    affected_jobs: list[AffectedJob]


@dataclass
class LogReport:
    workflow_id: int
    output_dir: str
    files_scanned: int
    findings: list[SlurmFinding] = field(default_factory=list)
    omitted: dict[str, int] = field(default_factory=dict)
    """Findings left out per file beyond the analyzer's per-file cap."""

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "output_dir": self.output_dir,
            "files_scanned": self.files_scanned,
            "total_errors": len(self.findings),
            "errors": [asdict(f) for f in self.findings],
            "omitted": self.omitted,
        }


@dataclass(frozen=True)
class LogFile:
    path: Path
    slurm_job_id: str
    job: AffectedJob | None = None
    """The job whose stderr this is (None for an allocation's own logs)."""


def allocation_logs(output_dir: Path, workflow_id: int) -> list[LogFile]:
    """The Slurm stdout/stderr and runner logs of the workflow's allocations."""
    found = []
    for entry in os.scandir(output_dir):
        match = SLURM_OUTPUT.fullmatch(entry.name) or RUNNER_LOG.fullmatch(entry.name)
        if match and int(match.group("wf")) == workflow_id and entry.is_file():
            found.append(LogFile(Path(entry.path), match.group("sl")))
    return sorted(found, key=lambda f: (len(f.slurm_job_id), f.slurm_job_id, f.path.name))


def job_stderr_logs(
    output_dir: Path, workflow_id: int, ran: Mapping[str, list[Ran]]
) -> list[LogFile]:
    """The stderr of each job attempt that ran in an allocation, where it still exists."""
    from torc.runner.process import stdio_paths  # the runner's names; loaded only here

    found = []
    for slurm_job_id, attempts in ran.items():
        for a in attempts:
            _, stderr = stdio_paths(output_dir, workflow_id, a.job_id, a.run_id, a.attempt_id)
            if stderr.is_file():
                found.append(LogFile(stderr, slurm_job_id, AffectedJob(a.job_id, a.job_name)))
    return found


class Affected:
    """Which torc jobs a line of an allocation's logs concerns."""

    def __init__(
        self,
        names: Mapping[int, str],
        ran: Mapping[str, list[Ran]],
        correlated: Mapping[str, Mapping[int, str]],
    ) -> None:
        self.names = names
        self.ran = ran
        self.correlated = correlated

    def allocation(self, slurm_job_id: str) -> list[AffectedJob]:
        attempts = self.ran.get(slurm_job_id, [])
        failed = {a.job_id: a.job_name for a in attempts if a.failed}
        if failed:
            return [AffectedJob(i, n) for i, n in sorted(failed.items())]
        every = {a.job_id: a.job_name for a in attempts}
        every.update(self.correlated.get(slurm_job_id, {}))
        return [AffectedJob(i, n) for i, n in sorted(every.items())]

    def of(self, log: LogFile, text: str) -> list[AffectedJob]:
        named = [int(i) for i in JOB_ID.findall(text) if int(i) in self.names]
        if named:
            return [AffectedJob(i, self.names[i]) for i in dict.fromkeys(named)]
        if log.job is not None:
            return [log.job]
        return self.allocation(log.slurm_job_id)


def _scan(log: LogFile, keep: Callable[[str], bool] | None) -> tuple[list[Finding], int]:
    try:
        with log.path.open(encoding="utf-8", errors="replace", newline="") as lines:
            return scan(str(log.path), lines, keep)
    except OSError as exc:
        raise ParseLogsError(f"cannot read {log.path}: {exc.strerror or exc}") from None


def parse_logs(
    api: TorcApi, workflow_id: int, output_dir: Path, *, errors_only: bool = False
) -> LogReport:
    """Scan the workflow's Slurm logs in ``output_dir``; ``errors_only`` skips warnings."""
    if not output_dir.is_dir():
        raise ParseLogsError(
            f"output directory {output_dir} does not exist: pass --output-dir, the directory "
            "the allocations wrote their logs to (schedule-nodes --output)"
        )
    api.get_workflow(workflow_id)  # an unknown workflow is the server's error, said first
    logs = allocation_logs(output_dir, workflow_id)
    names = job_names(api, workflow_id)
    ran = ran_in_allocations(api, workflow_id, names)
    stderr_logs = job_stderr_logs(output_dir, workflow_id, ran)
    if not logs and not stderr_logs:
        raise ParseLogsError(
            f"no Slurm log files of workflow {workflow_id} in {output_dir}: pass --output-dir, "
            "the directory the allocations wrote their logs to (schedule-nodes --output)"
        )
    affected = Affected(names, ran, correlated_jobs(api, workflow_id))
    report = LogReport(workflow_id, str(output_dir), len(logs) + len(stderr_logs))
    order = sorted(logs + stderr_logs, key=lambda f: (len(f.slurm_job_id), f.slurm_job_id))
    for log in order:  # by allocation: its own logs, then its jobs' stderr
        found, extra = _scan(log, None if log.job is None else slurm_wrote)
        relative = log.path.relative_to(output_dir).as_posix()
        if extra:
            report.omitted[relative] = extra
        for f in found:
            if errors_only and f.severity == "warning":
                continue
            report.findings.append(
                SlurmFinding(
                    relative,
                    log.slurm_job_id,
                    f.line,
                    f.type,
                    f.category,
                    f.severity,
                    f.text,
                    affected.of(log, f.text),
                )
            )
    return report
