"""Expand and create a 100,000-job parameterized spec through ``torc.spec``.

One job spec with ``parameters: {i: "1:100000"}`` (and, with ``--files``, one output file
per job plus a fan-in job reading them all). Budget on a 2-core machine: parsing,
expansion and creation under 20 s. Prints a table (medians over --runs) and appends the figures to
bench/results/spec_create.jsonl. ``server_s`` is the time spent waiting in the bulk
requests, so it shows how much of creation is the server's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench.common import record, server, table
from torc.api import TorcApi
from torc.spec import create_workflow_from_spec, expand_spec, parse_spec_text

JOBS = 100_000


def spec_text(jobs: int, files: bool) -> str:
    text = f"""
name: bench_{jobs}_jobs
jobs:
  - name: job_{{i:06d}}
    command: echo {{i}}{" > ${files.output.out_{i:06d}}" if files else ""}
    parameters:
      i: "1:{jobs}"
"""
    if files:
        text += f"""
  - name: gather
    command: cat ${{files.input.out_{{i:06d}}}} | wc -l
    parameters:
      i: "1:{jobs}"
files:
  - name: out_{{i:06d}}
    path: /tmp/bench/out_{{i:06d}}.txt
    parameters:
      i: "1:{jobs}"
"""
    return text


class TimedApi(TorcApi):
    """Counts the seconds spent in bulk requests (sending, server work, receiving)."""

    waited = 0.0

    def _send(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super()._send(*args, **kwargs)
        finally:
            self.waited += time.perf_counter() - started


def one_run(jobs: int, files: bool) -> dict[str, float]:
    text = spec_text(jobs, files)
    started = time.perf_counter()
    spec = parse_spec_text(text, "yaml", "bench.yaml")
    parsed = time.perf_counter()
    expanded = expand_spec(spec)
    expanded_at = time.perf_counter()
    assert len(expanded.jobs) == jobs + (1 if files else 0)
    with server() as (url, proc):
        api = TimedApi(url, timeout=600)
        server_cpu = sum(proc.cpu_times()[:2])
        begin, begin_cpu = time.perf_counter(), time.process_time()
        workflow_id = create_workflow_from_spec(api, spec, user="bench")
        created, created_cpu = time.perf_counter(), time.process_time()
        server_cpu = sum(proc.cpu_times()[:2]) - server_cpu
        count = api.list_jobs(workflow_id, limit=1).total_count
        assert count == len(expanded.jobs), count
        return {
            "parse_s": parsed - started,
            "expand_s": expanded_at - parsed,
            "create_s": created - begin,
            "server_s": api.waited,
            "client_cpu_s": created_cpu - begin_cpu,
            "server_cpu_s": server_cpu,
            "total_s": (parsed - started) + (created - begin),
            "server_rss_mib": proc.memory_info().rss / 2**20,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=JOBS)
    parser.add_argument("--files", action="store_true", help="one output file per job + fan-in")
    args = parser.parse_args()
    runs = [one_run(args.jobs, args.files) for _ in range(args.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    shape = "jobs with one output file each + fan-in" if args.files else "independent jobs"
    print(f"\n{args.jobs:,} {shape}, medians of {args.runs} runs (budget: < 20 s)")
    print(
        table(
            [
                ("parse + validate spec", f"{median['parse_s'] * 1000:.0f} ms"),
                ("expand_spec", f"{median['expand_s']:.2f} s"),
                ("create_workflow_from_spec (expands too)", f"{median['create_s']:.2f} s"),
                ("  waiting on the server", f"{median['server_s']:.2f} s"),
                ("  client CPU time", f"{median['client_cpu_s']:.2f} s"),
                ("  server CPU time", f"{median['server_cpu_s']:.2f} s"),
                ("parse + create: what a user waits", f"{median['total_s']:.2f} s"),
                ("server RSS", f"{median['server_rss_mib']:.0f} MiB"),
            ]
        )
    )
    record(
        "spec_create",
        {"jobs": args.jobs, "files": args.files, "runs": runs, "median": median},
    )


if __name__ == "__main__":
    main()
