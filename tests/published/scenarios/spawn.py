# mypy: ignore-errors
"""Dynamic jobs through torc-client 0.35: a running job spawns children blocked on itself,
a replay with the same names is idempotent, and the children run once the caller is done.
Run as ``python spawn.py SERVER_URL``."""

from __future__ import annotations

from _support import Scenario, equal, expect, wait_for
from _worker import claim, complete, compute_node, run_id_of, start, status_of

from torc.openapi_client.models import JobModel, SpawnJobModel, SpawnJobsRequest, WorkflowModel
from torc.orchestrator import Orchestrator


def request() -> SpawnJobsRequest:
    children = [
        SpawnJobModel(name="child-1", command="echo 1"),
        SpawnJobModel(name="child-2", command="echo 2", depends_on=["child-1"]),
    ]
    return SpawnJobsRequest(jobs=children, lineage=None, state={"generation": 1})


def main() -> None:
    run = Scenario("spawn")
    api = run.api()

    with run.step("start the orchestrator job"):
        workflow_id = api.create_workflow(WorkflowModel(name="spawn-wf", user="erin")).id
        orch = api.create_job(JobModel(workflow_id=workflow_id, name="orch", command="orch.py"))
        api.initialize_jobs(workflow_id)
        node_id = compute_node(api, workflow_id)
        run_id = run_id_of(api, workflow_id)
        equal([j.id for j in claim(api, workflow_id)], [orch.id], "claimed jobs")
        start(api, orch.id, run_id, node_id)
        # the published helper reads the lineage's generation from the server's records
        equal(Orchestrator(api, workflow_id, orch.id, "orch").generation, 0, "seed generation")

    with run.step("spawn_jobs"):
        spawned = api.spawn_jobs(orch.id, request())
        equal(spawned.iteration, 1, "iteration after the first spawn")
        equal(len(spawned.spawned_job_ids), 2, "spawned job count")
        one, two = (api.get_job(i) for i in spawned.spawned_job_ids)
        equal((one.name, two.name), ("child-1", "child-2"), "spawned names in request order")
        equal((one.status, two.status), ("blocked", "blocked"), "statuses of spawned jobs")
        expect(orch.id in (one.depends_on_job_ids or []), "child-1 is not blocked on its caller")
        expect(one.id in (two.depends_on_job_ids or []), "child-2 is not blocked on child-1")
        equal(Orchestrator(api, workflow_id, orch.id, "orch").generation, 1, "generation")

    with run.step("replay is idempotent"):
        again = api.spawn_jobs(orch.id, request())
        equal(again.spawned_job_ids, spawned.spawned_job_ids, "ids on replay")
        equal(again.iteration, spawned.iteration, "iteration on replay")
        equal(api.list_jobs(workflow_id).total_count, 3, "jobs after the replay")

    with run.step("children run after the caller"):
        complete(api, api.get_job(orch.id), run_id, node_id)
        wait_for(lambda: status_of(api, one.id) == "ready", "child-1 to become ready")
        equal(status_of(api, two.id), "blocked", "child-2 still waits for child-1")

    run.finish()


if __name__ == "__main__":
    main()
