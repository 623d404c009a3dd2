"""The credential cache: 1,000 authenticated requests at bcrypt cost 12, with and without it.

Three servers on fresh SQLite files answer ``GET /ping``, one request after another over
one keep-alive connection: one without authentication (the floor), one with
``--require-auth`` and the default cache (60 s), one with ``--credential-cache-ttl-secs 0``
(every request pays bcrypt). The machine's own limit is one cost-12 ``bcrypt.checkpw`` in
this process, measured in the same run. A last figure shows that slow checks do not stall
the server: the latency of cached requests while another client keeps sending a wrong
password. Prints a table and appends to bench/results/auth.jsonl.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import bcrypt
import httpx

from bench.common import record, server, table

COST = 12
PASSWORD = b"correct horse battery staple"


def bcrypt_seconds(hashed: bytes, rounds: int = 5) -> float:
    """The median of a few cost-12 checks: what one uncached request must pay."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        bcrypt.checkpw(PASSWORD, hashed)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pings(url: str, count: int, auth: tuple[str, str] | None) -> list[float]:
    """Latency of ``count`` sequential pings after one that waits for the server to be up
    (and, authenticated, fills the cache)."""
    latencies = []
    with httpx.Client(base_url=url, auth=auth, timeout=120) as client:
        client.get("/ping")
        for _ in range(count):
            started = time.perf_counter()
            reply = client.get("/ping")
            latencies.append(time.perf_counter() - started)
            assert reply.status_code == 200, reply.text
    return latencies


def under_attack(url: str, count: int) -> list[float]:
    """Cached pings while another thread keeps sending a wrong password (never cached)."""
    stop = threading.Event()

    def attacker() -> None:
        with httpx.Client(base_url=url, auth=("alice", "wrong"), timeout=120) as client:
            while not stop.is_set():
                client.get("/ping")

    thread = threading.Thread(target=attacker, daemon=True)
    thread.start()
    try:
        return pings(url, count, ("alice", PASSWORD.decode()))
    finally:
        stop.set()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    hashed = bcrypt.hashpw(PASSWORD, bcrypt.gensalt(COST))
    with tempfile.TemporaryDirectory() as tmp:
        users = Path(tmp) / "htpasswd"
        users.write_text(f"alice:{hashed.decode()}\n")
        auth = ("--auth-file", str(users), "--require-auth")
        credentials = ("alice", PASSWORD.decode())
        limit = bcrypt_seconds(hashed)
        with server() as (url, _):
            plain = pings(url, args.requests, None)
        with server(*auth) as (url, _):
            cached = pings(url, args.requests, credentials)
            attacked = under_attack(url, min(args.requests, 200))
        with server(*auth, "--credential-cache-ttl-secs", "0") as (url, _):
            uncached = pings(url, args.requests, credentials)
    figures = {
        "requests": args.requests,
        "cost": COST,
        "bcrypt_check_ms": limit * 1000,
        "no_auth_total_s": sum(plain),
        "cached_total_s": sum(cached),
        "uncached_total_s": sum(uncached),
        "no_auth_median_ms": statistics.median(plain) * 1000,
        "cached_median_ms": statistics.median(cached) * 1000,
        "uncached_median_ms": statistics.median(uncached) * 1000,
        "cached_under_attack_median_ms": statistics.median(attacked) * 1000,
    }
    medians = "{:.2f} / {:.2f} / {:.1f} ms".format(
        figures["no_auth_median_ms"], figures["cached_median_ms"], figures["uncached_median_ms"]
    )
    cached_ratio = statistics.median(cached) / statistics.median(plain)
    rows = [
        (f"one bcrypt check at cost {COST} (the limit)", f"{limit * 1000:.0f} ms"),
        (f"{args.requests} pings, no authentication", f"{sum(plain):.2f} s"),
        (f"{args.requests} pings, cache on (60 s)", f"{sum(cached):.2f} s"),
        (f"{args.requests} pings, cache off", f"{sum(uncached):.2f} s"),
        ("median ping: none / cached / uncached", medians),
        ("uncached ping / one bcrypt check", f"{statistics.median(uncached) / limit:.2f}"),
        ("cached ping / unauthenticated ping", f"{cached_ratio:.2f}"),
        (
            "median cached ping while a wrong password hammers",
            f"{figures['cached_under_attack_median_ms']:.2f} ms",
        ),
    ]
    print(table(rows))
    record("auth", figures)


if __name__ == "__main__":
    main()
