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
import resource
import selectors
import signal
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torc_models as m
from torc.api import ApiError, TorcApi
from torc.errors import ServerUnreachable
from torc.runner import failures
from torc.runner.actions import ActionRunner, safe
from torc.runner.cgroups import JobCgroups
from torc.runner.devices import DevicePool
from torc.runner.exchange import Claim, Exchanger, Outcome, drain_pipe
from torc.runner.monitor import MonitorConfig, ResourceMonitor
from torc.runner.options import RunnerOptions, RunSummary
from torc.runner.process import JobProcess, job_environment, launch, workflow_environment
from torc.runner.resources import GIB, Capacity, detect
from torc.runner.runner_log import RunnerLog
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
CLAIM_DEPTH = 2
"""Jobs held (running plus waiting locally) per slot, in machines' worth for resources."""
MAX_CLAIM_DEPTH = 32
BACKLOG_SECONDS = 0.05
"""Short jobs: work to hold locally per slot, so a round trip can carry many finishes
while the slots stay busy (at most MAX_CLAIM_DEPTH jobs per slot)."""


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
        self.capacity = detect(
            self.options.num_cpus, self.options.memory_gb, gpus, self.options.num_nodes
        )
        self.running: dict[int, JobProcess] = {}
        self.in_use = NOTHING
        self.selector = selectors.DefaultSelector()
        self.summary = RunSummary(workflow_id)
        self._stop_signal: int | None = None
        self._forced = False  # a second signal: kill the jobs without a grace period
        self._requirements: dict[int, m.ResourceRequirementsModel] = {}
        self._needs: dict[int | None, tuple[Capacity, int | None]] = {}
        self._handlers: dict[int, list[failures.Rule]] = {}
        self._mean_runtime = SHORT_JOB_SECONDS  # seconds, a moving average of recent jobs
        self._released: list[m.JobModel] = []  # stopped because the node went away
        self._signaled: list[tuple[JobProcess, int]] = []  # killed by the allocation's end
        self.cgroups: JobCgroups | None = None

    # -- set-up and tear-down -------------------------------------------------------------
    def _prepare(self) -> None:
        (self.output_dir / "job_stdio").mkdir(parents=True, exist_ok=True)
        workflow = self.api.get_workflow(self.workflow_id)
        self.use_pending_failed = bool(workflow.use_pending_failed)
        self.run_id = workflow.run_id or self.api.get_workflow_status(self.workflow_id).run_id
        self._open_log()
        self.cgroups = self._job_cgroups()
        raw = workflow.resource_monitor_config
        stored = raw.model_dump(mode="json", exclude_unset=True) if raw else None
        monitor = MonitorConfig.from_workflow(stored)
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
                num_nodes=self.options.num_nodes,
                time_limit=self.options.time_limit,
                scheduler_config_id=self.options.scheduler_config_id,
                compute_node_type=self.options.compute_node_type,
                scheduler=self.options.scheduler,
            )
        )
        assert node.id is not None
        self.compute_node_id = node.id
        self.actions = ActionRunner(self.api, self.workflow_id, node.id, self.output_dir)
        self.base_env = workflow_environment(
            dict(os.environ), workflow, self.run_id, self.api.url, self.output_dir
        )
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
            gather_time=self._gather_time,
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

    def _job_cgroups(self) -> JobCgroups | None:
        if not self.options.job_cgroups:
            return None
        if self.options.wrapper is not None:  # job steps: the scheduler limits their memory
            logger.warning("--job-cgroups: jobs run under a wrapper here; no job cgroups")
            return None
        return JobCgroups.create()

    def _job_cgroup(self, job: m.JobModel) -> Path | None:
        """A memory cgroup for the job when it has a memory requirement of its own."""
        rr = self._requirement(job) if self.cgroups is not None else None
        if self.cgroups is None or rr is None or rr.name == "default" or not rr.memory:
            return None
        return self.cgroups.make(job.id or 0, job.attempt_id or 1, memory_bytes(rr.memory))

    def _open_log(self) -> None:
        default = f"job_runner_{socket.gethostname()}_{self.workflow_id}_{self.run_id}.log"
        name = self.options.log_name or default
        self.log = RunnerLog(logger, self.output_dir / name)

    def _finish(self) -> None:
        safe(self.actions.run_pending, "on_worker_complete")
        if self.monitor is not None:
            self.monitor.stop()
        if self.cgroups is not None:
            self.cgroups.close()
        duration = time.monotonic() - self.summary.started_at
        try:
            node = self.api.get_compute_node(self.compute_node_id)
            node.is_active, node.duration_seconds = False, duration
            if self.monitor is not None:
                node = node.model_copy(update=self.monitor.node_summary())
            self.api.update_compute_node(self.compute_node_id, node)
        except ApiError as exc:
            logger.warning("could not mark compute node %d inactive: %s", self.compute_node_id, exc)
        s = self.summary
        own = resource.getrusage(resource.RUSAGE_SELF)
        logger.info(
            "workflow_id=%d compute_node_id=%d done in %.1f s: %d completed, %d failed, "
            "%d canceled, %d terminated, %d retried; %d round trips, %.1f s of CPU in this "
            "process",
            self.workflow_id,
            self.compute_node_id,
            duration,
            s.completed,
            s.failed,
            s.canceled,
            s.terminated,
            s.retried,
            self.exchanger.state.rounds,
            own.ru_utime + own.ru_stime,
        )
        self.log.close()

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
            try:
                self._loop()
            finally:
                self.exchanger.stop()
                self._release_unstarted()
            if self.exchanger.state.error is not None:
                raise self.exchanger.state.error
            safe(self.actions.run_pending, *JOB_TRIGGERS, "on_workflow_complete")
        finally:
            self._finish()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.summary

    def _on_signal(self, signum: int, _frame: Any) -> None:
        self._forced = self._stop_signal is not None
        self._stop_signal = signum
        exchanger = getattr(self, "exchanger", None)
        if exchanger is not None:
            exchanger.wake_main()  # select() would otherwise sleep on through the signal

    def _loop(self) -> None:
        state = self.exchanger.state
        idle_since: float | None = None
        while True:
            # Before reaping: a job that the same signal ended (Slurm signals every
            # process of a canceled allocation) must not count as failed.
            if self._stop_signal is not None or state.error is not None:
                self._terminate_all(self._stop_reason(), graceful=True)
                return
            self._reap()
            if state.is_canceled:
                self._terminate_all("canceled", graceful=False)
                return
            if self._stop_signal is not None:
                continue  # the allocation ends (seen by reaping): stop, launch nothing
            self._launch_from_queue()
            if self.on_progress is not None:
                self.on_progress(self.summary, len(self.running))
            idle = not (self.running or state.queue)
            idle_since = (idle_since or time.monotonic()) if idle else None
            if idle and self.exchanger.drained():
                if state.is_complete:
                    return
                if self._idle_too_long(idle_since):
                    logger.info(
                        "workflow_id=%d: no job for %.0f s; this node stops",
                        self.workflow_id,
                        self.options.idle_exit_seconds,
                    )
                    return
                if state.is_stalled:
                    logger.warning(
                        "workflow_id=%d: no job can run until someone acts (pending_failed jobs "
                        "await classification, or jobs are uninitialized); stopping",
                        self.workflow_id,
                    )
                    return
                if state.nothing_fits:
                    with self.exchanger.lock:
                        self.summary.unfit = list(state.unfit.values())
                    logger.info(  # the caller says why, with the server's reasons
                        "workflow_id=%d: no job left can ever run on this node; stopping",
                        self.workflow_id,
                    )
                    return
                if state.nothing_left:  # its allocation is not held idle for nothing
                    logger.info("workflow_id=%d: no job is left for this node; it stops",
                                self.workflow_id)  # fmt: skip
                    return
            self._wait()

    def _stop_reason(self) -> str:
        taken = self.options.node_taken
        if self._stop_signal == signal.SIGTERM and taken is not None and taken():
            if self._workflow_canceled():  # ``torc workflows cancel`` scancels allocations
                return "canceled"
            logger.warning("workflow_id=%d: this node is going away; its jobs go back to "
                           "ready", self.workflow_id)  # fmt: skip
            return "released"
        return "terminated"

    def _workflow_canceled(self) -> bool:
        try:
            return bool(self.api.get_workflow_status(self.workflow_id).is_canceled)
        except (ApiError, ServerUnreachable):
            return False

    def _idle_too_long(self, idle_since: float | None) -> bool:
        limit = self.options.idle_exit_seconds
        return (
            limit is not None and idle_since is not None and time.monotonic() - idle_since >= limit
        )

    def _seconds_left(self) -> float | None:
        """Runtime a newly claimed job may still have on this node (None: no end)."""
        if self.options.ends_at is None:
            return None
        return self.options.ends_at - time.time() - self.options.expiration_buffer_seconds

    def _time_limit(self) -> str | None:
        left = self._seconds_left()
        return self.options.time_limit if left is None else f"PT{max(0, int(left))}S"

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
        known = self._needs.get(job.resource_requirements_id)
        if known is not None:
            return known
        rr = self._requirement(job)
        if rr is None:
            return DEFAULT_NEED, None
        nodes = rr.num_nodes or 1
        need = Capacity(
            rr.num_cpus or 1,
            memory_bytes(rr.memory or "1m"),
            rr.num_gpus or 0,
            nodes if nodes > 1 else 0,
        )
        limit = None if rr.name == "default" else duration_seconds(rr.runtime or "PT1H")
        self._needs[job.resource_requirements_id] = need, limit
        return need, limit

    def _claim_request(self) -> Claim:
        """How much to claim now (called by the exchanger): enough to keep a few rounds'
        worth of jobs waiting locally, so a freed slot never waits for the network."""
        with self.exchanger.lock:
            queued = list(self.exchanger.state.queue)
        depth = self._claim_depth()
        left = self._seconds_left()
        if left is not None and left < 1:
            return Claim(0)  # the node ends before any job could finish
        if self.options.max_parallel_jobs is not None:
            wanted = depth * self.options.max_parallel_jobs - len(self.running) - len(queued)
            return Claim(max(0, wanted))
        budget = self.capacity.times(depth).minus(self.in_use)
        for job in queued:
            budget = budget.minus(self._need(job)[0])
        if budget.cpus < 1 or budget.memory_bytes < 1:
            return Claim(0)
        return Claim(budget.cpus, self._node_resources(budget), self._node_resources(self.capacity))

    def _claim_depth(self) -> int:
        """Jobs to hold per slot (running and waiting): for short jobs, enough for about
        BACKLOG_SECONDS of work, so each round trip carries many finishes."""
        if self._mean_runtime >= SHORT_JOB_SECONDS:
            return CLAIM_DEPTH
        return max(CLAIM_DEPTH, min(MAX_CLAIM_DEPTH, round(BACKLOG_SECONDS / self._mean_runtime)))

    def _node_resources(self, capacity: Capacity) -> m.ComputeNodesResources:
        return m.ComputeNodesResources(
            num_cpus=capacity.cpus,
            memory_gb=capacity.memory_bytes / GIB,
            num_gpus=max(0, capacity.gpus),
            num_nodes=self.options.num_nodes,
            time_limit=self._time_limit(),
            scheduler_config_id=self.options.scheduler_config_id,
        )

    def _gather_time(self) -> float:
        """How long a report may wait to carry more finishes: half the time the jobs
        waiting locally keep every slot busy (none if they do not fill the slots)."""
        with self.exchanger.lock:
            queued = len(self.exchanger.state.queue)
        slots = max(1, len(self.running), self.options.max_parallel_jobs or 0)
        if queued < slots:
            return 0.0
        return queued / slots * self._mean_runtime / 2

    def _launch_from_queue(self) -> None:
        while True:
            if (
                self.options.max_parallel_jobs is not None
                and len(self.running) >= self.options.max_parallel_jobs
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
        """Start the job here, on the main thread: ``posix_spawn`` returns as soon as the
        child has exec'd, sooner than handing the job to another thread would."""
        assert job.id is not None
        gpu_env = None
        if need.gpus and self.devices:  # only GPU jobs on a GPU node pay for this
            gpu_env = self.devices.environment(self.devices.take(job.id, need.gpus))
        env = job_environment(self.base_env, job, gpu_env)
        self.exchanger.started(job.id)
        try:
            wrap = self.options.wrapper
            prefix = wrap(job, need) if wrap is not None else ()
            cgroup = self._job_cgroup(job) if self.cgroups is not None else None
            proc = launch(job, env, self.output_dir, self.run_id, limit, prefix, cgroup)
        except OSError as exc:
            logger.error("workflow_id=%d job_id=%d cannot start: %s", self.workflow_id, job.id, exc)
            if need.gpus:
                self.devices.give_back(job.id)
            failed = self._result(job, S.failed, 127, 0.0, {})
            self.exchanger.finished(Outcome(job, S.failed, failed))
            return
        proc.need = need
        self.in_use = self.in_use.plus(need)
        self.running[job.id] = proc
        self.selector.register(proc.pidfd, selectors.EVENT_READ, job.id)
        if self.monitor is not None:
            self.monitor.watch(job.id, job.name, proc.pid)

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
            code = proc.poll()
            if code is None:
                continue
            self.selector.unregister(proc.pidfd)
            os.close(proc.pidfd)
            del self.running[job_id]
            self.in_use = self.in_use.minus(proc.need)
            if proc.need.gpus:
                self.devices.give_back(job_id)
            if code != 0 and proc.killed_for is None and self._node_signaled():
                self._signaled.append((proc, code))  # settled once the stop reason is known
                continue
            self._settle(proc, code)

    def _node_signaled(self) -> bool:
        """Whether a job that failed (its shell exits 143 when killed by SIGTERM) was
        killed by Slurm ending the allocation: scancel signals every process in it, the
        jobs possibly before this runner. The runner then stops as if its own SIGTERM had
        come first. Asked only of failures: success needs no second look."""
        taken = self.options.node_taken
        if taken is None or not taken():
            return False
        if self._stop_signal is None:
            self._stop_signal = signal.SIGTERM
        return True

    def _settle(self, proc: JobProcess, code: int) -> None:
        if proc.killed_for == "released":
            self._released.append(proc.job)
        else:
            self.exchanger.finished(self._outcome(proc, code, time.monotonic()))

    def _outcome(self, proc: JobProcess, code: int, ended: float) -> Outcome:
        job = proc.job
        stats = self.monitor.finish(job.id or 0) if self.monitor is not None else {}
        if proc.cgroup is not None and self.cgroups is not None:
            stats["oom_killed"] = self.cgroups.finish(proc.cgroup)
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
        completed = []
        for outcome in outcomes:
            self.summary.count(outcome.status)
            line = (
                f"workflow_id={self.workflow_id} job_id={outcome.result.job_id} "
                f"{outcome.status.value} (return code {outcome.result.return_code})"
            )
            if outcome.status == S.completed:
                completed.append(line)
            else:
                logger.warning("%s", line)
        self.log.info_lines(completed)

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
            env = job_environment(self.base_env, job)
            failures.run_recovery_script(rule.recovery_script, env, code, self.output_dir)
        return True

    # -- stopping --------------------------------------------------------------------------------
    def _terminate_all(self, reason: str, *, graceful: bool) -> None:
        """Stop every running job; jobs that support it get SIGTERM and a grace period."""
        self.exchanger.stop_claiming()
        for proc, code in self._signaled:
            proc.killed_for = reason
            self._settle(proc, code)
        self._signaled.clear()
        for proc in self.running.values():
            proc.kill(reason, graceful=graceful and bool(proc.job.supports_termination))
        grace = self.options.termination_grace_seconds
        if self.options.ends_at is not None:  # done before Slurm kills what is left
            grace = min(grace, max(1.0, self.options.ends_at - time.time() - 1))
        deadline = time.monotonic() + grace
        while self.running:
            if time.monotonic() >= deadline or self._forced:
                for proc in self.running.values():
                    proc.kill(reason)
            self._reap()
            if self.running:
                self.selector.select(0.1)
        logger.info("workflow_id=%d stopped (%s)", self.workflow_id, reason)

    def _release_unstarted(self) -> None:
        """Claimed jobs this runner never launched, and jobs stopped because the node
        went away, go back to ready for other runners."""
        unstarted = iter(self.exchanger.take, None)
        for job in [*self._released, *unstarted]:
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
