"""API latency with 100,000 jobs in the database, on SQLite and PostgreSQL.

One workflow of --jobs ready jobs (bulk-created and initialized), then single requests
timed through ``TorcApi``, the client a job runner uses: claim_next_jobs and
claim_jobs_based_on_resources (one machine's worth of jobs each), complete_job (on jobs
claimed and started as a runner does) and list_jobs (pages of 10,000 at spread offsets).
Prints p50/p99/max per operation (medians over --runs) and appends the figures to
bench/results/api_latency.jsonl.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torc_models as m
from bench.common import record, server
from tests.postgres import PostgresServer
from torc.api import TorcApi

BATCH = 10_000
PAGE = 10_000
SAMPLES = 300
PAGE_SAMPLES = 20
CLAIM = 8
"""Jobs per claim: what a runner with 8 CPUs asks for."""
NODE = m.ComputeNodesResources(num_cpus=CLAIM, memory_gb=2 * CLAIM, num_gpus=0, num_nodes=1)
OPERATIONS = ("claim_next_jobs", "claim_jobs_based_on_resources", "complete_job", "list_jobs")


def populate(api: TorcApi, count: int) -> int:
    """One workflow of ``count`` independent jobs, each needing 1 CPU and 1 GiB."""
    workflow_id = api.create_workflow(m.WorkflowModel(name="api_latency", user="bench")).id
    assert workflow_id is not None
    requirement = m.ResourceRequirementsModel(
        workflow_id=workflow_id, name="small", num_cpus=1, memory="1g", runtime="PT10M"
    )
    rr_id = api.create_resource_requirements(requirement).id
    for start in range(0, count, BATCH):
        jobs = [
            m.JobModel(
                workflow_id=workflow_id,
                name=f"job{i:06d}",
                command="true",
                resource_requirements_id=rr_id,
            )
            for i in range(start, min(count, start + BATCH))
        ]
        api.create_jobs(m.JobsModel(jobs=jobs))
    api.initialize_jobs(workflow_id)
    return workflow_id


def timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Milliseconds of one client call, and its reply."""
    started = time.perf_counter()
    value = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, value


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "samples": len(samples),
        "p50_ms": statistics.median(samples),
        "p99_ms": statistics.quantiles(samples, n=100, method="inclusive")[98],
        "max_ms": max(samples),
    }


def measure(api: TorcApi, workflow_id: int, count: int) -> dict[str, list[float]]:
    """Milliseconds per request, by operation, following a runner's lifecycle."""
    node = api.create_compute_node(
        m.ComputeNodeModel(
            workflow_id=workflow_id,
            hostname="bench",
            pid=1,
            start_time="2026-01-01T00:00:00Z",
            is_active=True,
            num_cpus=NODE.num_cpus,
            memory_gb=NODE.memory_gb,
            num_gpus=0,
            num_nodes=1,
            compute_node_type="local",
        )
    )
    assert node.id is not None
    resources = NODE.model_copy(update={"id": node.id})
    run_id = api.get_workflow_status(workflow_id).run_id
    times: dict[str, list[float]] = {name: [] for name in OPERATIONS}
    claimed: list[m.JobModel] = []
    for _ in range(SAMPLES):
        ms, reply = timed(api.claim_next_jobs, workflow_id, limit=CLAIM)
        times["claim_next_jobs"].append(ms)
        claimed += reply.jobs or []
    for _ in range(SAMPLES):
        ms, _ = timed(api.claim_jobs_based_on_resources, workflow_id, CLAIM, resources)
        times["claim_jobs_based_on_resources"].append(ms)
    for job in claimed[:SAMPLES]:
        assert job.id is not None
        api.start_job(job.id, run_id, node.id)
        result = m.ResultModel(
            job_id=job.id,
            workflow_id=workflow_id,
            run_id=run_id,
            return_code=0,
            status=m.JobStatus.completed,
            exec_time_minutes=0.01,
            completion_time="2026-01-01T00:00:01Z",
            compute_node_id=node.id,
        )
        ms, _ = timed(api.complete_job, job.id, m.JobStatus.completed, run_id, result)
        times["complete_job"].append(ms)
    last = max(count - PAGE, 0)
    for i in range(PAGE_SAMPLES):
        offset = last * i // max(PAGE_SAMPLES - 1, 1)
        ms, page = timed(api.list_jobs, workflow_id, offset=offset, limit=PAGE)
        assert len(page.items) == min(PAGE, count - offset)
        times["list_jobs"].append(ms)
    return times


def one_run(database: str | None, count: int) -> dict[str, Any]:
    with server(database=database) as (url, _):
        api = TorcApi(url, timeout=600)
        started = time.perf_counter()
        workflow_id = populate(api, count)
        populated = time.perf_counter() - started
        times = measure(api, workflow_id, count)
        api.close()
    return {"populate_s": populated, **{name: summary(times[name]) for name in OPERATIONS}}


@contextmanager
def databases(backends: list[str]) -> Iterator[Callable[[str], str | None]]:
    """A fresh database per run: SQLite files are the server's own; PostgreSQL databases
    live in one private server for the whole benchmark."""
    if "postgresql" not in backends:
        yield lambda backend: None
        return
    root = Path(tempfile.mkdtemp(prefix="torc-bench-postgres-"))
    postgres = PostgresServer(root)
    try:
        yield lambda backend: postgres.new_database() if backend == "postgresql" else None
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"populate_s": statistics.median(r["populate_s"] for r in runs)}
    for name in OPERATIONS:
        result[name] = {key: statistics.median(r[name][key] for r in runs) for key in runs[0][name]}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {backend: [] for backend in args.backends}
    with databases(args.backends) as database:
        for _ in range(args.runs):  # interleaved, so load drifts hit both backends alike
            for backend in args.backends:
                runs[backend].append(one_run(database(backend), args.jobs))
    median = {backend: medians(values) for backend, values in runs.items()}
    print(f"\n{args.jobs:,} jobs, medians of {args.runs} runs (claims of {CLAIM} jobs)")
    header = f"{'backend':<11} {'operation':<30} {'samples':>7} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{header} {'max ms':>8}")
    for backend, figures in median.items():
        for name in OPERATIONS:
            row = figures[name]
            print(
                f"{backend:<11} {name:<30} {row['samples']:>7.0f} {row['p50_ms']:>8.1f} "
                f"{row['p99_ms']:>8.1f} {row['max_ms']:>8.1f}"
            )
        print(
            f"{backend:<11} {'populate (create + initialize)':<30} {figures['populate_s']:>34.1f} s"
        )
    record(
        "api_latency",
        {"jobs": args.jobs, "claim": CLAIM, "page": PAGE, "runs": runs, "median": median},
    )


if __name__ == "__main__":
    main()
