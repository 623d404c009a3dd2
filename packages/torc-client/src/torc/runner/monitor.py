"""Resource monitoring: one background thread samples every running job's process tree.

Each sample sums CPU percent and resident memory over the job's process and all its
descendants; with ``compute_node.enabled`` it also samples the whole node (CPU utilization
and memory in use), summarized on the runner's compute node record when it exits.
``summary`` granularity keeps peak and average per job (stored in the result);
``time_series`` also writes every sample to
``<output>/resource_utilization/resource_metrics_<host>_<workflow>_<run>.db``.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

logger = logging.getLogger(__name__)


@dataclass
class MonitorConfig:
    enabled: bool = True
    granularity: str = "summary"
    sample_interval_seconds: float = 5.0
    node: bool = False

    @classmethod
    def from_workflow(cls, raw: dict[str, Any] | None) -> MonitorConfig:
        """From the workflow's ``resource_monitor_config`` as stored (the keys it has);
        ``jobs.granularity`` (torc-client 0.35) wins over the older top-level key."""
        if raw is None:
            return cls()
        jobs = raw.get("jobs") or {}
        chosen = jobs.get("granularity") or raw.get("granularity") or "summary"
        granularity = str(chosen).lower().replace("timeseries", "time_series")
        return cls(
            enabled=bool(raw.get("enabled", True)),
            granularity=granularity,
            sample_interval_seconds=float(raw.get("sample_interval_seconds", 5)),
            node=bool((raw.get("compute_node") or {}).get("enabled", False)),
        )


@dataclass
class JobStats:
    samples: int = 0
    cpu_total: float = 0.0
    memory_total: float = 0.0
    peak_cpu: float = 0.0
    peak_memory: int = 0
    processes: dict[int, psutil.Process] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {}
        return {
            "peak_cpu_percent": self.peak_cpu,
            "avg_cpu_percent": self.cpu_total / self.samples,
            "peak_memory_bytes": self.peak_memory,
            "avg_memory_bytes": int(self.memory_total / self.samples),
        }


class ResourceMonitor:
    """Samples the watched jobs (and the node, if configured) every interval."""

    def __init__(self, config: MonitorConfig, database: Path | None) -> None:
        self.config = config
        self._jobs: dict[int, tuple[int, JobStats]] = {}
        self._node = JobStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._db: sqlite3.Connection | None = None
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(database, check_same_thread=False)
            self._db.executescript(
                "CREATE TABLE IF NOT EXISTS job_resource_samples (id INTEGER PRIMARY KEY, "
                "job_id INTEGER, timestamp REAL, cpu_percent REAL, memory_bytes INTEGER, "
                "num_processes INTEGER);"
                "CREATE TABLE IF NOT EXISTS job_metadata "
                "(job_id INTEGER PRIMARY KEY, job_name TEXT);"
            )
        self._thread = threading.Thread(target=self._run, name="torc-monitor", daemon=True)

    @staticmethod
    def database_path(output_dir: Path, workflow_id: int, run_id: int) -> Path:
        host = socket.gethostname()
        name = f"resource_metrics_{host}_{workflow_id}_{run_id}.db"
        return output_dir / "resource_utilization" / name

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        if self._db is not None:
            self._db.commit()
            self._db.close()

    def watch(self, job_id: int, job_name: str, pid: int) -> None:
        with self._lock:
            self._jobs[job_id] = (pid, JobStats())
        if self._db is not None:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO job_metadata (job_id, job_name) VALUES (?, ?)",
                    (job_id, job_name),
                )

    def finish(self, job_id: int) -> dict[str, Any]:
        """Stop watching a job; return its peak/average figures (empty if never sampled)."""
        with self._lock:
            _, stats = self._jobs.pop(job_id, (0, JobStats()))
        return stats.summary()

    def node_summary(self) -> dict[str, Any]:
        """The node's peak and average CPU and memory, and how many samples they come from
        (empty unless node monitoring is on and sampled at least once)."""
        if not self._node.samples:
            return {}
        return {**self._node.summary(), "sample_count": self._node.samples}

    def _sample_node(self) -> None:
        stats = self._node
        cpu, memory = psutil.cpu_percent(None), psutil.virtual_memory().used
        stats.samples += 1
        stats.cpu_total += cpu
        stats.memory_total += memory
        stats.peak_cpu = max(stats.peak_cpu, cpu)
        stats.peak_memory = max(stats.peak_memory, memory)

    def _sample(self, job_id: int, pid: int, stats: JobStats) -> tuple[Any, ...] | None:
        try:
            root = stats.processes.get(pid) or psutil.Process(pid)
            stats.processes[pid] = root
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        cpu, memory, alive = 0.0, 0, 0
        for proc in tree:
            known = stats.processes.setdefault(proc.pid, proc)  # keeps cpu_percent's baseline
            try:
                cpu += known.cpu_percent(None)
                memory += known.memory_info().rss
                alive += 1
            except psutil.Error:
                continue
        stats.samples += 1
        stats.cpu_total += cpu
        stats.memory_total += memory
        stats.peak_cpu = max(stats.peak_cpu, cpu)
        stats.peak_memory = max(stats.peak_memory, memory)
        return (job_id, time.time(), cpu, memory, alive)

    def _run(self) -> None:
        if self.config.node:
            psutil.cpu_percent(None)  # the baseline the first sample is measured from
        while not self._stop.wait(self.config.sample_interval_seconds):
            if self.config.node:
                self._sample_node()
            with self._lock:
                watched = list(self._jobs.items())
            rows = [
                row for job_id, (pid, stats) in watched if (row := self._sample(job_id, pid, stats))
            ]
            if rows and self._db is not None:
                with self._lock:
                    self._db.executemany(
                        "INSERT INTO job_resource_samples (job_id, timestamp, cpu_percent, "
                        "memory_bytes, num_processes) VALUES (?, ?, ?, ?, ?)",
                        rows,
                    )
                    self._db.commit()
