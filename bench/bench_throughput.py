"""No-op job throughput: torc against the machine's own fork/exec limit, in the same run.

Workloads: N flat jobs, and 4 stages of N/4 jobs with a barrier job after each stage
(seed 004's shape). Every job is ``echo <i>`` run through bash, two at a time. The limit
is a plain Python loop (two threads) running the same commands with ``subprocess``; torc
runs them through a private server (SQLite, every state change committed) and one job
runner. Prints medians of --runs and appends them to bench/results/throughput.jsonl.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torc_models as m
from bench.common import record, server, table
from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions
from torc.runner.process import SHELL

SLOTS = 2


def baseline(count: int) -> float:
    """Jobs/s of plain fork/exec of the same commands, SLOTS at a time, output captured."""

    def one(i: int) -> None:
        subprocess.run([SHELL, "-c", f"echo {i}"], capture_output=True, check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(SLOTS) as pool:
        list(pool.map(one, range(count)))
    return count / (time.perf_counter() - started)


def create(api: TorcApi, count: int, stages: int) -> int:
    workflow = api.create_workflow(
        m.WorkflowModel(
            name=f"throughput_{stages}", user="bench", resource_monitor_config='{"enabled": false}'
        )
    )
    assert workflow.id is not None
    barrier: int | None = None
    per_stage = count // stages
    for stage in range(stages):
        batch = [
            m.JobModel(
                workflow_id=workflow.id,
                name=f"s{stage}_{i}",
                command=f"echo {i}",
                depends_on_job_ids=[barrier] if barrier else None,
            )
            for i in range(per_stage)
        ]
        ids = [job.id for job in api.create_jobs(m.JobsModel(jobs=batch)).jobs or [] if job.id]
        if stages > 1:
            gate = m.JobModel(
                workflow_id=workflow.id,
                name=f"barrier_{stage}",
                command="true",
                depends_on_job_ids=ids,
            )
            barrier = api.create_job(gate).id
    api.initialize_jobs(workflow.id)
    return workflow.id


def torc_rate(count: int, stages: int, out: Path) -> float:
    """Work jobs per second from the runner's start to the workflow's completion."""
    with server() as (url, _):
        api = TorcApi(url, timeout=600)
        workflow_id = create(api, count, stages)
        options = RunnerOptions(output_dir=out, max_parallel_jobs=SLOTS, poll_interval=1.0)
        started = time.perf_counter()
        summary = JobRunner(api, workflow_id, options).run()
        elapsed = time.perf_counter() - started
        expected = count // stages * stages + (stages if stages > 1 else 0)
        assert summary.completed == expected, f"{summary.completed} of {expected} completed"
        return (count // stages * stages) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = {"limit": [], "flat": [], "barrier": []}  # type: dict[str, list[float]]
    # Job logs are kept until the end: deleting thousands of files just before the next
    # run makes ext4 slow to create new ones for a while, which would be measured too.
    with tempfile.TemporaryDirectory() as out:
        for run in range(args.runs):  # interleaved, so load drifts hit all three alike
            rows["limit"].append(baseline(args.jobs))
            rows["flat"].append(torc_rate(args.jobs, 1, Path(out) / f"flat{run}"))
            rows["barrier"].append(torc_rate(args.jobs, 4, Path(out) / f"barrier{run}"))
    median = {key: statistics.median(values) for key, values in rows.items()}
    limit = median["limit"]
    print(f"\n{args.jobs:,} no-op jobs, {SLOTS} at a time, medians of {args.runs} runs")
    print(
        table(
            [
                ("fork/exec limit (plain subprocess)", f"{limit:,.0f} jobs/s"),
                (
                    "torc flat",
                    f"{median['flat']:,.0f} jobs/s  ({median['flat'] / limit:.0%} of limit)",
                ),
                (
                    "torc 4 x barrier",
                    f"{median['barrier']:,.0f} jobs/s  ({median['barrier'] / limit:.0%} of limit)",
                ),
            ]
        )
    )
    record(
        "throughput",
        {
            "jobs": args.jobs,
            "slots": SLOTS,
            "runs": rows,
            "median": median,
            "ratio_flat": median["flat"] / limit,
            "ratio_barrier": median["barrier"] / limit,
        },
    )


if __name__ == "__main__":
    main()
