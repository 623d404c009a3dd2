"""A no-op workflow over real Slurm allocations against the same jobs under ``torc run``.

N ``echo <i>`` jobs run twice on the test cluster of scripts/slurm (started here with
``SLURM_TEST_CPUS`` so that several one-CPU allocations fit at once). First through
``torc workflows run`` on this machine (all its cores), the limit. Then through ``torc
slurm schedule-nodes -n K``: K single-CPU allocations on the same cores, each with its
own ``torc-slurm-job-runner``. Both are timed from the command's start to the workflow's
end, against one server. Beside the ratio: the time from submission to the first job
running, and from the last job's end to the last allocation's end (an idle allocation
must leave after ``compute_node_wait_for_new_jobs_seconds``). Appends to
bench/results/slurm.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.bench_throughput import TORC
from bench.common import record, server, table, user_env
from torc.api import TorcApi

ROOT = Path(__file__).resolve().parent.parent
IDLE_EXIT = 5


def spec(count: int, account: str) -> str:
    return (
        f"name: noop\ncompute_node_wait_for_new_jobs_seconds: {IDLE_EXIT}\n"
        "resource_monitor:\n  enabled: false\njobs:\n"
        "  - name: job{i}\n    command: echo {i}\n"
        f'    parameters:\n      i: "1:{count}"\n'
        f'slurm_schedulers:\n  - name: workers\n    account: {account}\n    walltime: "00:30:00"\n'
    )


def torc(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TORC, "--url", url, *args], cwd=cwd, env=user_env(), capture_output=True, text=True,
        check=True,
    )  # fmt: skip


def created(url: str, cwd: Path, spec_file: Path) -> int:
    workflow_id = int(json.loads(torc(url, cwd, "-f", "json", "workflows", "create",
                                      str(spec_file)).stdout)["id"])  # fmt: skip
    torc(url, cwd, "workflows", "initialize", str(workflow_id))
    return workflow_id


def wait_complete(api: TorcApi, workflow_id: int) -> None:
    while not api.is_workflow_complete(workflow_id).is_complete:
        time.sleep(0.2)


def job_times(api: TorcApi, workflow_id: int) -> tuple[float, float]:
    """The first job's start and the last job's end (Unix time), from the results."""
    results = api.list_results(workflow_id).items
    ends = [datetime.fromisoformat(r.completion_time).timestamp() for r in results]
    starts = [end - r.exec_time_minutes * 60 for end, r in zip(ends, results, strict=True)]
    return min(starts), max(ends)


def allocation_end(job_id: int) -> float:
    """When Slurm ended an allocation, waiting for it to end."""
    while True:
        shown = subprocess.run(
            ["sacct", "-n", "-X", "-P", "-j", str(job_id), "-o", "State,End"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        if shown and "|" in shown[0]:
            state, end = shown[0].split("|", 1)
            if state in ("COMPLETED", "CANCELLED", "TIMEOUT", "FAILED") and end != "Unknown":
                return datetime.fromisoformat(end).timestamp()
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--allocations", type=int, default=4)
    args = parser.parse_args()
    knobs = {**os.environ, "SLURM_TEST_CPUS": str(max(args.allocations, os.cpu_count() or 1))}
    subprocess.run([str(ROOT / "scripts" / "slurm" / "start-slurm.sh")], env=knobs, check=True,
                   capture_output=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, server() as (url, _):
        work = Path(tmp)
        spec_file = work / "noop.yaml"
        spec_file.write_text(spec(args.jobs, "test"))
        api = TorcApi(url)
        local = created(url, work, spec_file)
        started = time.perf_counter()
        torc(url, work, "workflows", "run", str(local), "-p", "1")
        local_rate = args.jobs / (time.perf_counter() - started)
        remote = created(url, work, spec_file)
        submitted_at = time.time()
        started = time.perf_counter()
        torc(url, work, "slurm", "schedule-nodes", str(remote), "-n", str(args.allocations),
             "-p", "1")  # fmt: skip
        wait_complete(api, remote)
        slurm_rate = args.jobs / (time.perf_counter() - started)
        first_start, last_end = job_times(api, remote)
        ends = [allocation_end(a.scheduler_id) for a in
                api.list_scheduled_compute_nodes(remote).items]  # fmt: skip
    figures = {
        "jobs": args.jobs,
        "allocations": args.allocations,
        "torc_run_jobs_per_s": local_rate,
        "slurm_jobs_per_s": slurm_rate,
        "ratio": slurm_rate / local_rate,
        "submit_to_first_job_s": first_start - submitted_at,
        "last_job_to_last_allocation_end_s": max(ends) - last_end,
        "idle_exit_s": IDLE_EXIT,
    }
    print(table([
        ("torc workflows run on this machine", f"{local_rate:.0f} jobs/s"),
        (f"{args.allocations} one-CPU Slurm allocations", f"{slurm_rate:.0f} jobs/s"),
        ("Slurm / local", f"{figures['ratio']:.2f}"),
        ("submission to first job running", f"{figures['submit_to_first_job_s']:.1f} s"),
        ("last job's end to last allocation's end",
         f"{figures['last_job_to_last_allocation_end_s']:.1f} s (idle exit {IDLE_EXIT} s)"),
    ]))  # fmt: skip
    record("slurm", figures)


if __name__ == "__main__":
    main()
