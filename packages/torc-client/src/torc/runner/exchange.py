"""The runner's link to the server: one thread, one request per round trip.

The main thread only launches and reaps processes; it hands started and finished jobs to
this thread and takes claimed jobs from it. Each round is a single ``exchange_jobs``
request (starts, completions and a claim in one server transaction), so while jobs run the
next ones are already being claimed and the last ones reported: process management never
waits on the network. Failed jobs with a failure handler are retried here, after the round
that reported their start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import torc_models as m
from torc.api import ApiError, TorcApi
from torc.runner.outputs import OutputTimes

logger = logging.getLogger("torc.runner")
QUICK = 0.005
"""Seconds before the next round after a busy one."""
MAX_GATHER = 0.025
"""Seconds at most to keep collecting finishes before a round while local work keeps every
slot busy: a round that carries many jobs costs the server little more than one with a
single job."""
HEARTBEAT = 10.0
"""Seconds between round trips at most, so the server knows this runner is alive."""
PERIODIC_AFTER_CHANGE = 0.2
"""Seconds after a busy round before the periodic work (actions) runs again."""


@dataclass
class Outcome:
    """A finished job, ready to report (``retry`` set when a failure handler may apply)."""

    job: m.JobModel
    status: m.JobStatus
    result: m.ResultModel
    may_retry: bool = False


@dataclass
class Claim:
    """What one round asks for: how many jobs, and (resource-aware) what they may hold
    together and the most one of them may need."""

    limit: int
    resources: m.ComputeNodesResources | None = None
    job_limits: m.ComputeNodesResources | None = None


@dataclass
class ExchangeState:
    queue: deque[m.JobModel] = field(default_factory=deque)
    starts: list[int] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    is_complete: bool = False
    is_canceled: bool = False
    is_stalled: bool = False
    nothing_fits: bool = False
    nothing_left: bool = False
    """No job this runner could ever claim is left (runners of a scheduler only)."""
    unfit: dict[int, str] = field(default_factory=dict)
    """Ready jobs the server says can never run here, with why."""
    rounds: int = 0
    in_flight: bool = False
    error: BaseException | None = None


class Exchanger(threading.Thread):
    def __init__(
        self,
        api: TorcApi,
        workflow_id: int,
        run_id: int,
        compute_node_id: int,
        *,
        claim_request: Callable[[], Claim],
        retry: Callable[[Outcome], bool],
        on_reported: Callable[[list[Outcome]], None],
        idle_interval: float,
        periodic: Callable[[], None],
        gather_time: Callable[[], float],
    ) -> None:
        super().__init__(name="torc-exchange", daemon=True)
        self.api = api
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.compute_node_id = compute_node_id
        self.claim_request = claim_request
        self.retry = retry
        self.on_reported = on_reported
        self.idle_interval = idle_interval
        self.periodic = periodic
        self.gather_time = gather_time
        self.state = ExchangeState()
        self.output_times = OutputTimes(api, workflow_id)  # outputs' mtimes ride along
        self.lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._claiming = True
        self._last_exchange = 0.0
        self.notify_read, self._notify_write = os.pipe()
        os.set_blocking(self.notify_read, False)
        os.set_blocking(self._notify_write, False)

    # -- called from the main thread -----------------------------------------------------------
    def started(self, job_id: int) -> None:
        """Starts ride along with the next round (finishes and claims keep them coming
        within milliseconds), so a job costs one round trip, not two."""
        with self.lock:
            self.state.starts.append(job_id)

    def finished(self, outcome: Outcome) -> None:
        with self.lock:
            self.state.outcomes.append(outcome)
        self._wake.set()

    def take(self) -> m.JobModel | None:
        with self.lock:
            return self.state.queue.popleft() if self.state.queue else None

    def put_back(self, job: m.JobModel) -> None:
        with self.lock:
            self.state.queue.appendleft(job)

    def wake(self) -> None:
        self._wake.set()

    def drained(self) -> bool:
        """Nothing is waiting to be reported or in flight."""
        with self.lock:
            s = self.state
            return not (s.starts or s.outcomes or s.in_flight)

    def stop_claiming(self) -> None:
        self._claiming = False
        self._wake.set()

    def stop(self) -> None:
        """Report everything still pending, then end the thread."""
        self._claiming = False
        self._stopping.set()
        self._wake.set()
        self.join()
        os.close(self.notify_read)
        os.close(self._notify_write)

    # -- the thread -----------------------------------------------------------------------------
    def run(self) -> None:
        next_periodic = 0.0
        wait = 0.0
        while True:
            self._wake.wait(wait)
            self._wake.clear()
            stopping = self._stopping.is_set()
            gather = 0.0 if stopping else min(MAX_GATHER, self.gather_time())
            if gather > 0:
                self._stopping.wait(gather)
            try:
                busy = self._round()
                # Right after finishes, dependents become ready within milliseconds: look
                # again soon, backing off to the poll interval while nothing happens.
                wait = QUICK if busy else min(self.idle_interval, HEARTBEAT, max(QUICK, wait * 2))
                if busy:  # finishes may have armed job-triggered actions: check soon
                    next_periodic = min(next_periodic, time.monotonic() + PERIODIC_AFTER_CHANGE)
                if time.monotonic() >= next_periodic and not stopping:
                    next_periodic = time.monotonic() + self.idle_interval
                    self.periodic()
            except ApiError as exc:  # the client already retried; the server is gone
                logger.error(
                    "workflow_id=%d: lost contact with the server: %s", self.workflow_id, exc
                )
                with self.lock:
                    self.state.error = exc
                self.wake_main()
                return
            if stopping and self.drained():
                return

    def wake_main(self) -> None:
        """Wake the main loop (from the exchanger thread or a signal handler)."""
        with contextlib.suppress(BlockingIOError):
            os.write(self._notify_write, b"x")

    def _round(self) -> bool:
        """One round trip if there is anything to say or take; True if it changed anything."""
        with self.lock:
            starts, outcomes = self.state.starts, self.state.outcomes
            self.state.starts, self.state.outcomes = [], []
            self.state.in_flight = True
        try:
            claim = self.claim_request() if self._claiming else Claim(0)
            direct = [o for o in outcomes if not o.may_retry]
            maybe = [o for o in outcomes if o.may_retry]
            claimed = 0
            heartbeat_due = time.monotonic() - self._last_exchange > HEARTBEAT
            if starts or direct or claim.limit or heartbeat_due or not self.state.rounds:
                claimed = self._exchange(starts, direct, claim)
            if maybe:
                self._apply_failure_handlers(maybe)
            return bool(claimed or outcomes)
        finally:
            with self.lock:
                self.state.in_flight = False
            self.wake_main()

    def _exchange(
        self,
        starts: list[int],
        outcomes: list[Outcome],
        claim: Claim,
    ) -> int:
        self._last_exchange = time.monotonic()
        reply = self.api.exchange_jobs(
            self.workflow_id,
            m.JobExchangeRequest(
                run_id=self.run_id,
                compute_node_id=self.compute_node_id,
                started_job_ids=starts,
                completions=[
                    m.JobCompletionEntry(
                        job_id=o.result.job_id,
                        status=o.status,
                        run_id=self.run_id,
                        result=o.result,
                        output_file_mtimes=self.output_times.of(o.result.job_id, o.status),
                    )
                    for o in outcomes
                ],
                claim_limit=claim.limit,
                resources=claim.resources,
                job_limits=claim.job_limits,
            ),
        )
        for error in reply.errors:
            logger.error(
                "workflow_id=%d job_id=%d refused: %s",
                self.workflow_id,
                error.job_id,
                error.message,
            )
        with self.lock:
            self.state.queue.extend(reply.jobs)
            self.state.is_complete = reply.is_complete
            self.state.is_canceled = reply.is_canceled
            self.state.is_stalled = bool(reply.is_stalled)
            self.state.nothing_fits = bool(reply.nothing_fits)
            self.state.nothing_left = bool(reply.nothing_left)
            self.state.rounds += 1
            fresh = [u for u in reply.unfit_jobs or [] if u.job_id not in self.state.unfit]
            self.state.unfit.update((u.job_id, u.message) for u in fresh)
        for unfit in fresh:  # named once each
            logger.warning(
                "workflow_id=%d: %s; it cannot run here", self.workflow_id, unfit.message
            )
        if outcomes:
            self.on_reported(outcomes)
        return len(reply.jobs)

    def _apply_failure_handlers(self, outcomes: list[Outcome]) -> None:
        final = [o for o in outcomes if not self.retry(o)]
        if final:
            self._exchange([], final, Claim(0))


def drain_pipe(fd: int) -> None:
    with contextlib.suppress(BlockingIOError):
        while os.read(fd, 4096):
            pass
