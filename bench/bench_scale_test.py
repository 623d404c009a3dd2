"""Seed 004's scale test: 4 rounds of 25,000 no-op jobs behind barrier jobs (100,004 jobs).

Runs the workflow through one server with N runner processes (``torc workflows run``,
default 16 as in the seed) and reports creation and initialization time, each round
transition (last job of round N finished -> first job of round N+1 started), total wall
time, the server's peak RSS, the database size and any "database is locked" errors.
Budgets on a 2-core machine: create + initialize < 30 s, transitions < 2 s, run < 6 min,
server RSS < 1 GiB. Appends the figures to bench/results/scale_test.jsonl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import psutil

import torc_models as m
from bench.bench_create_initialize import ROUNDS, create
from bench.common import record, server, table
from torc.api import TorcApi

TORC = [sys.executable, "-c", "from torc.cli.app import main; main()"]


def peak_rss(proc: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.5):
        try:
            peak[0] = max(peak[0], proc.memory_info().rss)
        except psutil.Error:
            return


def all_results(api: TorcApi, workflow_id: int) -> list[m.ResultModel]:
    items: list[m.ResultModel] = []
    while True:
        page = api.list_results(workflow_id, offset=len(items), limit=10_000)
        items += page.items
        if not page.has_more:
            return items


def transitions(api: TorcApi, workflow_id: int) -> list[float]:
    """Seconds from the last job of each round ending to the first of the next starting."""
    names = {}
    offset = 0
    while True:
        page = api.list_jobs(workflow_id, offset=offset, limit=10_000)
        names.update({job.id: job.name for job in page.items})
        offset += page.count
        if not page.has_more:
            break
    spans: dict[int, list[float]] = {r: [] for r in range(1, ROUNDS + 1)}
    ends: dict[int, list[float]] = {r: [] for r in range(1, ROUNDS + 1)}
    for result in all_results(api, workflow_id):
        name = names[result.job_id]
        if name.startswith("barrier"):
            continue
        round_number = int(name[1 : name.index("_")])
        end = datetime.fromisoformat(result.completion_time).timestamp()
        spans[round_number].append(end - result.exec_time_minutes * 60)
        ends[round_number].append(end)
    return [min(spans[r + 1]) - max(ends[r]) for r in range(1, ROUNDS)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-round", type=int, default=25_000)
    parser.add_argument("--runners", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "scale.db"
        with server("--log-dir", tmp, database=str(database)) as (url, proc):
            stop, peak = threading.Event(), [0]
            threading.Thread(target=peak_rss, args=(proc, stop, peak), daemon=True).start()
            api = TorcApi(url, timeout=600)
            started = time.perf_counter()
            workflow_id = create(api, args.per_round)
            created = time.perf_counter()
            api.initialize_jobs(workflow_id)
            initialized = time.perf_counter()
            env = {**os.environ, "TORC_API_URL": url}
            runners = [
                subprocess.Popen(
                    [
                        *TORC,
                        "workflows",
                        "run",
                        str(workflow_id),
                        "--output-dir",
                        str(Path(tmp) / f"out{i}"),
                        "--max-parallel-jobs",
                        "1",
                        "-p",
                        "1",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                for i in range(args.runners)
            ]
            failures = [r.stderr.read() if r.wait() and r.stderr else b"" for r in runners]
            finished = time.perf_counter()
            stop.set()
            gaps = transitions(api, workflow_id)
            done = api.is_workflow_complete(workflow_id).is_complete
            size = sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))
            locked = sum(
                text.count("database is locked")
                for text in [
                    p.read_text(errors="replace") for p in Path(tmp).glob("torc-server.log*")
                ]
            )
        figures = {
            "jobs": ROUNDS * args.per_round + ROUNDS,
            "runners": args.runners,
            "complete": done,
            "create_s": created - started,
            "initialize_s": initialized - created,
            "run_s": finished - initialized,
            "total_s": finished - started,
            "transitions_s": gaps,
            "server_peak_rss_mib": peak[0] / 2**20,
            "database_mib": size / 2**20,
            "database_locked_errors": locked,
            "runner_failures": sum(1 for f in failures if f),
        }
    print(f"\nseed 004 scale test: {figures['jobs']:,} jobs, {args.runners} runner processes")
    print(
        table(
            [
                ("create (budget with initialize: 30 s)", f"{figures['create_s']:.1f} s"),
                ("initialize", f"{figures['initialize_s']:.1f} s"),
                ("round transitions (budget 2 s each)", ", ".join(f"{g:.2f} s" for g in gaps)),
                ("run", f"{figures['run_s']:.1f} s"),
                ("total (budget 6 min)", f"{figures['total_s']:.1f} s"),
                ("server peak RSS (budget 1 GiB)", f"{figures['server_peak_rss_mib']:.0f} MiB"),
                ("database size", f"{figures['database_mib']:.0f} MiB"),
                ("'database is locked' errors", str(locked)),
                ("workflow complete", str(done)),
            ]
        )
    )
    record("scale_test", figures)


if __name__ == "__main__":
    main()
