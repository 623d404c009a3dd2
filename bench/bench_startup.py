"""Start-up of the CLI, as a user meets it: ``torc --help`` and a one-job ``torc -s run``.

Budgets (2 cores, bytecode cached): ``torc --help`` <= 0.3 s, a one-job workflow through
``torc -s run`` <= 1.0 s of wall time, both medians of --runs. Each round runs every
subject once, interleaved, so a noisy neighbour slows them alike. Beside them: a bare
``python -c pass`` (the floor) and the private server alone, from launch to its first
answer and from SIGTERM to exit, which bound what ``torc -s run`` can reach. Prints a
table and appends the medians to bench/results/startup.jsonl.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.common import record, table

ONE_JOB = "name: one\njobs:\n  - name: hello\n    command: echo hello\n"


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def server_alone(cwd: Path) -> tuple[float, float]:
    """(seconds to the first answer, seconds from SIGTERM to exit) of a fresh server."""
    shutil.rmtree(cwd / "server", ignore_errors=True)
    (cwd / "server").mkdir()
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["torc-server", "run", "--port", "0", "--database", str(cwd / "server" / "torc.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip().split("=", 1)[1]
    httpx.get(f"http://127.0.0.1:{port}/torc-service/v1/ping", timeout=60)
    ready = time.perf_counter() - started
    stopping = time.perf_counter()
    proc.terminate()
    proc.wait(timeout=60)
    return ready, time.perf_counter() - stopping


def standalone_run(cwd: Path) -> float:
    for leftover in ("torc_output", "output"):
        shutil.rmtree(cwd / leftover, ignore_errors=True)
    return timed(["torc", "-s", "run", "one.yaml"], cwd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "one.yaml").write_text(ONE_JOB)
        os.environ.pop("TORC_API_URL", None)
        subjects: dict[str, Callable[[], float]] = {
            "python -c pass": lambda: timed([sys.executable, "-c", "pass"], cwd),
            "torc --help": lambda: timed(["torc", "--help"], cwd),
            "torc -s run one.yaml": lambda: standalone_run(cwd),
        }
        times: dict[str, list[float]] = {name: [] for name in subjects}
        times["server: launch to first answer"] = []
        times["server: SIGTERM to exit"] = []
        for warm_up in subjects.values():
            warm_up()  # bytecode and page cache
        for _ in range(args.runs):
            for name, run in subjects.items():
                times[name].append(run())
            ready, stop = server_alone(cwd)
            times["server: launch to first answer"].append(ready)
            times["server: SIGTERM to exit"].append(stop)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"medians of {args.runs} interleaved runs (seconds)")
    print(table([(name, f"{value:.3f}") for name, value in medians.items()]))
    record("startup", {"runs": args.runs, "medians_s": medians})


if __name__ == "__main__":
    main()
