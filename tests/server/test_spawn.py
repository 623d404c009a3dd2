"""spawn_jobs against a real server, on SQLite and on PostgreSQL (``any_api``).

A running job adds jobs blocked on itself and on the jobs they name; they run once the
caller completes, through the normal unblock path. A repeated call answers the first
one's jobs; overlapping names, callers that do not run, unknown names, cycles and an
exhausted ``dynamic_jobs.max_iterations`` are refused with a message that says why.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

import torc_models as m
from tests.conftest import ServerProcess
from tests.server.driver import Driver, wait_for
from tests.server.helpers import MISSING, fails, rid
from torc.api import TorcApi
from torc_server.db.engine import database_url

S = m.JobStatus


def spawn_request(*jobs: dict[str, Any], **fields: Any) -> m.SpawnJobsRequest:
    return m.SpawnJobsRequest(jobs=[m.SpawnJobModel(**job) for job in jobs], **fields)


class Scene:
    """A workflow whose jobs are all claimed, with ``orch`` running: the caller."""

    def __init__(self, api: TorcApi, *names: str, max_iterations: int | None = None) -> None:
        dynamic = m.DynamicJobsConfig(max_iterations=max_iterations) if max_iterations else None
        created = api.create_workflow(m.WorkflowModel(name="spawn", user="t", dynamic_jobs=dynamic))
        assert created.id is not None
        self.api, self.workflow_id = api, created.id
        for name in ("orch", *names):
            api.create_job(m.JobModel(workflow_id=self.workflow_id, name=name, command="true"))
        api.initialize_jobs(self.workflow_id)
        self.driver = Driver(api, self.workflow_id)
        self.claimed = {job.name: job for job in self.driver.claim(expect=1 + len(names))}
        self.orch = self.start("orch")

    def start(self, name: str) -> m.JobModel:
        job = self.claimed[name]
        assert job.id is not None
        return self.api.start_job(job.id, self.driver.run_id, self.driver.node_id)

    @property
    def orch_id(self) -> int:
        assert self.orch.id is not None
        return self.orch.id

    def spawn(self, *jobs: dict[str, Any], **fields: Any) -> m.SpawnJobsResponse:
        return self.api.spawn_jobs(self.orch_id, spawn_request(*jobs, **fields))

    def refused(self, status: int, *jobs: dict[str, Any], **fields: Any) -> str:
        return fails(status, self.api.spawn_jobs, self.orch_id, spawn_request(*jobs, **fields))

    def finish(self, job: m.JobModel, status: m.JobStatus = S.completed) -> None:
        assert job.id is not None
        run_id = self.driver.run_id
        result = self.driver.result(job, status, 0 if status == S.completed else 1)
        self.api.complete_job(job.id, status, run_id, result)

    def wait_status(self, job_id: int, status: str) -> None:
        wait_for(
            lambda: self.api.get_job(job_id).status == status, 20, f"job {job_id} to be {status}"
        )


def lineage_rows(server: ServerProcess, workflow_id: int) -> dict[str, tuple[int, str | None]]:
    """The ``spawn_lineage`` table as the server stored it (no API reads it)."""
    engine = create_engine(database_url(str(server.database))[0])
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT lineage, iteration, state FROM spawn_lineage WHERE workflow_id = :w"),
                {"w": workflow_id},
            ).all()
    finally:
        engine.dispose()
    return {row.lineage: (row.iteration, row.state) for row in rows}


def test_spawned_jobs_wait_for_the_caller_and_run_after_it(any_api: TorcApi) -> None:
    scene = Scene(any_api, "prep")
    big = any_api.create_resource_requirements(
        m.ResourceRequirementsModel(
            workflow_id=scene.workflow_id, name="big", num_cpus=4, memory="8g", runtime="PT2H"
        )
    )
    reply = scene.spawn(
        {"name": "a", "command": "echo a", "depends_on": ["prep"], "resource_requirements": "big"},
        {"name": "b", "command": "echo b", "depends_on": ["a"], "priority": 7},
        {"name": "c", "command": "echo c", "depends_on": ["a", "orch"]},
        state={"generation": 1},
    )
    assert reply.iteration == 1
    a_id, b_id, c_id = reply.spawned_job_ids
    a, b, c = (any_api.get_job(i) for i in reply.spawned_job_ids)
    assert [j.name for j in (a, b, c)] == ["a", "b", "c"]
    assert {j.status for j in (a, b, c)} == {S.blocked}
    assert a.depends_on_job_ids == sorted([scene.orch_id, rid(scene.claimed["prep"])])
    assert b.depends_on_job_ids == c.depends_on_job_ids == sorted([scene.orch_id, a_id])
    assert {j.origin for j in (a, b, c)} == {"spawn"}
    assert a.env == {"TORC_ORCHESTRATOR_LINEAGE_ID": "orch"}
    assert a.resource_requirements_id == big.id and b.priority == 7
    default_rr = any_api.list_resource_requirements(scene.workflow_id, name="default").items[0]
    assert b.resource_requirements_id == default_rr.id
    spawned = any_api.list_jobs(scene.workflow_id, origin_is_set=True).items
    assert sorted(j.name for j in spawned) == ["a", "b", "c"]
    assert any_api.get_job(scene.orch_id).status == S.running, "spawning does not complete"

    scene.driver.finish(scene.claimed["prep"])
    assert any_api.get_job(a_id).status == S.blocked, "the caller still runs"
    scene.finish(scene.orch)
    scene.wait_status(a_id, "ready")
    assert {any_api.get_job(i).status for i in (b_id, c_id)} == {S.blocked}

    # a's resource columns are its requirements': a one-CPU node cannot take it
    small = m.ComputeNodesResources(num_cpus=1, memory_gb=1, num_gpus=0, num_nodes=1)
    offered = any_api.claim_jobs_based_on_resources(scene.workflow_id, 10, small).jobs or []
    assert offered == []
    roomy = m.ComputeNodesResources(num_cpus=8, memory_gb=16, num_gpus=0, num_nodes=1)
    (claimed,) = any_api.claim_jobs_based_on_resources(scene.workflow_id, 10, roomy).jobs or []
    assert claimed.id == a_id
    scene.driver.finish(claimed)
    scene.wait_status(b_id, "ready")
    scene.wait_status(c_id, "ready")
    assert scene.driver.run_to_end() == dict.fromkeys(["orch", "prep", "a", "b", "c"], "completed")


def test_replay_answers_the_first_calls_jobs(any_api: TorcApi) -> None:
    scene = Scene(any_api)
    jobs = ({"name": "x", "command": "echo x"}, {"name": "y", "command": "echo y"})
    first = scene.spawn(*jobs, state={"n": 1})
    again = scene.spawn(*reversed(jobs), state={"n": 2})
    assert again.spawned_job_ids == list(reversed(first.spawned_job_ids))
    assert again.iteration == first.iteration == 1
    assert any_api.list_jobs(scene.workflow_id).total_count == 3
    records = [u.name for u in any_api.list_user_data(scene.workflow_id).items]
    assert records == ["__torc_lineage__orch__g000001"], "a replay records nothing"


def test_names_that_exist_already_are_refused(any_api: TorcApi) -> None:
    scene = Scene(any_api, "declared")
    scene.start("declared")
    scene.spawn({"name": "x", "command": "echo x"})
    overlap = scene.refused(409, {"name": "x", "command": "echo"}, {"name": "new", "command": "e"})
    assert "'x'" in overlap and "'new'" not in overlap
    declared = scene.refused(409, {"name": "declared", "command": "echo"})
    assert "'declared'" in declared
    by_other = spawn_request({"name": "x", "command": "e"})
    message = fails(409, any_api.spawn_jobs, scene.claimed["declared"].id, by_other)
    assert "'x'" in message, "another job's spawned jobs are no replay of this one's"
    assert any_api.list_jobs(scene.workflow_id).total_count == 3


def test_only_a_running_job_spawns(any_api: TorcApi) -> None:
    scene = Scene(any_api, "waiting")
    waiting = scene.claimed["waiting"]
    message = fails(409, any_api.spawn_jobs, waiting.id, spawn_request())
    assert "pending" in message and "running" in message
    scene.finish(scene.orch)
    message = scene.refused(409, {"name": "late", "command": "echo"})
    assert "completed" in message
    message = fails(404, any_api.spawn_jobs, MISSING, spawn_request())
    assert str(MISSING) in message


def test_unknown_names_and_cycles_are_unprocessable(any_api: TorcApi) -> None:
    scene = Scene(any_api)
    message = scene.refused(
        422, {"name": "ok", "command": "e"}, {"name": "p", "command": "e", "depends_on": ["zz"]}
    )
    assert "jobs[1].depends_on" in message and "'zz'" in message
    message = scene.refused(422, {"name": "p", "command": "e", "resource_requirements": "huge"})
    assert "jobs[0].resource_requirements" in message and "'huge'" in message
    message = scene.refused(
        422,
        {"name": "p", "command": "e", "depends_on": ["r"]},
        {"name": "q", "command": "e", "depends_on": ["p"]},
        {"name": "r", "command": "e", "depends_on": ["q"]},
    )
    assert "cycle" in message and all(name in message for name in "pqr")
    message = scene.refused(422, {"name": "p", "command": "e"}, {"name": "p", "command": "f"})
    assert "'p'" in message and "twice" in message
    too_many = [{"name": f"j{i}", "command": "e"} for i in range(10_001)]
    assert "10000" in scene.refused(422, *too_many)
    assert any_api.list_jobs(scene.workflow_id).total_count == 1, "nothing was spawned"
    assert scene.spawn({"name": "ok", "command": "e"}).iteration == 1, "refused calls did not count"


def test_max_iterations_caps_calls_per_lineage(any_server: ServerProcess, any_api: TorcApi) -> None:
    scene = Scene(any_api, max_iterations=3)
    for i in range(1, 4):
        reply = scene.spawn({"name": f"step{i}", "command": "e"}, state={"i": i})
        assert reply.iteration == i
    message = scene.refused(409, {"name": "step4", "command": "e"})
    assert "max_iterations" in message and "3" in message and "'orch'" in message
    assert scene.spawn({"name": "step1", "command": "e"}).iteration == 3, "a replay still answers"
    other = scene.spawn({"name": "side", "command": "e"}, lineage="side")
    assert other.iteration == 1, "each lineage counts its own calls"
    rows = lineage_rows(any_server, scene.workflow_id)
    assert rows["orch"][0] == 3 and rows["side"][0] == 1


@pytest.mark.slow
def test_server_default_allows_a_thousand_calls(api: TorcApi) -> None:
    scene = Scene(api)
    for i in range(1000):
        scene.spawn({"name": f"s{i}", "command": "e"})
    message = scene.refused(409, {"name": "one-more", "command": "e"})
    assert "1000" in message


def test_state_is_kept_with_each_iteration(any_server: ServerProcess, any_api: TorcApi) -> None:
    scene = Scene(any_api)
    scene.spawn({"name": "a", "command": "e"}, state={"loss": 0.5, "tried": [1, 2]})
    assert lineage_rows(any_server, scene.workflow_id) == {
        "orch": (1, '{"loss":0.5,"tried":[1,2]}')
    }
    # Convergence (no jobs) keeps the final state; the counter stays, as in the original.
    final = scene.spawn(lineage="orch", state={"loss": 0.1, "converged": True})
    assert final.iteration == 1 and final.spawned_job_ids == []
    assert scene.spawn({"name": "b", "command": "e"}).iteration == 2  # no state: it stays
    assert lineage_rows(any_server, scene.workflow_id)["orch"] == (
        2,
        '{"loss":0.1,"converged":true}',
    )
    records = {u.name: u.data for u in any_api.list_user_data(scene.workflow_id).items}
    assert records == {
        "__torc_lineage__orch__g000001": {"loss": 0.5, "tried": [1, 2]},
        "__torc_lineage__orch__g000002": None,
    }
    events = any_api.list_events(scene.workflow_id).items
    assert sum(1 for e in events if (e.data or {}).get("type") == "spawned") == 2


@pytest.mark.parametrize("cancel", [True, False])
def test_a_failed_dependency_cancels_unless_opted_out(any_api: TorcApi, cancel: bool) -> None:
    scene = Scene(any_api, "broken")
    scene.start("broken")
    scene.finish(scene.claimed["broken"], S.failed)
    reply = scene.spawn(
        {
            "name": "after",
            "command": "e",
            "depends_on": ["broken"],
            "cancel_on_blocking_job_failure": cancel,
        },
        {"name": "next", "command": "e", "depends_on": ["after"]},
    )
    after, following = reply.spawned_job_ids
    if cancel:
        scene.wait_status(after, "canceled")
        scene.wait_status(following, "canceled")
        return
    assert any_api.get_job(after).status == S.blocked
    scene.finish(scene.orch)
    scene.wait_status(after, "ready")
    assert any_api.get_job(following).status == S.blocked


def test_a_failed_caller_cancels_what_it_spawned(any_api: TorcApi) -> None:
    scene = Scene(any_api)
    (child,) = scene.spawn({"name": "child", "command": "e"}).spawned_job_ids
    scene.finish(scene.orch, S.failed)
    scene.wait_status(child, "canceled")
    assert any_api.is_workflow_complete(scene.workflow_id).is_complete
