"""No-op job throughput on the user's path: ``torc -s run spec.yaml`` as a whole process.

Each row runs the same work: N ``echo <i>`` jobs through bash, two at a time on this
2-core machine, flat or as 4 stages of N/4 behind a barrier job each (seed 004's shape).
The limit is a plain Python loop (two threads) running the same commands with
``subprocess``. The torc rows are what a user types: ``torc -s run spec.yaml`` in a fresh
folder, timed from launch to exit (private server start, spec expansion, creation,
initialization, every job with its log files, shutdown); in the default resource-aware
mode, with ``--max-parallel-jobs 2``, and with resource monitoring at its default setting.
Beside them, the in-process path (a ``JobRunner`` on API-created jobs, server start and
creation excluded) and, with ``--peers``, HyperQueue and Parsl through the shared
peer-bench scripts. Rounds are interleaved so load drifts hit every row alike; each row's
share is the median over rounds of its rate divided by the same round's limit. Appends
the figures to bench/results/throughput.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import record, server, table, user_env

SLOTS = 2
STAGES = 4
TORC = [str(Path(sys.executable).with_name("torc"))]  # the console script users run
PEER_BENCH = Path(__file__).resolve().parents[2] / "shared" / "peer-bench"
PEERS_VENV = Path(os.environ.get("PEERS", "/tmp/peers")) / "venv"


def limit_rate(count: int) -> float:
    """Jobs/s of plain fork/exec of the same commands, SLOTS at a time, output captured."""
    from torc.runner.process import SHELL

    def one(i: int) -> None:
        subprocess.run([SHELL, "-c", f"echo {i}"], capture_output=True, check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(SLOTS) as pool:
        list(pool.map(one, range(count)))
    return count / (time.perf_counter() - started)


def spec_text(count: int, barrier: bool, monitor: bool) -> str:
    """The spec a user would write: parameterized jobs, barrier jobs by regex."""
    lines = [f"name: {'barrier' if barrier else 'flat'}"]
    if not monitor:
        lines += ["resource_monitor:", "  enabled: false"]
    lines.append("jobs:")
    if not barrier:
        lines += [
            "  - name: job_{i}",
            "    command: echo {i}",
            "    parameters:",
            f'      i: "1:{count}"',
        ]
        return "\n".join(lines) + "\n"
    per_stage = count // STAGES
    for stage in range(STAGES):
        lines += [
            f"  - name: s{stage}_{{i}}",
            "    command: echo {i}",
            "    parameters:",
            f'      i: "1:{per_stage}"',
        ]
        if stage:
            lines.append(f"    depends_on: [barrier_{stage - 1}]")
        lines += [
            f"  - name: barrier_{stage}",
            "    command: 'true'",
            f"    depends_on_regexes: ['^s{stage}_\\d+$']",
        ]
    return "\n".join(lines) + "\n"


def cli_rate(count: int, barrier: bool, work: Path, *options: str, monitor: bool = False) -> float:
    """Work jobs per second of a whole ``torc -s run`` process in a fresh folder."""
    work.mkdir(parents=True)
    (work / "spec.yaml").write_text(spec_text(count, barrier, monitor))
    expected = count + (STAGES if barrier else 0)
    env = user_env()
    started = time.perf_counter()
    done = subprocess.run(
        [*TORC, "-s", "run", *options, "spec.yaml"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1:] or [""]
    if done.returncode or f": {expected} completed, 0 failed" not in summary[0]:
        raise SystemExit(f"torc -s run {' '.join(options)} failed in {work}:\n{done.stderr}")
    return count / elapsed


def inprocess_rate(count: int, barrier: bool, out: Path) -> float:
    """The runner alone: jobs created through the API, a JobRunner timed to completion."""
    import torc_models as m
    from torc.api import TorcApi
    from torc.runner import JobRunner, RunnerOptions

    stages = STAGES if barrier else 1
    with server() as (url, _):
        api = TorcApi(url, timeout=600)
        workflow = api.create_workflow(
            m.WorkflowModel(name="inproc", user="bench", resource_monitor_config={"enabled": False})
        )
        assert workflow.id is not None
        gate: int | None = None
        for stage in range(stages):
            batch = [
                m.JobModel(
                    workflow_id=workflow.id,
                    name=f"s{stage}_{i}",
                    command=f"echo {i}",
                    depends_on_job_ids=[gate] if gate else None,
                )
                for i in range(count // stages)
            ]
            ids = [j.id for j in api.create_jobs(m.JobsModel(jobs=batch)).jobs or [] if j.id]
            if barrier:
                gate = api.create_job(
                    m.JobModel(
                        workflow_id=workflow.id,
                        name=f"barrier_{stage}",
                        command="true",
                        depends_on_job_ids=ids,
                    )
                ).id
        api.initialize_jobs(workflow.id)
        options = RunnerOptions(output_dir=out, poll_interval=1.0)
        started = time.perf_counter()
        summary = JobRunner(api, workflow.id, options).run()
        elapsed = time.perf_counter() - started
    if summary.completed != count // stages * stages + (stages if barrier else 0):
        raise SystemExit(f"in-process run completed only {summary.completed} jobs")
    return count // stages * stages / elapsed


def peer_rate(script: str, count: int, barrier: bool) -> float:
    """A peer through the shared peer-bench script: jobs/s of its whole process."""
    python = PEERS_VENV / "bin" / "python"
    env = {**os.environ, "PATH": f"{PEERS_VENV / 'bin'}:{os.environ['PATH']}"}
    command = [str(python), script, "--n", str(count), "--dag", "barrier" if barrier else "flat"]
    started = time.perf_counter()
    subprocess.run(command, cwd=PEER_BENCH, env=env, check=True, capture_output=True)
    return count / (time.perf_counter() - started)


def subjects(args: argparse.Namespace, out: Path) -> dict[str, Callable[[int], float]]:
    """Row name -> one measurement (given the round number)."""
    n = args.jobs
    rows: dict[str, Callable[[int], float]] = {
        "limit": lambda r: limit_rate(n),
        "torc -s run (flat)": lambda r: cli_rate(n, False, out / f"flat{r}"),
        "torc -s run (4 x barrier)": lambda r: cli_rate(n, True, out / f"barrier{r}"),
        "torc -s run --max-parallel-jobs 2 (flat)": lambda r: cli_rate(
            n, False, out / f"mpj{r}", "--max-parallel-jobs", str(SLOTS)
        ),
        "torc -s run, monitoring on (flat)": lambda r: cli_rate(
            n, False, out / f"monitor{r}", monitor=True
        ),
        "in-process JobRunner (flat)": lambda r: inprocess_rate(n, False, out / f"inproc{r}"),
    }
    if args.peers:
        if not (PEERS_VENV / "bin" / "python").exists():
            raise SystemExit(f"--peers needs the peers installed: bash {PEER_BENCH}/setup.sh")
        rows["HyperQueue 0.27 (flat)"] = lambda r: peer_rate("bench_hq.py", n, False)
        rows["Parsl HTEX (flat)"] = lambda r: peer_rate("bench_parsl.py", n, False)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also HyperQueue and Parsl")
    args = parser.parse_args()
    rates: dict[str, list[float]] = {}
    # Job logs stay until the end: deleting thousands of files right before the next
    # run makes ext4 slow to create new ones for a while, which would be measured too.
    with tempfile.TemporaryDirectory() as tmp:
        rows = subjects(args, Path(tmp))
        for run in range(args.runs):
            for name, measure in rows.items():
                rates.setdefault(name, []).append(measure(run))
                print(f"round {run + 1}: {name}: {rates[name][-1]:,.0f} jobs/s", file=sys.stderr)
    limits = rates["limit"]
    shares = {
        name: [rate / limit for rate, limit in zip(values, limits, strict=True)]
        for name, values in rates.items()
    }
    print(
        f"\n{args.jobs:,} no-op jobs, {SLOTS} at a time, medians of {args.runs} interleaved rounds"
    )
    print(
        table(
            [("", "jobs/s   share of the same round's limit (range)")]
            + [
                (
                    name,
                    f"{statistics.median(rates[name]):>6,.0f}   "
                    f"{statistics.median(shares[name]):.2f} "
                    f"({min(shares[name]):.2f}-{max(shares[name]):.2f})",
                )
                for name in rates
            ]
        )
    )
    record(
        "throughput",
        {
            "jobs": args.jobs,
            "slots": SLOTS,
            "path": "user",
            "rates": rates,
            "median_share": {name: statistics.median(v) for name, v in shares.items()},
            "load_after": os.getloadavg()[0],
            "argv": json.dumps(sys.argv[1:]),
        },
    )


if __name__ == "__main__":
    main()
