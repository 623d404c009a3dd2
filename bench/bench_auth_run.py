"""What authentication and access control cost a workflow run, on the user's path.

N no-op jobs (``echo <i>``, two at a time on this 2-core machine) through ``torc workflows
run ID`` against a shared server, timed from launch to exit: on a server without
authentication, on one that requires passwords (bcrypt cost 12, the default 60 s cache)
and enforces access control, run with alice's password, and on that server with a worker
token. ``torc run spec.yaml`` (creation and initialization included) is timed with and
without the password too. The limit is plain fork/exec of the same commands, measured in
each round; rounds are interleaved and each figure is the median share of the limit.
Appends to bench/results/auth_run.jsonl.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import bcrypt

from bench.bench_throughput import TORC, limit_rate
from bench.common import record, server, table, user_env

PASSWORD = "alice-password"


def spec(count: int) -> str:
    return (
        "name: noop\nresource_monitor:\n  enabled: false\njobs:\n"
        "  - name: job{i}\n    command: echo {i}\n"
        f'    parameters:\n      i: "1:{count}"\n'
    )


def torc(url: str, env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TORC, "--url", url, *args],
        env=user_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )


def timed(url: str, env: dict[str, str], *args: str, cwd: Path) -> float:
    started = time.perf_counter()
    torc(url, env, *args, cwd=cwd)
    return time.perf_counter() - started


def prepared(url: str, owner: dict[str, str], spec_file: Path, cwd: Path) -> str:
    """A created, initialized workflow's ID."""
    created = torc(url, owner, "-f", "json", "workflows", "create", str(spec_file), cwd=cwd)
    workflow_id = str(json.loads(created.stdout)["id"])
    torc(url, owner, "workflows", "initialize", workflow_id, cwd=cwd)
    return workflow_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    shares: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        spec_file = work / "noop.yaml"
        spec_file.write_text(spec(args.jobs))
        users = work / "htpasswd"
        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(12)).decode()
        users.write_text(f"alice:{hashed}\n")
        secured = ("--auth-file", str(users), "--require-auth", "--enforce-access-control")
        alice = {"TORC_USERNAME": "alice", "TORC_PASSWORD": PASSWORD}
        with server() as (plain, _), server(*secured) as (locked, _):
            for _ in range(args.rounds):
                limit = limit_rate(args.jobs)
                runs = {}
                for name, url, env in (("no auth", plain, {}), ("password", locked, alice)):
                    runs[f"torc run, {name}"] = timed(url, env, "run", str(spec_file), cwd=work)
                    wid = prepared(url, env, spec_file, work)
                    runs[f"torc workflows run, {name}"] = timed(
                        url, env, "workflows", "run", wid, cwd=work
                    )
                wid = prepared(locked, alice, spec_file, work)
                token = torc(locked, alice, "admin", "create-token", "--workflow", wid, cwd=work)
                worker = {"TORC_TOKEN": token.stdout.strip()}
                runs["torc workflows run, worker token"] = timed(
                    locked, worker, "workflows", "run", wid, cwd=work
                )
                for name, seconds in runs.items():
                    shares.setdefault(name, []).append(args.jobs / seconds / limit)
    medians = {name: statistics.median(values) for name, values in shares.items()}
    rows = [(name, f"{share:.2f} of fork/exec") for name, share in medians.items()]
    print(table(rows))
    record("auth_run", {"jobs": args.jobs, "rounds": args.rounds, "share_of_limit": medians})


if __name__ == "__main__":
    main()
