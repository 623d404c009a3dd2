"""``torc logs bundle`` and ``torc logs analyze`` on the logs of a real failed run."""

from __future__ import annotations

import json
import socket
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Torc
from tests.tools.conftest import one_line_error, run_workflow
from torc.api import TorcApi
from torc.logs.analysis import classify
from torc.logs.bundle import workflow_of

RAISE = "import sys; print('loading', file=sys.stderr); raise ValueError('boom')"
KILL_SELF = 'python3 -c "import os, signal; os.kill(os.getpid(), signal.SIGKILL)" || exit $?'
COMMANDS = {
    "fine": "echo all good",
    "crash": f'python3 -c "{RAISE}"',
    "killed": KILL_SELF,
    "typo": "echo about to run >&2; nonexistent_tool_xyz --flag",
}  # fmt: skip
SLURM_FILES = {  # what Slurm and the Slurm runner leave beside the job logs
    "slurm_output_wf{w}_sl4242.o": "node allocated\n",
    "slurm_output_wf{w}_sl4242.e": (
        "srun: starting\nslurmstepd: error: *** JOB 4242 ON n1 CANCELLED AT 2026-01-02T03:04:05 "
        "DUE TO TIME LIMIT ***\n"
    ),
    "slurm_env_wf{w}_sl4242_n0_pid77.log": "SLURM_JOB_ID=4242\nNOTE=Permission denied\n",
    "dmesg_slurm_wf{w}_sl4242_n0_pid77.log": (
        "[1.0] eth0 up\n[2.0] Out of memory: Killed process 991 (python3)\n"
    ),
}


@dataclass
class FailedRun:
    output: Path
    workflow_id: int
    job_ids: dict[str, int]
    other_workflow: int

    def stdio(self, job: str, suffix: str) -> str:
        return f"job_stdio/job_wf{self.workflow_id}_j{self.job_ids[job]}_r1_a1.{suffix}"

    def line_of(self, relative: str, text: str) -> int:
        lines = (self.output / relative).read_text().splitlines()
        return next(i for i, line in enumerate(lines, start=1) if text in line)


@pytest.fixture(scope="module")
def failed(api: TorcApi, tmp_path_factory: pytest.TempPathFactory) -> FailedRun:
    """One output directory, two workflows: one with failing jobs, one that went well."""
    output = tmp_path_factory.mktemp("run") / "output"
    workflow_id, job_ids = run_workflow(api, output, COMMANDS)
    other, _ = run_workflow(api, output, {"other": "echo other workflow"})
    for name, text in SLURM_FILES.items():
        (output / name.format(w=workflow_id)).write_text(text)
    (output / "slurm_output_wf99999_sl1.e").write_text("Segmentation fault\n")
    return FailedRun(output, workflow_id, job_ids, other)


def findings(report: dict[str, Any], prefix: str) -> set[tuple[str, int, str, str]]:
    """(file relative to the scanned root, line, severity, type) of every finding."""
    return {
        (f["file"].removeprefix(prefix), f["line"], f["severity"], f["type"])
        for f in report["findings"]
    }


def expected(run: FailedRun) -> set[tuple[str, int, str, str]]:
    crash, killed, typo = (run.stdio(j, "e") for j in ("crash", "killed", "typo"))
    runner = f"job_runner_{socket.gethostname()}_{run.workflow_id}_1.log"
    slurm = f"slurm_output_wf{run.workflow_id}_sl4242.e"
    dmesg = f"dmesg_slurm_wf{run.workflow_id}_sl4242_n0_pid77.log"
    found = {
        (crash, run.line_of(crash, "Traceback"), "error", "Python Traceback"),
        (crash, run.line_of(crash, "ValueError: boom"), "error", "Python Exception"),
        (killed, run.line_of(killed, "Killed"), "critical", "Process Killed"),
        (typo, run.line_of(typo, "command not found"), "error", "Command Not Found"),
        (slurm, 2, "critical", "Time Limit Exceeded"),
        (dmesg, 2, "critical", "Out of Memory (OOM) Kill"),
    }
    for job, code in (("crash", 1), ("killed", 137), ("typo", 127)):
        line = f"job_id={run.job_ids[job]} failed (return code {code})"
        found.add((runner, run.line_of(runner, line), "error", "Job Failed"))
    return found


def test_bundle_holds_the_workflow_logs(torc: Torc, failed: FailedRun, tmp_path: Path) -> None:
    w = failed.workflow_id
    report = torc.json(
        "logs", "bundle", str(w), "--output-dir", str(failed.output), "--bundle-dir", str(tmp_path)
    )
    bundle = tmp_path / f"wf{w}.tar.gz"
    assert report["bundle"] == str(bundle) and report["workflow_id"] == w
    stdio = {failed.stdio(job, s) for job in COMMANDS for s in ("o", "e")}
    logs = stdio | {f"job_runner_{socket.gethostname()}_{w}_1.log"}
    logs |= {name.format(w=w) for name in SLURM_FILES}
    assert {f["path"] for f in report["files"]} == logs
    with tarfile.open(bundle) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert set(members) == {f"wf{w}/{p}" for p in logs} | {f"wf{w}/bundle_metadata.json"}
        metadata_file = tar.extractfile(f"wf{w}/bundle_metadata.json")
        assert metadata_file is not None
        metadata = json.load(metadata_file)
        stdout = tar.extractfile(f"wf{w}/{failed.stdio('fine', 'o')}")
        assert stdout is not None and stdout.read() == b"all good\n"
    assert metadata["workflow_id"] == w and metadata["workflow"]["name"] == "tools"
    assert metadata["workflow"]["user"] == "tester"
    assert datetime.fromisoformat(metadata["collected_at"]).tzinfo is not None
    sizes = {f["path"]: f["size_bytes"] for f in metadata["files"]}
    assert sizes == {p: (failed.output / p).stat().st_size for p in logs}
    assert report["total_size_bytes"] == sum(sizes.values())
    text = torc("logs", "bundle", str(w), "-o", str(failed.output), "--bundle-dir", str(tmp_path))
    assert text.stdout.startswith(f"Created {bundle}: {len(logs)} log file(s)")


def test_analyze_directory(torc: Torc, failed: FailedRun) -> None:
    output = str(failed.output)
    error = one_line_error(torc("logs", "analyze", output, expect=1).stderr)
    workflows = sorted([failed.workflow_id, failed.other_workflow, 99999])
    assert error == (
        f"Error: {output} holds logs of workflows {', '.join(map(str, workflows))}; "
        "choose one with --workflow-id"
    )
    report = torc.json("logs", "analyze", output, "--workflow-id", str(failed.workflow_id))
    assert findings(report, output + "/") == expected(failed)
    assert report["workflow_id"] == failed.workflow_id
    assert report["files_scanned"] == 2 * len(COMMANDS) + 4  # runner log, 2 slurm, dmesg
    assert report["files_with_errors"] == 6
    assert set(report["error_types"]) == {
        "Traceback", "ValueError", "Killed", "Command Not Found", "Time Limit", "OOM Kill",
        "Job Failed",
    }  # fmt: skip
    clean = torc.json("logs", "analyze", output, "-w", str(failed.other_workflow))
    assert clean["findings"] == [] and clean["files_scanned"] == 3


def test_analyze_bundle_without_extracting(torc: Torc, failed: FailedRun, tmp_path: Path) -> None:
    w = failed.workflow_id
    torc("logs", "bundle", str(w), "-o", str(failed.output), "--bundle-dir", str(tmp_path))
    bundle = tmp_path / f"wf{w}.tar.gz"
    report = torc.json("logs", "analyze", str(bundle))
    assert findings(report, f"wf{w}/") == expected(failed)
    assert report["workflow_id"] == w and report["bundle"]["workflow_id"] == w
    assert sorted(p.name for p in tmp_path.iterdir()) == [bundle.name]  # nothing unpacked
    with tarfile.open(bundle) as tar:
        tar.extractall(tmp_path / "shared", filter="data")
    extracted = torc.json("logs", "analyze", str(tmp_path / "shared" / f"wf{w}"))
    assert findings(extracted, f"{tmp_path}/shared/wf{w}/") == expected(failed)


def test_analyze_report_text(torc: Torc, failed: FailedRun) -> None:
    crash = failed.stdio("crash", "e")
    text = torc("logs", "analyze", str(failed.output), "-w", str(failed.workflow_id)).stdout
    lines = text.splitlines()
    assert lines[:3] == [
        "Log Analysis Results",
        "====================",
        f"Analyzing: {failed.output}",
    ]
    at = lines.index(f"  {failed.output}/{crash}")
    line = failed.line_of(crash, "ValueError")
    assert lines[at + 4 : at + 7] == [
        f"    Line {line}: ValueError: boom",
        "    Severity: error",
        "    Type: Python Exception",
    ]
    assert "  Files with errors: 6" in lines and "Permission denied" not in text


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("slurmstepd: error: Detected 1 oom-kill event(s) in StepId=1.batch", "OOM Kill"),
        ("MemoryError: Unable to allocate 8.00 GiB", "MemoryError"),
        ("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB", "CUDA OOM"),
        ("terminate called after throwing an instance of 'std::bad_alloc'", "bad_alloc"),
        ("bash: line 1: 12 Segmentation fault (core dumped) ./solver", "Segfault"),
        ("OSError: [Errno 28] No space left on device", "No Space"),
        ("ModuleNotFoundError: No module named 'numpy'", "ImportError"),
        ("srun: error: n1: task 0: Exited with exit code 2", "Slurm Error"),
        ("requests.exceptions.ConnectionError: Connection refused", "Connection Refused"),
        ("cp: cannot create regular file 'x': Permission denied", "Permission Denied"),
        ("process exited with code 3", "Non-zero Exit"),
        ("json.decoder.JSONDecodeError: Expecting value: line 1", "JSONDecodeError"),
        ("Exception: something went wrong", "Exception"),
    ],
)
def test_patterns(line: str, kind: str) -> None:
    classified = classify(line)
    assert classified is not None and classified[1] == kind


@pytest.mark.parametrize("line", ["epoch 3 loss 0.12", "INFO job_id=3 completed (return code 0)"])
def test_ordinary_lines_are_not_errors(line: str) -> None:
    assert classify(line) is None


def test_log_names() -> None:
    assert workflow_of("job_wf12_j3_r1_a2.e") == 12
    assert workflow_of("job_wf12_j3_r1.o") == 12
    assert workflow_of("job_runner_node_7_12_3.log") == 12  # a hostname with underscores
    assert workflow_of("job_runner_slurm_wf5_sl99_n0_pid1.log") == 5
    assert workflow_of("slurm_env_wf5_sl99_n0_pid1.log") == 5
    assert workflow_of("results.log") is None and workflow_of("job_wf1_j2.txt") is None


def test_user_errors(torc: Torc, failed: FailedRun, tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    error = one_line_error(torc("logs", "analyze", str(missing), expect=1).stderr)
    assert error == f"Error: {missing} does not exist"
    (tmp_path / "notes.txt").write_text("hello\n")
    error = one_line_error(torc("logs", "analyze", str(tmp_path / "notes.txt"), expect=1).stderr)
    assert error == f"Error: {tmp_path / 'notes.txt'} is neither a log directory nor a tar archive"
    error = one_line_error(torc("logs", "analyze", str(tmp_path), expect=1).stderr)
    assert error == f"Error: no torc log files in {tmp_path}"
    error = one_line_error(torc("logs", "bundle", "987654", expect=1).stderr)
    assert error == "Error: workflow 987654 does not exist"
    w = str(failed.workflow_id)
    error = one_line_error(torc("logs", "bundle", w, "-o", str(missing), expect=1).stderr)
    assert error == f"Error: output directory {missing} does not exist"
