# mypy: ignore-errors
"""A workflow run end to end as a published client's job runner drives it: initialize, claim,
start, complete, a failure and its retry, dependents unblocked, status, results, events and
access groups. Run as ``python lifecycle.py SERVER_URL`` by the published client's venv."""

from __future__ import annotations

import time

from _support import GENERATION, Scenario, equal, expect, wait_for
from _worker import HOSTNAME, claim, complete, compute_node, result, run_id_of, start, status_of

from torc.openapi_client.models import (
    AccessGroupModel,
    EventModel,
    JobModel,
    JobStatus,
    WorkflowAccessGroupModel,
    WorkflowModel,
)

MODERN = GENERATION >= (0, 35)
OLDEST = GENERATION < (0, 22)


def main() -> None:
    run = Scenario("lifecycle")
    api = run.api()

    with run.step("create workflow and jobs"):
        workflow_id = api.create_workflow(WorkflowModel(name="lc-wf", user="bob")).id
        a = api.create_job(JobModel(workflow_id=workflow_id, name="lc-a", command="echo a"))
        b = api.create_job(
            JobModel(
                workflow_id=workflow_id, name="lc-b", command="echo b", depends_on_job_ids=[a.id]
            )
        )
        c = api.create_job(JobModel(workflow_id=workflow_id, name="lc-c", command="exit 1"))

    with run.step("initialize_jobs"):
        api.initialize_jobs(workflow_id)
        statuses = {j.name: j.status for j in api.list_jobs(workflow_id).items}
        equal(statuses, {"lc-a": "ready", "lc-b": "blocked", "lc-c": "ready"}, "statuses")
        ready = api.list_jobs(workflow_id, status=JobStatus.READY)
        equal({j.name for j in ready.items}, {"lc-a", "lc-c"}, "ready jobs by status filter")

    with run.step("create_compute_node and run_id"):
        node_id = compute_node(api, workflow_id)
        run_id = run_id_of(api, workflow_id)

    with run.step("claim_jobs_based_on_resources"):
        claimed = claim(api, workflow_id)
        equal(sorted(j.name for j in claimed), ["lc-a", "lc-c"], "claimed jobs")
        equal(status_of(api, a.id), "pending", "status of a claimed job")
        equal(claim(api, workflow_id), [], "a second claim while nothing else is ready")

    with run.step("start_job"):
        for job in claimed:
            start(api, job.id, run_id, node_id)

    if MODERN:
        with run.step("get_running_jobs"):
            running = api.get_running_jobs(workflow_id)
            equal(running.total_count, 2, "running jobs")
            by_id = {r.job_id: r for r in running.items}
            equal(set(by_id), {a.id, c.id}, "ids of running jobs")
            equal(by_id[a.id].job_name, "lc-a", "running job name")
            equal(by_id[a.id].compute_node_name, HOSTNAME, "running job's compute node")
            equal(by_id[a.id].scheduler_type, "local", "scheduler type of a local node")

    with run.step("complete_job"):
        complete(api, api.get_job(a.id), run_id, node_id)

    with run.step("dependent becomes ready"):
        wait_for(lambda: status_of(api, b.id) == "ready", "lc-b to become ready")

    if MODERN:
        with run.step("batch_complete_jobs"):
            from torc.openapi_client.models import BatchCompleteJobsRequest, JobCompletionEntry

            job = api.get_job(c.id)
            failure = result(job, run_id, node_id, return_code=1)
            missing = result(job, run_id, node_id)
            missing.job_id = 10**9
            entries = [
                JobCompletionEntry(job_id=c.id, run_id=run_id, status="failed", result=failure),
                JobCompletionEntry(job_id=10**9, run_id=run_id, status="completed", result=missing),
            ]
            answer = api.batch_complete_jobs(
                workflow_id, BatchCompleteJobsRequest(completions=entries)
            )
            equal(answer.completed, [c.id], "completed ids")
            equal([e.job_id for e in answer.errors], [10**9], "ids reported as errors")
            expect(answer.errors[0].message, "the error for an unknown job has no message")
    else:
        with run.step("complete_job as failed"):
            complete(api, api.get_job(c.id), run_id, node_id, return_code=1)
    with run.step("failed status"):
        equal(status_of(api, c.id), "failed", "status of lc-c")

    with run.step("retry_job"):
        # 0.12 has no max_retries parameter; later clients must send one
        if OLDEST:
            retried = api.retry_job(c.id, run_id)
        else:
            retried = api.retry_job(c.id, run_id, max_retries=3)
        equal(retried.status, "ready", "status after retry_job")
        equal(retried.attempt_id, 2, "attempt after retry_job")

    with run.step("claim_next_jobs and finish"):
        claimed = api.claim_next_jobs(workflow_id, limit=10).jobs or []
        equal(sorted(j.name for j in claimed), ["lc-b", "lc-c"], "jobs claimed next")
        for job in claimed:
            start(api, job.id, run_id, node_id)
            complete(api, api.get_job(job.id), run_id, node_id)

    with run.step("is_workflow_complete"):
        wait_for(lambda: api.is_workflow_complete(workflow_id).is_complete, "completion")
        equal(api.is_workflow_complete(workflow_id).is_canceled, False, "is_canceled")

    with run.step("get_workflow_status"):
        status = api.get_workflow_status(workflow_id)
        if MODERN:
            equal(status.workflow_id, workflow_id, "workflow_id")
            equal((status.workflow_name, status.workflow_user), ("lc-wf", "bob"), "name, user")
            equal(status.total_jobs, 3, "total_jobs")
            equal(status.jobs_by_status.completed, 3, "completed jobs")
            equal(status.jobs_by_status.ready + status.jobs_by_status.running, 0, "unfinished")
            equal(status.is_complete, True, "is_complete")
            equal(status.is_canceled, False, "is_canceled")
            equal(status.active_compute_nodes, 1, "active compute nodes")
        else:
            equal(status.run_id, run_id, "run_id")
            equal(status.is_canceled, False, "is_canceled")

    with run.step("list_results"):
        results = api.list_results(workflow_id).items
        codes = sorted((r.job_id, r.attempt_id, r.return_code) for r in results)
        expected = sorted([(a.id, 1, 0), (b.id, 1, 0), (c.id, 1, 1), (c.id, 2, 0)])
        equal(codes, expected, "(job, attempt, return code) of the results")
        only_a = api.list_results(workflow_id, job_id=a.id).items
        equal([(r.run_id, r.compute_node_id) for r in only_a], [(run_id, node_id)], "a's result")

    with run.step("create_event and list_events"):
        stamp = int(time.time() * 1000)
        data = {"category": "published", "message": "hello"}
        api.create_event(EventModel(workflow_id=workflow_id, timestamp=stamp, data=data))
        events = api.list_events(workflow_id).items
        expect(any(e.data == data for e in events), f"our event is not among {len(events)}")

    with run.step("access group"):
        group = api.create_access_group(AccessGroupModel(name=f"lc-group-{workflow_id}"))
        if OLDEST:
            link = WorkflowAccessGroupModel(workflow_id=workflow_id, group_id=group.id)
            added = api.add_workflow_to_group(workflow_id, link)
        else:
            added = api.add_workflow_to_group(workflow_id, group.id)
        equal((added.workflow_id, added.group_id), (workflow_id, group.id), "link")
        names = [g.name for g in api.list_workflow_groups(workflow_id).items]
        equal(names, [group.name], "the workflow's groups")

    if MODERN:
        with run.step("get_slurm_job_correlations"):
            correlations = api.get_slurm_job_correlations(workflow_id)
            equal((correlations.items, correlations.total_count), ([], 0), "correlations")

    run.finish()


if __name__ == "__main__":
    main()
