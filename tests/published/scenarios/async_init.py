# mypy: ignore-errors
"""Asynchronous initialization through torc-client 0.35: ``initialize_jobs(async=true)``
answers 202 with a task, the task runs to success, and the jobs end up initialized.
Run as ``python async_init.py SERVER_URL``."""

from __future__ import annotations

from _support import Failed, Scenario, equal, expect, wait_for

from torc.openapi_client import TasksApi
from torc.openapi_client.models import JobModel, TaskModel, TaskStatus, WorkflowModel


def main() -> None:
    run = Scenario("async_init")
    api = run.api()
    tasks = TasksApi(api.api_client)  # the published DefaultApi wrapper leaves TasksApi out

    with run.step("create workflow and jobs"):
        workflow_id = api.create_workflow(WorkflowModel(name="async-wf", user="dave")).id
        first = api.create_job(JobModel(workflow_id=workflow_id, name="first", command="true"))
        api.create_job(
            JobModel(
                workflow_id=workflow_id,
                name="second",
                command="true",
                depends_on_job_ids=[first.id],
            )
        )

    with run.step("initialize_jobs(var_async=True)"):
        answer = api.initialize_jobs_with_http_info(workflow_id, var_async=True)
        equal(answer.status_code, 202, "HTTP status")
        task = answer.data
        expect(isinstance(task, TaskModel), f"the answer is {type(task).__name__}, not TaskModel")
        equal(task.workflow_id, workflow_id, "task workflow_id")
        expect(task.operation, "the task names no operation")
        expect(isinstance(task.created_at_ms, int), f"created_at_ms is {task.created_at_ms!r}")

    with run.step("get_task until succeeded"):

        def finished():
            current = tasks.get_task(task.id)
            if current.status == TaskStatus.FAILED:
                raise Failed(f"task {task.id} failed: {current.error}")
            return current if current.status == TaskStatus.SUCCEEDED else None

        done = wait_for(finished, f"task {task.id} to succeed")
        equal(done.id, task.id, "task id")
        expect(done.finished_at_ms is not None, "a succeeded task has no finished_at_ms")

    with run.step("get_active_task_for_workflow"):
        equal(api.get_active_task_for_workflow(workflow_id).task, None, "active task")

    with run.step("jobs initialized"):
        statuses = {j.name: j.status for j in api.list_jobs(workflow_id).items}
        equal(statuses, {"first": "ready", "second": "blocked"}, "job statuses")

    run.finish()


if __name__ == "__main__":
    main()
