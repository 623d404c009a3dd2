"""``torc slurm sacct``, ``torc slurm parse-logs`` and the Slurm log paths of ``torc
reports results`` on real allocations.

One workflow runs in one allocation with ``--job-steps`` (each job its own step, named
after it): ``work`` and ``fine`` succeed, ``hog`` holds ~300 MB under a 50 MB limit.
This cluster enforces memory by polling (``OverMemoryKill``, every 5 s), so ``hog`` keeps
its memory for 10 s: its step ends CANCELLED by signal 9 (not OUT_OF_MEMORY as on a cgroup
cluster), slurmstepd writes ``StepId=J.0 exceeded memory limit (... > 52428800), being
killed`` into the job's stderr and ``Exceeded job memory limit`` into the allocation's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.slurm.test_allocations import (
    allocations,
    server,  # noqa: F401  (the fixture)
    torc,
    wait_for_allocations_to_end,
    wait_until_complete,
)
from tests.slurm_cluster import SlurmCluster

pytestmark = pytest.mark.slurm
DROPPED_ENV = ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")

HOG = 'python3 -c "import time; held = [bytearray(30 * 2**20) for _ in range(10)]; time.sleep(10)"'
WORK = 'python3 -c "import time; x = bytearray(20 * 2**20); time.sleep(6)"'
"""Long enough for Slurm to sample its memory: a step of 2 s has no Max RSS here."""


def spec(account: str) -> str:
    return f"""\
name: accounted
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: work
    command: {WORK}
    resource_requirements: {{num_cpus: 1, memory: 100m, runtime: PT5M}}
  - name: hog
    command: {HOG}
    resource_requirements: {{num_cpus: 1, memory: 50m, runtime: PT5M}}
  - name: fine
    command: echo fine
    resource_requirements: {{num_cpus: 1, memory: 50m, runtime: PT5M}}
slurm_schedulers:
  - name: workers
    account: {account}
    walltime: "00:10:00"
"""


@dataclass
class Run:
    server: ServerProcess
    root: Path
    workflow_id: int
    slurm_job_id: str
    job_ids: dict[str, int]

    def invoke(self, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
        """``torc --url URL ARGS`` with tables at their natural width (the session's
        COLUMNS=80 would wrap them)."""
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        return subprocess.run(
            ["torc", "--url", self.server.url, *args], cwd=self.root, capture_output=True,
            text=True, timeout=120, env={**env, "PATH": path or env["PATH"]},
        )  # fmt: skip

    def torc(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = self.invoke(*args)
        assert result.returncode == 0, f"torc {' '.join(args)}: {result.stdout}{result.stderr}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.torc("-f", "json", *args).stdout)

    def fails(self, *args: str, path: str | None = None) -> str:
        """The one-line error of a command that must fail with exit code 1."""
        result = self.invoke(*args, path=path)
        assert result.returncode == 1, result
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result
        return result.stderr.strip()


def run_in_allocation(process: ServerProcess, root: Path, text: str, *flags: str) -> Run:
    (root / "spec.yaml").write_text(text)
    created = json.loads(
        torc(process, root, "-f", "json", "workflows", "create", "spec.yaml").stdout
    )
    workflow_id = int(created["id"])
    torc(process, root, "workflows", "initialize", str(workflow_id))
    torc(process, root, "slurm", "schedule-nodes", str(workflow_id), "-p", "1", *flags)
    api = process.api()
    wait_until_complete(api, workflow_id)
    wait_for_allocations_to_end(api, workflow_id)  # and sacct holds the complete record
    (record,) = allocations(api, workflow_id)
    jobs = {j.name: j.id or 0 for j in api.list_jobs(workflow_id).items}
    return Run(process, root, workflow_id, str(record.scheduler_id), jobs)


@pytest.fixture(scope="module")
def run(slurm_cluster: SlurmCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("accounting")
    process = ServerProcess(root / "torc.db", "--completion-check-interval-secs", "0.5")
    try:
        yield run_in_allocation(process, root, spec(slurm_cluster.account), "--job-steps")
    finally:
        process.stop()


def test_sacct_shows_the_batch_step_and_one_step_per_job(run: Run) -> None:
    text = run.torc("slurm", "sacct", str(run.workflow_id)).stdout
    lines = text.splitlines()
    assert lines[0] == f"Slurm Accounting Summary for Workflow {run.workflow_id}"
    header = next(line for line in lines if "Slurm Job" in line)
    for column in ("Job Step", "State", "Exit Code", "Elapsed", "Max RSS", "CPU Time", "Nodes"):
        assert column in header
    assert "Total: 4 job steps" in lines
    rows = {cells[2]: cells for line in lines if (cells := line.split("│")) and len(cells) > 8}
    assert {"batch", "work", "hog", "fine"} <= {name.strip() for name in rows}
    report = run.json("slurm", "sacct", str(run.workflow_id))
    steps = {s["name"]: s for s in report["steps"]}
    assert sorted(steps) == ["batch", "fine", "hog", "work"] and report["total_steps"] == 4
    assert {s["slurm_job_id"] for s in report["steps"]} == {run.slurm_job_id}
    assert steps["batch"]["step_id"] == "batch" and steps["work"]["step_id"].isdigit()
    assert steps["work"]["state"] == steps["fine"]["state"] == "COMPLETED"
    assert steps["work"]["exit_code"] == 0 and steps["work"]["nodes"]
    assert steps["work"]["torc_job_id"] == run.job_ids["work"]
    assert steps["work"]["max_rss_bytes"] > 20 * 2**20  # its 20 MB buffer


def test_sacct_records_slurm_stats_once(run: Run) -> None:
    api = run.server.api()
    run.json("slurm", "sacct", str(run.workflow_id))
    stats = api.list_slurm_stats(run.workflow_id).items
    assert sorted(s.job_id for s in stats) == sorted(run.job_ids.values())  # one per job
    assert {s.slurm_job_id for s in stats} == {run.slurm_job_id}
    by_job = {s.job_id: s for s in stats}
    assert (by_job[run.job_ids["work"]].max_rss_bytes or 0) > 20 * 2**20
    assert by_job[run.job_ids["work"]].node_list
    again = run.json("slurm", "sacct", str(run.workflow_id))
    assert again["stats_recorded"] == 0
    assert len(api.list_slurm_stats(run.workflow_id).items) == len(stats)


def test_sacct_save_json(run: Run) -> None:
    saved = run.root / "saved"
    report = run.json("slurm", "sacct", str(run.workflow_id), "--save-json", "-o", str(saved))
    path = saved / f"sacct_{run.slurm_job_id}.json"
    assert report["saved_files"] == [str(path)]
    (job,) = json.loads(path.read_text())["jobs"]
    assert str(job["job_id"]) == run.slurm_job_id
    assert all("requested" in step["tres"] for step in job["steps"])  # the manual's jq path
    text = run.torc("slurm", "sacct", str(run.workflow_id), "--save-json", "-o", str(saved))
    assert f"Saved {path}" in text.stdout


def test_sacct_reports_the_job_that_ran_out_of_memory(run: Run) -> None:
    report = run.json("slurm", "sacct", str(run.workflow_id))
    hog = next(s for s in report["steps"] if s["name"] == "hog")
    assert hog["out_of_memory"] and hog["signal"] == 9 and hog["state"] == "CANCELLED"
    assert hog["max_rss_bytes"] > hog["memory_limit_bytes"] == 50 * 2**20
    assert [s["name"] for s in report["steps"] if s["out_of_memory"]] == ["hog"]
    text = run.torc("slurm", "sacct", str(run.workflow_id)).stdout
    assert f"Out of memory: step hog of Slurm job {run.slurm_job_id} peaked at" in text
    assert "signal 9 (SIGKILL)" in text


def test_parse_logs_names_the_job_that_ran_out_of_memory(run: Run) -> None:
    report = run.json("slurm", "parse-logs", str(run.workflow_id))
    hog = {"job_id": run.job_ids["hog"], "job_name": "hog"}
    memory = [e for e in report["errors"] if e["category"] == "Memory"]
    assert memory and all(e["affected_jobs"] == [hog] for e in memory)
    assert {e["pattern"] for e in memory} == {"Memory Limit Exceeded"}
    assert {e["severity"] for e in memory} == {"critical"}
    assert {e["slurm_job_id"] for e in report["errors"]} == {run.slurm_job_id}
    files = {e["file"] for e in memory}
    stderr = f"job_stdio/job_wf{run.workflow_id}_j{run.job_ids['hog']}_r1_a1.e"
    assert {f"slurm_output_wf{run.workflow_id}_sl{run.slurm_job_id}.e", stderr} <= files
    step = next(e for e in memory if e["file"] == stderr)
    assert "exceeded memory limit" in step["text"] and "> 52428800" in step["text"]
    lines = (run.root / "output" / stderr).read_text().splitlines()
    assert "exceeded memory limit" in lines[step["line"] - 1]
    affected = {j["job_name"] for e in report["errors"] for j in e["affected_jobs"]}
    assert affected == {"hog"}  # work and fine went well
    text = run.torc("slurm", "parse-logs", str(run.workflow_id)).stdout.splitlines()
    assert text[:3] == [
        "Slurm Log Analysis Results",
        "==========================",
        f"Found {report['total_errors']} error(s) in log files:",
    ]
    row = next(line for line in text if stderr in line and "Memory Limit Exceeded" in line)
    assert "critical" in row and f"hog (ID: {run.job_ids['hog']})" in row


def test_reports_results_shows_the_slurm_logs(run: Run) -> None:
    result = run.torc("reports", "results", str(run.workflow_id))
    assert "does not exist" not in result.stderr
    records = {r["job_name"]: r for r in json.loads(result.stdout)["results"]}
    w, sl = run.workflow_id, run.slurm_job_id
    for name, record in records.items():
        assert record["compute_node_type"] == "slurm", name
        assert record["slurm_stdout"] == f"output/slurm_output_wf{w}_sl{sl}.o"
        assert record["slurm_stderr"] == f"output/slurm_output_wf{w}_sl{sl}.e"
        for key in ("job_runner_log", "slurm_env_log"):
            assert Path(record[key]).name.startswith(
                {"job_runner_log": "job_runner_slurm", "slurm_env_log": "slurm_env"}[key]
                + f"_wf{w}_sl{sl}_n0_pid"
            )
        for key in ("job_stdout", "job_stderr", "job_runner_log", "slurm_stdout",
                    "slurm_stderr", "slurm_env_log", "dmesg_log"):  # fmt: skip
            assert (run.root / record[key]).is_file(), (name, key)  # hog failed: dmesg kept
    runner_log = (run.root / records["hog"]["job_runner_log"]).read_text()
    assert f"job_id={run.job_ids['hog']} failed" in runner_log


def test_commands_say_what_to_fix(run: Run) -> None:
    w = str(run.workflow_id)
    missing = run.fails("slurm", "parse-logs", w, "-o", "nowhere")
    assert "output directory nowhere does not exist" in missing and "--output-dir" in missing
    no_sacct = run.fails("slurm", "sacct", w, path=str(Path(sys.executable).parent))
    assert "sacct is not on PATH" in no_sacct
    other = run.json("workflows", "new", "--name", "never_scheduled")["id"]
    none = run.fails("slurm", "sacct", str(other))
    assert f"workflow {other} has no Slurm allocations" in none and "schedule-nodes" in none
    empty = run.fails("slurm", "parse-logs", str(other))
    assert f"no Slurm log files of workflow {other}" in empty


def test_without_job_steps_stats_name_the_allocation_only(
    server: ServerProcess,  # noqa: F811
    slurm_cluster: SlurmCluster,
    tmp_path: Path,
) -> None:
    text = f"""\
name: batch_only
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: one
    command: {WORK}
slurm_schedulers:
  - name: workers
    account: {slurm_cluster.account}
    walltime: "00:10:00"
"""
    plain = run_in_allocation(server, tmp_path, text)
    report = plain.json("slurm", "sacct", str(plain.workflow_id))
    assert [s["name"] for s in report["steps"]] == ["batch"]  # the job ran inside it
    assert report["steps"][0]["state"] == "COMPLETED" and report["stats_recorded"] == 1
    (stats,) = server.api().list_slurm_stats(plain.workflow_id).items
    assert stats.job_id == plain.job_ids["one"] and stats.slurm_job_id == plain.slurm_job_id
    assert stats.node_list and stats.max_rss_bytes is None  # the batch step is not the job's
    assert plain.json("slurm", "sacct", str(plain.workflow_id))["stats_recorded"] == 0
