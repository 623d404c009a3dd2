"""Seed 004's scale test: bench/scale_test.yaml, 4 rounds of 25,000 no-op jobs behind barriers.

Two ways of running the 100,004-job spec against one private server, as in the seed:

- ``runners``: create the workflow with ``torc.spec`` (what ``torc workflows create`` does),
  initialize it, then start 16 ``torc workflows run`` processes;
- ``run``: one ``torc run scale_test.yaml --max-parallel-jobs 16``, which creates,
  initializes and runs. Only the server sees its creation and initialization, and its
  events give just their sum (workflow created -> jobs initialized).

Each mode reports creation and initialization time, each round transition (last job of
round N finished -> first job of round N+1 started), total wall time and its rate as a
share of the machine's limit measured right before it (a plain Python loop running the
same ``echo`` through bash, as many at a time as torc runs, on LIMIT_SAMPLE jobs), the
server's peak RSS, the database size and the "database is locked" lines in the server's
and clients' logs. Budgets on a 2-core machine: create + initialize < 30 s, transitions
< 2 s, total < 6 min, server RSS < 1 GiB, no locked errors; the share >= 0.7 for
``torc run`` and >= 0.5 for 16 runner processes (absolute times differ twofold between
these machines, shares much less). Appends one line per mode to
bench/results/scale_test.jsonl.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from bench.bench_create_initialize import PER_ROUND
from bench.common import record, server, table, user_env
from torc.api import TorcApi
from torc.paging import MAX_PAGE, fetch_all
from torc.spec import create_workflow_from_spec

SPEC = Path(__file__).with_name("scale_test.yaml")
LIMIT_SAMPLE = 10_000
SHARE_BUDGET = {"run": 0.7, "runners": 0.5}
RANGE = 'i: "0:{}"'
TORC = [sys.executable, "-c", "from torc.cli.app import main; main()"]
Started = tuple[subprocess.Popen[bytes], Path]


def spec_file(per_round: int, directory: Path) -> Path:
    """The checked-in spec with ``per_round`` jobs a round, so quick runs use the same file."""
    text = SPEC.read_text()
    full = RANGE.format(PER_ROUND - 1)
    if text.count(full) != 1:
        raise SystemExit(f"{SPEC} must set the round size once, as {full}")
    path = directory / SPEC.name
    path.write_text(text.replace(full, RANGE.format(per_round - 1)))
    return path


def torc(url: str, log: Path, *args: str) -> Started:
    """The ``torc`` CLI against the private server, its stderr kept in ``log``."""
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [*TORC, *args],
            env=user_env(TORC_API_URL=url),
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )
    return proc, log


def run_options(parallel: int, output: Path) -> list[str]:
    """As in the seed: ignore resources, poll every second when idle."""
    return ["--max-parallel-jobs", str(parallel), "-p", "1", "--output-dir", str(output)]


def failures(started: list[Started]) -> int:
    """Wait for every process; count those that failed and show the end of their logs."""
    failed = 0
    for proc, log in started:
        if proc.wait():
            failed += 1
            tail = log.read_text(errors="replace").splitlines()[-10:]
            print(f"{log.name} exited {proc.returncode}:", *tail, sep="\n  ", file=sys.stderr)
    return failed


def by_runners(api: TorcApi, url: str, spec: Path, tmp: Path, count: int) -> dict[str, Any]:
    """Create and initialize from here (timed apart), then ``count`` runner processes."""
    started = time.perf_counter()
    workflow_id = create_workflow_from_spec(api, spec)
    created = time.perf_counter()
    api.initialize_jobs(workflow_id)
    initialized = time.perf_counter()
    runners = [
        torc(
            url,
            tmp / f"runner{i}.log",
            "workflows",
            "run",
            str(workflow_id),
            *run_options(1, tmp / f"out{i}"),
        )
        for i in range(count)
    ]
    failed = failures(runners)
    return {
        "workflow_id": workflow_id,
        "create_s": created - started,
        "initialize_s": initialized - created,
        "create_initialize_s": initialized - started,
        "create_initialize_from": "bench clock",
        "total_s": time.perf_counter() - started,
        "failed_processes": failed,
    }


def created_to_initialized(api: TorcApi, workflow_id: int) -> float | None:
    """Seconds between the server's "created" and "initialized" events of the workflow."""
    events = api.list_events(workflow_id, category="workflow", limit=MAX_PAGE).items
    stamps = {event.data["type"]: event.timestamp for event in events}
    if "created" not in stamps or "initialized" not in stamps:
        return None
    return (stamps["initialized"] - stamps["created"]) / 1000


def by_run(api: TorcApi, url: str, spec: Path, tmp: Path, count: int) -> dict[str, Any]:
    """One ``torc run`` of the spec file; creation and initialization happen inside it."""
    started = time.perf_counter()
    run = torc(url, tmp / "run.log", "run", str(spec), *run_options(count, tmp / "out"))
    failed = failures([run])
    total = time.perf_counter() - started
    (workflow,) = api.list_workflows().items
    assert workflow.id is not None
    return {
        "workflow_id": workflow.id,
        "create_s": None,
        "initialize_s": None,
        "create_initialize_s": created_to_initialized(api, workflow.id),
        "create_initialize_from": "server events",
        "total_s": total,
        "failed_processes": failed,
    }


MODES: dict[str, Callable[[TorcApi, str, Path, Path, int], dict[str, Any]]] = {
    "runners": by_runners,
    "run": by_run,
}


def transitions(api: TorcApi, workflow_id: int) -> list[float]:
    """Seconds from the last job of each round ending to the first of the next starting."""
    jobs = fetch_all(lambda offset: api.list_jobs(workflow_id, offset=offset, limit=MAX_PAGE))
    names = {job.id: job.name for job in jobs}
    results = fetch_all(lambda offset: api.list_results(workflow_id, offset=offset, limit=MAX_PAGE))
    starts: dict[int, list[float]] = defaultdict(list)
    ends: dict[int, list[float]] = defaultdict(list)
    for result in results:
        name = names[result.job_id]
        if name.startswith("barrier"):
            continue
        round_number = int(name[1 : name.index("_")])  # r3_job00042 -> 3
        end = datetime.fromisoformat(result.completion_time).timestamp()
        starts[round_number].append(end - result.exec_time_minutes * 60)
        ends[round_number].append(end)
    return [
        min(starts[later]) - max(ends[earlier])
        for earlier, later in itertools.pairwise(sorted(ends))
    ]


def peak_rss(proc: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.5):
        try:
            peak[0] = max(peak[0], proc.memory_info().rss)
        except psutil.Error:
            return


def locked_errors(directory: Path) -> int:
    """'database is locked' lines in the server's log and the clients' stderr logs."""
    return sum(
        path.read_text(errors="replace").count("database is locked")
        for path in directory.glob("*.log*")
    )


def limit_rate(parallel: int) -> float:
    """Jobs/s of plain fork/exec of the jobs' command, ``parallel`` at a time."""
    from torc.runner.process import SHELL

    def one(_: int) -> None:
        subprocess.run([SHELL, "-c", "echo"], capture_output=True, check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(LIMIT_SAMPLE)))
    return LIMIT_SAMPLE / (time.perf_counter() - started)


def measure(mode: str, per_round: int, parallel: int) -> dict[str, Any]:
    """One run of ``mode`` on a fresh server and database, after the limit's."""
    limit = limit_rate(parallel)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        database = tmp / "scale.db"
        spec = spec_file(per_round, tmp)
        with server("--log-dir", name, database=str(database)) as (url, proc):
            stop, peak = threading.Event(), [0]
            threading.Thread(target=peak_rss, args=(proc, stop, peak), daemon=True).start()
            api = TorcApi(url, timeout=600)
            timings = MODES[mode](api, url, spec, tmp, parallel)
            stop.set()
            workflow_id = timings.pop("workflow_id")
            size = sum(path.stat().st_size for path in tmp.glob(database.name + "*"))
            figures = {
                "mode": mode,
                "jobs": api.list_job_ids(workflow_id).count,
                "runners": parallel,
                **timings,
                "transitions_s": transitions(api, workflow_id),
                "complete": api.is_workflow_complete(workflow_id).is_complete,
                "server_peak_rss_mib": peak[0] / 2**20,
                "database_mib": size / 2**20,
            }
        share = figures["jobs"] / figures["total_s"] / limit
        return {
            **figures,
            "limit_jobs_per_s": limit,
            "share_of_limit": share,
            "database_locked_errors": locked_errors(tmp),
        }


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def report(figures: dict[str, Any]) -> None:
    """One table, each budgeted figure followed by its budget and whether it was met."""
    setup, gaps = figures["create_initialize_s"], figures["transitions_s"]
    total, rss = figures["total_s"], figures["server_peak_rss_mib"]
    locked = figures["database_locked_errors"]
    budgeted = [
        (
            f"create + initialize ({figures['create_initialize_from']})",
            seconds(setup),
            "< 30 s",
            setup is not None and setup < 30,
        ),
        (
            "round transitions",
            ", ".join(f"{gap:.2f}" for gap in gaps) + " s",
            "< 2 s",
            bool(gaps) and max(gaps) < 2,
        ),
        ("total wall time", seconds(total), "< 6 min", total < 360),
        (
            "rate / same-run limit",
            f"{figures['share_of_limit']:.2f} of {figures['limit_jobs_per_s']:,.0f} jobs/s",
            f">= {SHARE_BUDGET[figures['mode']]}",
            figures["share_of_limit"] >= SHARE_BUDGET[figures["mode"]],
        ),
        ("server peak RSS", f"{rss:.0f} MiB", "< 1 GiB", rss < 1024),
        ("'database is locked' errors", str(locked), "none", locked == 0),
    ]
    how = {
        "runners": f"{figures['runners']} x torc workflows run",
        "run": f"torc run --max-parallel-jobs {figures['runners']}",
    }[figures["mode"]]
    print(f"\nseed 004 scale test, mode {figures['mode']} ({how}): {figures['jobs']:,} jobs")
    rows = [
        ("create", seconds(figures["create_s"])),
        ("initialize", seconds(figures["initialize_s"])),
        *[
            (name, f"{figure:<24} budget {budget}: {'ok' if ok else 'OVER'}")
            for name, figure, budget, ok in budgeted
        ],
        ("database size", f"{figures['database_mib']:.0f} MiB"),
        ("workflow complete", str(figures["complete"])),
        ("failed torc processes", str(figures["failed_processes"])),
    ]
    print(table(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=[*MODES, "both"], default="both")
    parser.add_argument("--per-round", type=int, default=PER_ROUND)
    parser.add_argument(
        "--runners",
        type=int,
        default=16,
        help="runner processes (runners mode) and --max-parallel-jobs (run mode)",
    )
    args = parser.parse_args()
    for mode in list(MODES) if args.mode == "both" else [args.mode]:
        figures = measure(mode, args.per_round, args.runners)
        report(figures)
        record("scale_test", figures)


if __name__ == "__main__":
    main()
