"""The job runner loop: launch, reap, hand over; the server round trips run beside it.

The main thread keeps the machine busy: it launches claimed jobs as soon as capacity
frees, sleeps in ``select`` on the jobs' pidfds until one exits (or a runtime deadline
passes), and hands finished jobs to the :class:`~torc.runner.exchange.Exchanger` thread,
which reports them and claims the next ones in one request. SIGTERM/SIGINT stop the
runner cleanly: running jobs are terminated and reported and claimed jobs it never
started are released, so nothing is left ``running`` or ``pending`` on the server.
"""

from __future__ import annotations

import logging
import os
import queue
import selectors
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

import torc_models as m
from torc.api import ApiError, TorcApi
from torc.runner import failures
from torc.runner.actions import ActionRunner, safe
from torc.runner.devices import DevicePool
from torc.runner.exchange import Exchanger, Outcome, drain_pipe
from torc.runner.monitor import MonitorConfig, ResourceMonitor
from torc.runner.process import JobProcess, job_environment, launch
from torc.runner.resources import GIB, Capacity, detect
from torc_models.units import duration_seconds, memory_bytes

logger = logging.getLogger("torc.runner")
# The runner's own log (a file per runner) records every job; the console shows only
# warnings, so a 100,000-job run does not flood the terminal.
logger.propagate = False
logger.setLevel(logging.INFO)
S = m.JobStatus
DEFAULT_NEED = Capacity(cpus=1, memory_bytes=1024 * 1024, gpus=0)
NOTHING = Capacity(0, 0, 0)
JOB_TRIGGERS = ("on_workflow_start", "on_jobs_ready", "on_jobs_complete")
SHORT_JOB_SECONDS = 0.5
"""Jobs shorter than this, on average, are claimed further ahead."""


@dataclass
class RunnerOptions:
    output_dir: Path = Path("output")
    poll_interval: float = 5.0
    max_parallel_jobs: int | None = None
    num_cpus: int | None = None
    memory_gb: float | None = None
    num_gpus: int | None = None
    scheduler_config_id: int | None = None
    time_limit: str | None = None
    compute_node_type: str = "local"
    termination_grace_seconds: float = 30.0


@dataclass
class RunSummary:
    workflow_id: int
    completed: int = 0
    failed: int = 0
    canceled: int = 0
    terminated: int = 0
    retried: int = 0
    started_at: float = field(default_factory=time.monotonic)

    def count(self, status: m.JobStatus) -> None:
        if status == S.completed:
            self.completed += 1
        elif status in (S.failed, S.pending_failed):
            self.failed += 1
        elif status == S.canceled:
            self.canceled += 1
        elif status == S.terminated:
            self.terminated += 1


class JobRunner:
    def __init__(
        self,
        api: TorcApi,
        workflow_id: int,
        options: RunnerOptions | None = None,
        *,
        on_progress: Callable[[RunSummary, int], None] | None = None,
    ) -> None:
        self.api = api
        self.workflow_id = workflow_id
        self.options = options or RunnerOptions()
        self.on_progress = on_progress
        self.output_dir = self.options.output_dir.resolve()
        self.devices = DevicePool.detect(self.options.num_gpus, os.environ)  # GPU ids to hand out
        gpus = len(self.devices.ids) if self.options.num_gpus is None else self.options.num_gpus
        self.capacity = detect(self.options.num_cpus, self.options.memory_gb, gpus)
        self.running: dict[int, JobProcess] = {}
        self.launching = 0
        self.in_use = NOTHING
        # fork/exec takes a millisecond or two of waiting on the kernel: two threads
        # launch while the main thread reaps, so a free slot is filled sooner.
        self.launcher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="torc-launch")
        self.launched: queue.SimpleQueue[tuple[m.JobModel, Capacity, JobProcess | OSError]] = (
            queue.SimpleQueue()
        )
        self.launch_read, self.launch_write = os.pipe()
        os.set_blocking(self.launch_read, False)
        self.selector = selectors.DefaultSelector()
        self.summary = RunSummary(workflow_id)
        self._stop_signal: int | None = None
        self._requirements: dict[int, m.ResourceRequirementsModel] = {}
        self._handlers: dict[int, list[failures.Rule]] = {}
        self._mean_runtime = SHORT_JOB_SECONDS  # seconds, a moving average of recent jobs

    # -- set-up and tear-down -------------------------------------------------------------
    def _prepare(self) -> None:
        (self.output_dir / "job_stdio").mkdir(parents=True, exist_ok=True)
        workflow = self.api.get_workflow(self.workflow_id)
        self.use_pending_failed = bool(workflow.use_pending_failed)
        self.run_id = self.api.get_workflow_status(self.workflow_id).run_id
        self._open_log()
        raw = workflow.resource_monitor_config
        monitor = MonitorConfig.from_workflow(orjson.loads(raw) if raw else None)
        database = (
            ResourceMonitor.database_path(self.output_dir, self.workflow_id, self.run_id)
            if monitor.granularity == "time_series"
            else None
        )
        self.monitor = ResourceMonitor(monitor, database) if monitor.enabled else None
        node = self.api.create_compute_node(
            m.ComputeNodeModel(
                workflow_id=self.workflow_id,
                hostname=socket.gethostname(),
                pid=os.getpid(),
                start_time=datetime.now(UTC).isoformat(),
                is_active=True,
                num_cpus=self.capacity.cpus,
                memory_gb=self.capacity.memory_bytes / GIB,
                num_gpus=self.capacity.gpus,
                num_nodes=1,
                time_limit=self.options.time_limit,
                scheduler_config_id=self.options.scheduler_config_id,
                compute_node_type=self.options.compute_node_type,
            )
        )
        assert node.id is not None
        self.compute_node_id = node.id
        self.actions = ActionRunner(self.api, self.workflow_id, node.id, self.output_dir)
        self.base_env = dict(os.environ)
        self.exchanger = Exchanger(
            self.api,
            self.workflow_id,
            self.run_id,
            node.id,
            claim_request=self._claim_request,
            retry=self._retry,
            on_reported=self._reported,
            idle_interval=self.options.poll_interval,
            periodic=self._periodic,
            can_wait=self._has_work_queued,
        )
        mode = (
            f"at most {self.options.max_parallel_jobs} jobs at a time"
            if self.options.max_parallel_jobs
            else "resource-aware claims"
        )
        logger.info(
            "workflow_id=%d run_id=%d compute_node_id=%d started: %d CPUs, %.1f GiB, %d GPUs, %s",
            self.workflow_id,
            self.run_id,
            node.id,
            self.capacity.cpus,
            self.capacity.memory_bytes / GIB,
            self.capacity.gpus,
            mode,
        )

    def _open_log(self) -> None:
        name = f"job_runner_{socket.gethostname()}_{self.workflow_id}_{self.run_id}.log"
        file_handler = logging.FileHandler(self.output_dir / name)
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        self._handlers_installed: list[logging.Handler] = [file_handler, console]
        for handler in self._handlers_installed:
            logger.addHandler(handler)

    def _finish(self) -> None:
        safe(self.actions.run_pending, "on_worker_complete")
        if self.monitor is not None:
            self.monitor.stop()
        duration = time.monotonic() - self.summary.started_at
        try:
            node = self.api.get_compute_node(self.compute_node_id)
            node.is_active, node.duration_seconds = False, duration
            self.api.update_compute_node(self.compute_node_id, node)
        except ApiError as exc:
            logger.warning("could not mark compute node %d inactive: %s", self.compute_node_id, exc)
        s = self.summary
        logger.info(
            "workflow_id=%d compute_node_id=%d done in %.1f s: %d completed, %d failed, "
            "%d canceled, %d terminated, %d retried",
            self.workflow_id,
            self.compute_node_id,
            duration,
            s.completed,
            s.failed,
            s.canceled,
            s.terminated,
            s.retried,
        )
        for handler in self._handlers_installed:
            logger.removeHandler(handler)
            handler.close()

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> RunSummary:
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        self._prepare()
        try:
            if self.monitor is not None:
                self.monitor.start()
            safe(self.actions.run_pending, "on_worker_start")
            self.exchanger.start()
            self.selector.register(self.exchanger.notify_read, selectors.EVENT_READ, None)
            self.selector.register(self.launch_read, selectors.EVENT_READ, None)
            try:
                self._loop()
            finally:
                self.exchanger.stop()
                self._release_unstarted()
            if self.exchanger.state.error is not None:
                raise self.exchanger.state.error
            safe(self.actions.run_pending, *JOB_TRIGGERS, "on_workflow_complete")
        finally:
            self.launcher.shutdown()
            os.close(self.launch_read)
            os.close(self.launch_write)
            self._finish()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.summary

    def _on_signal(self, signum: int, _frame: Any) -> None:
        self._stop_signal = signum

    def _loop(self) -> None:
        state = self.exchanger.state
        while True:
            self._collect_launched()
            self._reap()
            if self._stop_signal is not None or state.error is not None:
                self._terminate_all("terminated", graceful=True)
                return
            if state.is_canceled:
                self._terminate_all("canceled", graceful=False)
                return
            self._launch_from_queue()
            if self.on_progress is not None:
                self.on_progress(self.summary, len(self.running))
            idle = not (self.running or self.launching or state.queue)
            if idle and self.exchanger.drained():
                if state.is_complete:
                    return
                if state.is_stalled:
                    logger.warning(
                        "workflow_id=%d: no job can run until someone acts (pending_failed jobs "
                        "await classification, or jobs are uninitialized); stopping",
                        self.workflow_id,
                    )
                    return
            self._wait()

    def _periodic(self) -> None:
        safe(self.actions.run_pending, *JOB_TRIGGERS)

    def _wait(self) -> None:
        """Sleep until a job exits, the exchanger has news, or a runtime deadline passes."""
        timeout = self.options.poll_interval
        deadlines = [p.deadline for p in self.running.values() if p.deadline is not None]
        if deadlines:
            timeout = max(0.0, min(timeout, min(deadlines) - time.monotonic()))
        for key, _ in self.selector.select(timeout):
            if key.data is None:
                drain_pipe(key.fd)

    # -- claiming and launching --------------------------------------------------------------------
    def _requirement(self, job: m.JobModel) -> m.ResourceRequirementsModel | None:
        rr_id = job.resource_requirements_id
        if rr_id is None:
            return None
        if rr_id not in self._requirements:
            for rr in self.api.list_resource_requirements(self.workflow_id).items:
                if rr.id is not None:
                    self._requirements[rr.id] = rr
        return self._requirements.get(rr_id)

    def _need(self, job: m.JobModel) -> tuple[Capacity, int | None]:
        """What the job holds while it runs, and its runtime limit in seconds (if any).
        The workflow's built-in "default" requirements set no limit: a user who never
        asked for one should not see jobs killed after its nominal minute."""
        rr = self._requirement(job)
        if rr is None:
            return DEFAULT_NEED, None
        need = Capacity(rr.num_cpus or 1, memory_bytes(rr.memory or "1m"), rr.num_gpus or 0)
        limit = None if rr.name == "default" else duration_seconds(rr.runtime or "PT1H")
        return need, limit

    def _claim_request(self) -> tuple[int, m.ComputeNodesResources | None]:
        """How much to claim now (called by the exchanger): enough to keep one machine's
        worth of jobs waiting locally, so a freed slot never waits for the network."""
        with self.exchanger.lock:
            queued = list(self.exchanger.state.queue)
        if self.options.max_parallel_jobs is not None:
            # Short jobs: a deeper queue lets reports gather several jobs per round trip.
            depth = 4 if self._mean_runtime < SHORT_JOB_SECONDS else 2
            wanted = depth * self.options.max_parallel_jobs - len(self.running) - len(queued)
            return max(0, wanted), None
        budget = self.capacity
        for job in queued:
            budget = budget.minus(self._need(job)[0])
        if budget.cpus < 1 or budget.memory_bytes < 1:
            return 0, None
        return budget.cpus, m.ComputeNodesResources(
            num_cpus=budget.cpus,
            memory_gb=budget.memory_bytes / GIB,
            num_gpus=max(0, budget.gpus),
            num_nodes=1,
            time_limit=self.options.time_limit,
            scheduler_config_id=self.options.scheduler_config_id,
        )

    def _has_work_queued(self) -> bool:
        """Claimed jobs wait locally for every slot, so a report can wait a moment."""
        with self.exchanger.lock:
            queued = len(self.exchanger.state.queue)
        return queued >= (self.options.max_parallel_jobs or 1)

    def _launch_from_queue(self) -> None:
        while True:
            busy = len(self.running) + self.launching
            if (
                self.options.max_parallel_jobs is not None
                and busy >= self.options.max_parallel_jobs
            ):
                return
            job = self.exchanger.take()
            if job is None:
                return
            need, limit = self._need(job)
            queue_mode = self.options.max_parallel_jobs is not None  # resources are not tracked
            if not queue_mode and not self.capacity.minus(self.in_use).fits(need):
                self.exchanger.put_back(job)
                return
            self._launch(job, need, limit)

    def _launch(self, job: m.JobModel, need: Capacity, limit: int | None) -> None:
        gpu_env = None
        if need.gpus and self.devices:  # only GPU jobs on a GPU node pay for this
            gpu_env = self.devices.environment(self.devices.take(job.id or 0, need.gpus))
        env = job_environment(self.base_env, job, self.api.url, self.output_dir, gpu_env)
        self.in_use = self.in_use.plus(need)
        self.launching += 1
        self.launcher.submit(self._spawn, job, env, need, limit)

    def _spawn(
        self, job: m.JobModel, env: dict[str, str], need: Capacity, limit: int | None
    ) -> None:
        """Launcher thread: start the process and tell the main thread."""
        try:
            result: JobProcess | OSError = launch(job, env, self.output_dir, self.run_id, limit)
        except OSError as exc:
            result = exc
        self.launched.put((job, need, result))
        os.write(self.launch_write, b"x")

    def _collect_launched(self) -> None:
        while not self.launched.empty():
            job, need, result = self.launched.get()
            self.launching -= 1
            assert job.id is not None
            self.exchanger.started(job.id)
            if isinstance(result, OSError):
                logger.error(
                    "workflow_id=%d job_id=%d cannot start: %s", self.workflow_id, job.id, result
                )
                self.in_use = self.in_use.minus(need)
                if need.gpus:
                    self.devices.give_back(job.id)
                failed = self._result(job, S.failed, 127, 0.0, {})
                self.exchanger.finished(Outcome(job, S.failed, failed))
                continue
            result.need = need
            self.running[job.id] = result
            self.selector.register(result.pidfd, selectors.EVENT_READ, job.id)
            if self.monitor is not None:
                self.monitor.watch(job.id, job.name, result.pid)

    # -- reaping ---------------------------------------------------------------------------------
    def _reap(self) -> None:
        now = time.monotonic()
        for proc in self.running.values():
            if proc.deadline is not None and now >= proc.deadline and proc.killed_for is None:
                logger.warning(
                    "workflow_id=%d job_id=%d exceeded its runtime; killing it",
                    self.workflow_id,
                    proc.job.id,
                )
                proc.kill("runtime")
        for job_id, proc in list(self.running.items()):
            if proc.popen.poll() is None:
                continue
            self.selector.unregister(proc.pidfd)
            code = proc.reap()
            del self.running[job_id]
            self.in_use = self.in_use.minus(proc.need)
            if proc.need.gpus:
                self.devices.give_back(job_id)
            self.exchanger.finished(self._outcome(proc, code, time.monotonic()))

    def _outcome(self, proc: JobProcess, code: int, ended: float) -> Outcome:
        job = proc.job
        stats = self.monitor.finish(job.id or 0) if self.monitor is not None else {}
        minutes = (ended - proc.started) / 60
        self._mean_runtime += 0.1 * (ended - proc.started - self._mean_runtime)
        may_retry = False
        if proc.killed_for in ("runtime", "terminated"):
            status = S.terminated
        elif proc.killed_for == "canceled":
            status = S.canceled
        elif code == 0:
            status = S.completed
        else:
            may_retry = job.failure_handler_id is not None
            status = S.pending_failed if self.use_pending_failed and not may_retry else S.failed
        return Outcome(job, status, self._result(job, status, code, minutes, stats), may_retry)

    def _result(
        self, job: m.JobModel, status: m.JobStatus, code: int, minutes: float, stats: dict[str, Any]
    ) -> m.ResultModel:
        assert job.id is not None
        return m.ResultModel(
            job_id=job.id,
            workflow_id=self.workflow_id,
            run_id=self.run_id,
            attempt_id=job.attempt_id,
            compute_node_id=self.compute_node_id,
            return_code=code,
            status=status,
            exec_time_minutes=minutes,
            completion_time=datetime.now(UTC).isoformat(),
            **stats,
        )

    def _reported(self, outcomes: list[Outcome]) -> None:
        """Called by the exchanger once the server has stored these results."""
        for outcome in outcomes:
            self.summary.count(outcome.status)
            level = logging.INFO if outcome.status == S.completed else logging.WARNING
            logger.log(
                level,
                "workflow_id=%d job_id=%d %s (return code %d)",
                self.workflow_id,
                outcome.result.job_id,
                outcome.status.value,
                outcome.result.return_code,
            )

    # -- failures --------------------------------------------------------------------------------
    def _retry(self, outcome: Outcome) -> bool:
        """Apply the job's failure handler (exchanger thread): True if it went back to ready."""
        job, code = outcome.job, outcome.result.return_code
        if job.failure_handler_id is None or job.id is None:
            return False
        if job.failure_handler_id not in self._handlers:
            handler = self.api.get_failure_handler(job.failure_handler_id)
            self._handlers[job.failure_handler_id] = failures.parse_rules(handler.rules)
        rule = failures.match(self._handlers[job.failure_handler_id], code)
        if rule is None or (job.attempt_id or 1) >= rule.max_retries:
            if rule is None and self.use_pending_failed:
                outcome.status = outcome.result.status = S.pending_failed
            return False
        self.api.create_result(outcome.result)
        try:
            self.api.retry_job(job.id, self.run_id, max_retries=rule.max_retries)
        except ApiError as exc:
            logger.warning(
                "workflow_id=%d job_id=%d retry refused: %s", self.workflow_id, job.id, exc.message
            )
            return False
        self.summary.retried += 1
        logger.info(
            "workflow_id=%d job_id=%d exit code %d: retrying (attempt %d of %d)",
            self.workflow_id,
            job.id,
            code,
            (job.attempt_id or 1) + 1,
            rule.max_retries,
        )
        if rule.recovery_script:
            env = job_environment(self.base_env, job, self.api.url, self.output_dir)
            failures.run_recovery_script(rule.recovery_script, env, code, self.output_dir)
        return True

    # -- stopping --------------------------------------------------------------------------------
    def _terminate_all(self, reason: str, *, graceful: bool) -> None:
        """Stop every running job; jobs that support it get SIGTERM and a grace period."""
        self.exchanger.stop_claiming()
        for proc in self.running.values():
            proc.kill(reason, graceful=graceful and bool(proc.job.supports_termination))
        deadline = time.monotonic() + self.options.termination_grace_seconds
        self.launcher.shutdown(wait=True)
        self._collect_launched()
        for proc in self.running.values():
            proc.kill(reason, graceful=graceful and bool(proc.job.supports_termination))
        while self.running:
            if time.monotonic() >= deadline:
                for proc in self.running.values():
                    proc.kill(reason)
            self._reap()
            if self.running:
                self.selector.select(0.1)
        logger.info("workflow_id=%d stopped (%s)", self.workflow_id, reason)

    def _release_unstarted(self) -> None:
        """Claimed jobs this runner never launched go back to ready for other runners."""
        while (job := self.exchanger.take()) is not None:
            if job.id is None:
                continue
            try:
                self.api.manage_status_change(job.id, S.ready, self.run_id)
            except ApiError as exc:
                logger.warning(
                    "workflow_id=%d job_id=%d could not be released: %s",
                    self.workflow_id,
                    job.id,
                    exc.message,
                )
