# mypy: ignore-errors
"""Records round-trip through a published client: a workflow (its metadata in the shape that
client sends), files, user data, resource requirements and jobs with their links, the job
filters, and deletion. Run as ``python crud.py SERVER_URL`` by the published client's venv."""

from __future__ import annotations

import json

from _support import GENERATION, Failed, Scenario, equal, expect

from torc.openapi_client import ApiException
from torc.openapi_client.models import (
    FileModel,
    JobModel,
    JobsModel,
    ResourceRequirementsModel,
    UserDataModel,
    WorkflowModel,
)

MODERN = GENERATION >= (0, 35)
METADATA = {"project": "x", "n": 1}
# 0.35 types metadata as an object; 0.22 as a string holding JSON.
SENT_METADATA = METADATA if MODERN else json.dumps(METADATA)


def check_metadata(workflow: WorkflowModel, where: str) -> None:
    """The client gets back the type it sent, holding the same value."""
    got = workflow.metadata
    if MODERN:
        expect(isinstance(got, dict), f"{where}: metadata is {type(got).__name__}, not dict")
        equal(got, METADATA, f"{where}: metadata")
    else:
        expect(isinstance(got, str), f"{where}: metadata is {type(got).__name__}, not str")
        equal(json.loads(got), METADATA, f"{where}: metadata decoded")


def job_names(response) -> set[str]:
    return {job.name for job in response.items}


def main() -> None:
    run = Scenario("crud")
    api = run.api()

    with run.step("create_workflow"):
        model = WorkflowModel(
            name="crud-wf", user="alice", description="first", metadata=SENT_METADATA
        )
        created = api.create_workflow(model)
        workflow_id = created.id
        expect(isinstance(workflow_id, int), f"created workflow has id {workflow_id!r}")
        equal(created.name, "crud-wf", "created name")
        check_metadata(created, "create_workflow")

    with run.step("get_workflow"):
        fetched = api.get_workflow(workflow_id)
        equal((fetched.name, fetched.user), ("crud-wf", "alice"), "name and user")
        check_metadata(fetched, "get_workflow")
        if MODERN:
            expect(isinstance(fetched.run_id, int), f"run_id is {fetched.run_id!r}")
            equal(fetched.is_canceled, False, "is_canceled")
            equal(fetched.is_archived, False, "is_archived")

    with run.step("list_workflows"):
        listed = api.list_workflows(name="crud-wf")
        ours = [w for w in listed.items if w.id == workflow_id]
        equal(len(ours), 1, "workflows listed with our id")
        check_metadata(ours[0], "list_workflows")

    with run.step("update_workflow"):
        fetched.description = "second"
        updated = api.update_workflow(workflow_id, fetched)
        equal(updated.description, "second", "updated description")
        again = api.get_workflow(workflow_id)
        equal(again.description, "second", "description read back")
        check_metadata(again, "get_workflow after update")

    with run.step("create_files"):
        raw = api.create_file(FileModel(workflow_id=workflow_id, name="raw", path="/d/raw.csv"))
        mid = api.create_file(FileModel(workflow_id=workflow_id, name="mid", path="/d/mid.csv"))
        expect(raw.id != mid.id, "two files got one id")
        equal(api.get_file(mid.id).path, "/d/mid.csv", "file path read back")

    with run.step("create_user_data"):
        data = UserDataModel(workflow_id=workflow_id, name="params", data={"alpha": [1, 2]})
        params = api.create_user_data(data)
        equal(api.get_user_data(params.id).data, {"alpha": [1, 2]}, "user data read back")

    with run.step("create_resource_requirements"):
        small = api.create_resource_requirements(
            ResourceRequirementsModel(
                workflow_id=workflow_id, name="small", num_cpus=2, memory="2g", runtime="PT10M"
            )
        )
        got = api.get_resource_requirements(small.id)
        equal((got.num_cpus, got.memory, got.runtime), (2, "2g", "PT10M"), "requirements")

    with run.step("create_job"):
        prep = api.create_job(
            JobModel(
                workflow_id=workflow_id,
                name="prep",
                command="python prep.py",
                input_file_ids=[raw.id],
                output_file_ids=[mid.id],
                input_user_data_ids=[params.id],
                resource_requirements_id=small.id,
            )
        )
        equal(prep.name, "prep", "created job name")

    with run.step("create_jobs (bulk)"):
        batch = JobsModel(
            jobs=[
                JobModel(
                    workflow_id=workflow_id,
                    name=f"work-{i}",
                    command=f"python work.py {i}",
                    depends_on_job_ids=[prep.id],
                    input_file_ids=[mid.id],
                )
                for i in (1, 2)
            ]
            + [JobModel(workflow_id=workflow_id, name="report", command="summarize --all")]
        )
        bulk = api.create_jobs(batch).jobs
        equal([job.name for job in bulk], ["work-1", "work-2", "report"], "bulk job names")
        ids = {job.name: job.id for job in bulk}
        expect(all(isinstance(i, int) for i in ids.values()), f"bulk ids: {ids}")

    with run.step("get_job relationships"):
        work = api.get_job(ids["work-1"])
        equal(work.depends_on_job_ids, [prep.id], "work-1 depends_on_job_ids")
        equal(work.input_file_ids, [mid.id], "work-1 input_file_ids")
        first = api.get_job(prep.id)
        equal(first.output_file_ids, [mid.id], "prep output_file_ids")
        equal(first.resource_requirements_id, small.id, "prep resource_requirements_id")

    with run.step("list_jobs filters"):
        equal(api.list_jobs(workflow_id).total_count, 4, "jobs in the workflow")
        downstream = api.list_jobs(workflow_id, upstream_job_id=prep.id)
        equal(job_names(downstream), {"work-1", "work-2"}, "jobs downstream of prep")
        consumers = api.list_jobs(workflow_id, needs_file_id=mid.id)
        equal(job_names(consumers), {"work-1", "work-2"}, "jobs needing mid")
        uninitialized = api.list_jobs(workflow_id, status="uninitialized")
        equal(uninitialized.total_count, 4, "uninitialized jobs")
        page = api.list_jobs(workflow_id, offset=1, limit=2, sort_by="name")
        equal([j.name for j in page.items], ["report", "work-1"], "page 2 of jobs by name")
        equal(page.has_more, True, "has_more on a middle page")
        linked = api.list_jobs(workflow_id, include_relationships=True)
        deps = {j.name: j.depends_on_job_ids for j in linked.items}
        equal(deps["work-2"], [prep.id], "work-2 dependencies with include_relationships")

    if MODERN:
        with run.step("list_jobs name and command substrings"):
            equal(job_names(api.list_jobs(workflow_id, name="work")), {"work-1", "work-2"}, "name")
            by_command = api.list_jobs(workflow_id, command="summarize")
            equal(job_names(by_command), {"report"}, "command substring")

    with run.step("list_job_dependencies"):
        pairs = api.list_job_dependencies(workflow_id).items
        got = sorted((d.job_name, d.depends_on_job_name) for d in pairs)
        equal(got, [("work-1", "prep"), ("work-2", "prep")], "dependency pairs")

    with run.step("list files and user data"):
        equal(api.list_files(workflow_id).total_count, 2, "files")
        equal({f.name for f in api.list_files(workflow_id, name="mid").items}, {"mid"}, "by name")
        equal([u.name for u in api.list_user_data(workflow_id).items], ["params"], "user data")

    with run.step("delete_workflow"):
        api.delete_workflow(workflow_id)
        try:
            api.get_workflow(workflow_id)
        except ApiException as error:
            equal(error.status, 404, "status of a deleted workflow")
        else:
            raise Failed("the deleted workflow can still be read")
        remaining = {w.id for w in api.list_workflows(name="crud-wf").items}
        expect(workflow_id not in remaining, "the deleted workflow is still listed")

    run.finish()


if __name__ == "__main__":
    main()
