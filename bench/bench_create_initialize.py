"""Create seed 004's 100,004-job barrier workflow through the API, then initialize it.

Budget on a 2-core machine: creation + initialization under 30 s. Prints a table (medians
over --runs) and appends the figures to bench/results/create_initialize.jsonl.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torc_models as m
from bench.common import record, server, table
from torc.api import TorcApi

ROUNDS, PER_ROUND, BATCH = 4, 25_000, 10_000


def create(api: TorcApi, per_round: int) -> int:
    """4 rounds of ``per_round`` jobs, each round behind a barrier job (seed 004)."""
    workflow_id = api.create_workflow(m.WorkflowModel(name="scale_test", user="bench")).id
    assert workflow_id is not None
    barrier: int | None = None
    for round_number in range(1, ROUNDS + 1):
        ids: list[int] = []
        for start in range(0, per_round, BATCH):
            jobs = [
                m.JobModel(
                    workflow_id=workflow_id,
                    name=f"r{round_number}_job{i:05d}",
                    command="echo",
                    depends_on_job_ids=[barrier] if barrier else None,
                )
                for i in range(start, min(per_round, start + BATCH))
            ]
            ids += [job.id for job in api.create_jobs(m.JobsModel(jobs=jobs)).jobs or [] if job.id]
        final = m.JobModel(
            workflow_id=workflow_id,
            name=f"barrier_r{round_number}",
            command="echo",
            depends_on_job_ids=ids,
        )
        barrier = api.create_job(final).id
    return workflow_id


def one_run(per_round: int) -> dict[str, float]:
    with server() as (url, proc):
        api = TorcApi(url, timeout=600)
        started = time.perf_counter()
        workflow_id = create(api, per_round)
        created = time.perf_counter()
        api.initialize_jobs(workflow_id)
        initialized = time.perf_counter()
        database = Path(proc.cmdline()[proc.cmdline().index("--database") + 1])
        return {
            "create_s": created - started,
            "initialize_s": initialized - created,
            "total_s": initialized - started,
            "server_rss_mib": proc.memory_info().rss / 2**20,
            "database_mib": sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))
            / 2**20,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-round", type=int, default=PER_ROUND)
    args = parser.parse_args()
    runs = [one_run(args.per_round) for _ in range(args.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    jobs = ROUNDS * args.per_round + ROUNDS
    print(f"\n{jobs:,} jobs, medians of {args.runs} runs (budget: create + initialize < 30 s)")
    print(
        table(
            [
                ("create workflow + jobs", f"{median['create_s']:.1f} s"),
                ("initialize_jobs", f"{median['initialize_s']:.1f} s"),
                ("create + initialize", f"{median['total_s']:.1f} s"),
                ("server RSS", f"{median['server_rss_mib']:.0f} MiB"),
                ("database size", f"{median['database_mib']:.0f} MiB"),
            ]
        )
    )
    record("create_initialize", {"jobs": jobs, "runs": runs, "median": median})


if __name__ == "__main__":
    main()
