"""The exchange's ``nothing_left``: a runner of a scheduler learns that no job it could
ever claim is left (none of its scheduler, or of none, uninitialized, blocked or ready and
within its size), so it may leave its allocation at once. Jobs running elsewhere do not
keep it; a job of its scheduler still blocked does; runners of no scheduler never hear it."""

from __future__ import annotations

import textwrap

import torc_models as m
from tests.server.driver import wait_for
from torc.api import TorcApi
from torc.spec import create_workflow_from_spec, parse_spec_text

SPEC = """\
name: two_schedulers
jobs:
  - {name: a1, command: "true", scheduler: a}
  - {name: b1, command: "true", scheduler: b}
  - {name: a2, command: "true", scheduler: a, depends_on: [b1]}
slurm_schedulers:
  - {name: a, account: acct}
  - {name: b, account: acct}
"""
ONE_EACH = SPEC.replace('  - {name: a2, command: "true", scheduler: a, depends_on: [b1]}\n', "")


class Runner:
    """A compute node exchanging as a runner of one scheduler (or of none) does."""

    def __init__(self, api: TorcApi, workflow_id: int, scheduler: int | None) -> None:
        self.api, self.workflow_id, self.scheduler = api, workflow_id, scheduler
        node = api.create_compute_node(
            m.ComputeNodeModel(
                workflow_id=workflow_id, hostname="elsewhere", pid=1, is_active=True,
                start_time="2026-11-23T00:00:00Z", num_cpus=4, memory_gb=8, num_gpus=0,
                num_nodes=1, compute_node_type="slurm", scheduler_config_id=scheduler,
            )
        )  # fmt: skip
        assert node.id is not None
        self.node_id = node.id
        self.run_id = api.get_workflow_status(workflow_id).run_id

    def exchange(
        self, starts: list[int] | None = None, done: list[m.JobModel] | None = None
    ) -> m.JobExchangeResponse:
        resources = m.ComputeNodesResources(
            num_cpus=4, memory_gb=8, num_gpus=0, num_nodes=1, scheduler_config_id=self.scheduler
        )
        completions = [
            m.JobCompletionEntry(
                job_id=job.id or 0, status=m.JobStatus.completed, run_id=self.run_id,
                result=m.ResultModel(
                    job_id=job.id or 0, workflow_id=self.workflow_id, run_id=self.run_id,
                    compute_node_id=self.node_id, return_code=0, status=m.JobStatus.completed,
                    exec_time_minutes=0.0, completion_time="2026-11-23T00:00:01Z",
                ),
            )
            for job in done or []
        ]  # fmt: skip
        request = m.JobExchangeRequest(
            run_id=self.run_id, compute_node_id=self.node_id, claim_limit=4,
            resources=resources, started_job_ids=starts or [], completions=completions,
        )  # fmt: skip
        return self.api.exchange_jobs(self.workflow_id, request)


def setup(api: TorcApi, spec: str = SPEC) -> tuple[int, dict[str, int]]:
    workflow_id = create_workflow_from_spec(api, parse_spec_text(textwrap.dedent(spec), "yaml"))
    api.initialize_jobs(workflow_id)
    ids = {s.name or "": s.id or 0 for s in api.list_slurm_schedulers(workflow_id).items}
    return workflow_id, ids


def told(runner: Runner) -> m.JobExchangeResponse | None:
    reply = runner.exchange()
    return reply if reply.nothing_left else None


def test_a_blocked_job_of_its_scheduler_keeps_a_runner(api: TorcApi) -> None:
    workflow_id, schedulers = setup(api)
    a, b = Runner(api, workflow_id, schedulers["a"]), Runner(api, workflow_id, schedulers["b"])
    (a1,) = a.exchange().jobs
    (b1,) = b.exchange().jobs
    b.exchange(starts=[b1.id or 0])
    a.exchange(starts=[a1.id or 0], done=[a1])
    reply = a.exchange()
    assert not reply.jobs and not reply.nothing_left  # a2 (of a) waits for b1
    b.exchange(done=[b1])
    (a2,) = wait_for(lambda: a.exchange().jobs, what="a2 to be claimable")
    assert a2.name == "a2"
    # b's runner: a2 is a's, b1 is done, so nothing b could claim is left
    assert wait_for(lambda: b.exchange().nothing_left, what="nothing left for b")
    # said to a runner still running its last job too: it acts on it once idle
    assert a.exchange(starts=[a2.id or 0]).nothing_left
    assert a.exchange(done=[a2]).is_complete


def test_jobs_running_elsewhere_do_not_keep_a_runner(api: TorcApi) -> None:
    workflow_id, schedulers = setup(api, ONE_EACH)
    a, b = Runner(api, workflow_id, schedulers["a"]), Runner(api, workflow_id, schedulers["b"])
    (b1,) = b.exchange().jobs
    b.exchange(starts=[b1.id or 0])
    (a1,) = a.exchange().jobs
    a.exchange(starts=[a1.id or 0], done=[a1])
    reply = wait_for(lambda: told(a), what="nothing left for a")
    assert not reply.is_complete and not reply.nothing_fits  # b1 still runs on b


def test_runners_of_no_scheduler_are_never_told(api: TorcApi) -> None:
    workflow_id, _ = setup(api)
    anyone = Runner(api, workflow_id, None)
    claimed = anyone.exchange().jobs
    assert {j.name for j in claimed} == {"a1", "b1"}
    anyone.exchange(starts=[j.id or 0 for j in claimed], done=claimed)
    (a2,) = wait_for(lambda: anyone.exchange().jobs, what="a2 to be claimable")
    assert not anyone.exchange(starts=[a2.id or 0]).nothing_left
