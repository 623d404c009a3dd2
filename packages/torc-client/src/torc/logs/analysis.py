"""Scan a workflow's logs for the errors that usually explain a failure.

When a job fails, the reason is somewhere in hundreds of stdout/stderr files and runner
logs: a Python traceback, the OOM killer, a Slurm time limit, a full disk. ``torc logs
analyze`` reads them all (from an output directory, an extracted bundle or the
``wf<id>.tar.gz`` itself, streamed without unpacking) and reports each line that matches a
known pattern with its file, line number, severity and type.

Each line gets at most one finding, from the first pattern that matches: specific patterns
come before general ones (CUDA out of memory before out of memory, MemoryError before any
Python exception), so a line is reported under its most telling name. ``torc slurm
parse-logs`` (:mod:`torc.slurm.log_patterns`) scans allocations' logs with the same
catalogue.

torc's own notices that it is retrying are not findings (:data:`RETRY_NOTICES`): a job sent
back to ready by its failure handler, or the client riding out a server restart, is torc
working as asked. What made the job fail is in its own stderr, and a client that gives up
says so in another line; both are still reported.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from torc.logs.bundle import ENV_LOG, METADATA_NAME, log_files, workflow_of

MAX_FINDINGS_PER_FILE = 100
"""A job that prints the same error a million times should not drown the others."""
MAX_LINE = 300


@dataclass(frozen=True)
class Pattern:
    type: str
    short: str
    """The name used in the summary ("Error types found: MemoryError, OOM Kill"); a
    ``name`` group in the regex, when it matches, names the finding instead (the class
    of a Python exception: "ValueError")."""
    category: str
    severity: str
    regex: re.Pattern[str]


def _p(type_: str, short: str, category: str, severity: str, regex: str) -> Pattern:
    return Pattern(type_, short, category, severity, re.compile(regex))


CI = "(?i)"  # case-insensitive prefix for the patterns where capitalisation varies
PATTERNS: tuple[Pattern, ...] = (
    _p("CUDA Out of Memory", "CUDA OOM", "GPU", "critical",
       CI + r"CUDA out of memory|CUDA_ERROR_OUT_OF_MEMORY|GPU memory.*exceeded"),
    _p("CUDA Error", "CUDA Error", "GPU", "error", r"CUDA error|cudaError\w+|NCCL error"),
    _p("Out of Memory (OOM) Kill", "OOM Kill", "Memory", "critical",
       CI + r"oom-kill|oom_kill|oom-killer|Out of memory: Kill|memory cgroup out of memory"),
    _p("Python Memory Error", "MemoryError", "Memory", "critical", r"\bMemoryError\b"),
    _p("C++ Allocation Failure", "bad_alloc", "Memory", "critical", r"std::bad_alloc"),
    _p("Memory Limit Exceeded", "Memory Limit", "Memory", "critical",
       CI + r"exceeded (?:job |step )?memory limit|task/cgroup.*Killed"),
    _p("Out of Memory", "Out of Memory", "Memory", "critical",
       CI + r"out of memory|cannot allocate memory"),
    _p("Time Limit Exceeded", "Time Limit", "Slurm", "critical",
       CI + r"DUE TO TIME LIMIT|time limit exceeded|exceeded its runtime"),
    _p("Slurm Preemption", "Preemption", "Slurm", "error", r"DUE TO PREEMPTION|\bPREEMPTED\b"),
    _p("Slurm Node Failure", "Node Failure", "Slurm", "critical",
       r"NODE_FAIL|DUE TO NODE FAIL"),
    _p("Slurm Job Cancelled", "Cancelled", "Slurm", "error", r"\bCANCELLED\b"),
    _p("Slurm Step Limit Exceeded", "Step Limit", "Slurm", "error", r"Exceeded.*step.*limit"),
    # slurmstepd names its node on some sites: "slurmstepd-n1: error: ..."
    _p("Slurm Error", "Slurm Error", "Slurm", "error",
       r"slurmstepd(?:-[\w.-]+)?: error:|srun: error:|sbatch: error:"),
    _p("Slurm Job Failed", "Failed", "Slurm", "error", r"\bFAILED\b"),
    _p("Segmentation Fault", "Segfault", "Crash", "critical",
       CI + r"segmentation fault|SIGSEGV|segfault"),
    _p("Bus Error", "Bus Error", "Crash", "critical", r"Bus error|SIGBUS"),
    _p("Core Dumped", "Core Dump", "Crash", "critical", r"core dumped"),
    _p("Process Killed", "Killed", "Crash", "critical",
       r"\bKilled\b|killed by signal|SIGKILL"),
    _p("Rust Panic", "Panic", "Crash", "critical", r"thread '.*' panicked at"),
    _p("Python Import Error", "ImportError", "Python", "error",
       r"\b(?:ModuleNotFoundError|ImportError)\b"),
    _p("Python Traceback", "Traceback", "Python", "error",
       r"Traceback \(most recent call last\)"),
    _p("No Space Left on Device", "No Space", "File system", "critical",
       CI + r"no space left on device|ENOSPC"),
    _p("Disk Quota Exceeded", "Quota", "File system", "critical",
       CI + r"disk quota exceeded|EDQUOT"),
    _p("Read-only File System", "Read-only FS", "File system", "error",
       CI + r"read-only file system"),
    _p("Permission Denied", "Permission Denied", "File system", "error",
       CI + r"permission denied|EACCES"),
    _p("Command Not Found", "Command Not Found", "Shell", "error",
       r"command not found|: not found$"),
    _p("File Not Found", "File Not Found", "File system", "error",
       r"No such file or directory"),
    _p("Connection Refused", "Connection Refused", "Network", "error",
       CI + r"connection refused|ECONNREFUSED"),
    _p("Connection Timed Out", "Connection Timeout", "Network", "error",
       CI + r"connection timed out|ETIMEDOUT"),
    _p("Network Unreachable", "Network Unreachable", "Network", "error",
       CI + r"network is unreachable|no route to host"),
    # after the specific ones: "OSError: ... No space left on device" is a full disk
    _p("Python Exception", "Exception", "Python", "error",
       r"^(?:[A-Za-z_][\w]*\.)*(?P<name>\w+Error|\w*Exception)(?::|$)"),
    _p("Job Failed", "Job Failed", "Job", "error",
       r"job_id=\d+ (?:failed|pending_failed|terminated) \(return code|status=failed"),
    _p("Non-zero Exit", "Non-zero Exit", "Job", "error",
       CI + r"exit(?:ed)? (?:with )?(?:code|status) [1-9]|non-zero exit|"
       r"return_code=(?:[1-9]|-\d)"),
    _p("Logged Error", "Logged Error", "Other", "warning", r"\b(?:ERROR|CRITICAL|FATAL)\b"),
)  # fmt: skip


RETRY_NOTICES = re.compile(
    # the runner, when a failure handler retries a job (torc.runner.engine)
    r"\bjob_id=\d+ exit code -?\d+: retrying \(attempt \d+ of \d+\)"
    # the client transport, before each new attempt to reach the server (torc.api.base)
    r"|\b(?:GET|POST|PUT|PATCH|DELETE) /\S* failed \(.*\); retrying in \d+(?:\.\d+)? s$"
)


class AnalysisError(Exception):
    """The path is missing, not a log directory or tarball, or holds several workflows."""


@dataclass
class Finding:
    file: str
    line: int
    severity: str
    type: str
    category: str
    text: str
    short: str = field(repr=False)


@dataclass
class Analysis:
    path: str
    workflow_id: int | None
    files_scanned: int
    findings: list[Finding]
    omitted: dict[str, int]
    """Findings left out per file beyond :data:`MAX_FINDINGS_PER_FILE`."""
    bundle: dict[str, Any] | None = None
    """The bundle's metadata, when analyzing a bundle."""

    @property
    def files_with_errors(self) -> list[str]:
        return list(dict.fromkeys(f.file for f in self.findings))

    @property
    def error_types(self) -> list[str]:
        return list(dict.fromkeys(f.short for f in self.findings))

    def to_json(self) -> dict[str, Any]:
        bundle = self.bundle or {}
        return {
            "path": self.path,
            "workflow_id": self.workflow_id,
            "bundle": {k: bundle.get(k) for k in ("workflow_id", "collected_at", "hostname")}
            if self.bundle
            else None,
            "files_scanned": self.files_scanned,
            "files_with_errors": len(self.files_with_errors),
            "error_types": self.error_types,
            "findings": [{k: v for k, v in vars(f).items() if k != "short"} for f in self.findings],
            "omitted": self.omitted,
        }


def classify(line: str) -> tuple[Pattern, str] | None:
    """The first pattern matching ``line`` and the short name of what it found."""
    if RETRY_NOTICES.search(line):
        return None
    for pattern in PATTERNS:
        if match := pattern.regex.search(line):
            return pattern, match.groupdict().get("name") or pattern.short
    return None


def scan(
    name: str, lines: Iterable[str], keep: Callable[[str], bool] | None = None
) -> tuple[list[Finding], int]:
    """Findings in one file (at most :data:`MAX_FINDINGS_PER_FILE`) and how many more;
    with ``keep``, only in the lines it accepts (line numbers still count every line)."""
    findings: list[Finding] = []
    extra = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        classified = classify(line) if keep is None or keep(line) else None
        if classified is None:
            continue
        pattern, short = classified
        if len(findings) >= MAX_FINDINGS_PER_FILE:
            extra += 1
            continue
        text = line.strip()
        text = text if len(text) <= MAX_LINE else text[: MAX_LINE - 3] + "..."
        findings.append(
            Finding(name, number, pattern.severity, pattern.type, pattern.category, text, short)
        )
    return findings, extra


def _text(stream: IO[bytes]) -> io.TextIOWrapper:
    """Logs are mostly UTF-8 but a job may print anything: never fail on a byte."""
    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")


def _directory_files(directory: Path, workflow_id: int | None) -> tuple[int, list[Path]]:
    files = [f for f in log_files(directory) if not ENV_LOG.fullmatch(f.name)]
    found = sorted({wf for f in files if (wf := workflow_of(f.name)) is not None})
    if not found:
        raise AnalysisError(f"no torc log files in {directory}")
    if workflow_id is None:
        if len(found) > 1:
            listed = ", ".join(map(str, found))
            raise AnalysisError(
                f"{directory} holds logs of workflows {listed}; choose one with --workflow-id"
            )
        workflow_id = found[0]
    return workflow_id, [f for f in files if workflow_of(f.name) == workflow_id]


def _tar_members(
    tar: tarfile.TarFile, workflow_id: int | None
) -> Iterator[tuple[str, tarfile.TarInfo]]:
    for member in tar:
        base = member.name.rsplit("/", 1)[-1]
        if not member.isfile() or ENV_LOG.fullmatch(base):
            continue
        owner = workflow_of(base)
        if owner is None or (workflow_id is not None and owner != workflow_id):
            continue
        yield member.name, member


def analyze(path: Path, workflow_id: int | None = None) -> Analysis:
    """Scan a log directory (the output directory or an extracted bundle) or a tarball."""
    if not path.exists():
        raise AnalysisError(f"{path} does not exist")
    findings: list[Finding] = []
    omitted: dict[str, int] = {}
    scanned = 0
    bundle: dict[str, Any] | None = None

    def record(name: str, lines: Iterable[str]) -> None:
        nonlocal scanned
        found, extra = scan(name, lines)
        scanned += 1
        findings.extend(found)
        if extra:
            omitted[name] = extra

    if path.is_dir():
        workflow_id, files = _directory_files(path, workflow_id)
        for file in files:
            try:
                with file.open("rb") as stream:
                    record(str(file), _text(stream))
            except OSError as exc:
                raise AnalysisError(f"cannot read {file}: {exc.strerror or exc}") from None
        return Analysis(str(path), workflow_id, scanned, findings, omitted)
    if not tarfile.is_tarfile(path):
        raise AnalysisError(f"{path} is neither a log directory nor a tar archive")
    try:
        with tarfile.open(path, "r:*") as tar:
            for name, member in _tar_members(tar, workflow_id):
                content = tar.extractfile(member)
                if content is not None:
                    record(name, _text(content))
            metadata = next((m for m in tar.getmembers() if m.name.endswith(METADATA_NAME)), None)
            if metadata is not None and (raw := tar.extractfile(metadata)) is not None:
                bundle = json.load(raw)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise AnalysisError(f"cannot read {path}: {exc}") from None
    if workflow_id is None and bundle is not None:
        workflow_id = bundle.get("workflow_id")
    return Analysis(str(path), workflow_id, scanned, findings, omitted, bundle)
