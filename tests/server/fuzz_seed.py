"""A small workflow with one record of every kind, and a way to point generated requests
at it.

Without real IDs nearly every generated request would stop at a 404; with them the fuzzer
reaches the code behind the lookups (updates, lifecycle transitions, graph queries).
"""

from __future__ import annotations

import textwrap
from typing import Any

import torc_models as m
from tests.server.helpers import rid
from torc.api import TorcApi
from torc.spec import create_workflow_from_spec, parse_spec_text
from torc.tasks import wait_for_task

REFERS = {
    "workflow_id": "workflows",
    "job_id": "jobs",
    "consumer_job_id": "jobs",
    "producer_job_id": "jobs",
    "produced_by_job_id": "jobs",
    "upstream_job_id": "jobs",
    "compute_node_id": "compute_nodes",
    "active_compute_node_id": "compute_nodes",
    "scheduled_compute_node_id": "scheduled_compute_nodes",
    "group_id": "access_groups",
    "action_id": "actions",
    "needs_file_id": "files",
    "resource_requirements_id": "resource_requirements",
    "failure_handler_id": "failure_handlers",
}
"""Parameter and body field names that hold the ID of a record, and the kind of record."""
FIXED = {"run_id": 1, "user_name": "fuzzer", "worker": "worker1"}
"""Other names with a value the seed workflow has."""

SPEC = """
name: fuzz_seed
user: fuzzer
jobs:
  - name: prepare
    command: echo ${files.output.raw} ${user_data.output.config}
    resource_requirements: small
    failure_handler: retry_once
  - name: work_{i}
    command: cat ${files.input.raw} ${user_data.input.config}
    resource_requirements: small
    parameters:
      i: "1:3"
  - name: report
    command: echo done
    depends_on_regexes: ["^work_\\\\d+$"]
files:
  - name: raw
    path: data/raw.txt
user_data:
  - name: config
    data: {"rate": 0.1}
resource_requirements:
  - name: small
    num_cpus: 1
    memory: 1g
    runtime: PT10M
failure_handlers:
  - name: retry_once
    rules:
      - exit_codes: [3]
        max_retries: 1
slurm_schedulers:
  - name: short
    account: fuzz
    walltime: "01:00:00"
actions:
  - trigger_type: on_workflow_start
    action_type: run_commands
    commands: ["echo start"]
"""


def seed_workflow(api: TorcApi) -> dict[str, int]:
    """Create, initialize and partly run the seed workflow; the ID of one record of each
    kind, keyed by the path segment that serves it (``"jobs"``, ``"access_groups"``...;
    ``"admin"`` serves worker tokens).

    One job has completed (a result, an event, a compute node), and the workflow has a
    local scheduler, a scheduled compute node, a remote worker, an RO-Crate entity and an
    access group, so every record type the contract serves exists at least once.
    """
    spec = parse_spec_text(textwrap.dedent(SPEC), "yaml", "fuzz_seed.yaml")
    workflow_id = create_workflow_from_spec(api, spec)
    api.initialize_jobs(workflow_id)
    node = api.create_compute_node(
        m.ComputeNodeModel(
            workflow_id=workflow_id,
            hostname="localhost",
            pid=1,
            start_time="2026-01-01T00:00:00Z",
            num_cpus=2,
            memory_gb=4.0,
            num_gpus=0,
            num_nodes=1,
            compute_node_type="local",
        )
    )
    job = (api.claim_next_jobs(workflow_id, limit=1).jobs or [])[0]
    api.start_job(rid(job), 1, rid(node))
    result = m.ResultModel(
        workflow_id=workflow_id,
        job_id=rid(job),
        run_id=1,
        compute_node_id=rid(node),
        return_code=0,
        exec_time_minutes=0.1,
        completion_time="2026-01-01T00:01:00Z",
        status=m.JobStatus.completed,
    )
    api.complete_job(rid(job), m.JobStatus.completed, 1, result)
    local = api.create_local_scheduler(m.LocalSchedulerModel(workflow_id=workflow_id))
    scheduled = m.ScheduledComputeNodesModel(
        workflow_id=workflow_id,
        scheduler_id=1,
        scheduler_config_id=rid(local),
        scheduler_type="local",
        status="pending",
    )
    api.create_remote_workers(workflow_id, ["worker1"])
    entity = m.RoCrateEntityModel(
        workflow_id=workflow_id, entity_id="#raw", entity_type="File", metadata={}
    )
    group = api.create_access_group(m.AccessGroupModel(name=f"fuzzers-{workflow_id}"))
    member = m.UserGroupMembershipModel(group_id=rid(group), user_name="fuzzer", role="member")
    api.add_user_to_group(rid(group), member)
    api.add_workflow_to_group(workflow_id, rid(group))
    event = m.EventModel(workflow_id=workflow_id, timestamp=1, data={"note": "seed"})
    return {
        "workflows": workflow_id,
        "jobs": rid(job),
        "files": first(api.list_files(workflow_id)),
        "user_data": first(api.list_user_data(workflow_id)),
        "resource_requirements": first(api.list_resource_requirements(workflow_id)),
        "failure_handlers": first(api.list_failure_handlers(workflow_id)),
        "slurm_schedulers": first(api.list_slurm_schedulers(workflow_id)),
        "actions": rid(api.get_workflow_actions(workflow_id)[0]),
        "compute_nodes": rid(node),
        "results": first(api.list_results(workflow_id)),
        "events": rid(api.create_event(event)),
        "local_schedulers": rid(local),
        "scheduled_compute_nodes": rid(api.create_scheduled_compute_node(scheduled)),
        "ro_crate_entities": rid(api.create_ro_crate_entity(entity)),
        "access_groups": rid(group),
        "tasks": seed_task(api),
        "admin": rid(api.create_worker_token(m.CreateWorkerTokenRequest(workflow_id=workflow_id))),
    }


def seed_task(api: TorcApi) -> int:
    """A finished asynchronous task, on a workflow of its own (initializing the seed
    workflow again would undo its progress)."""
    other = rid(api.create_workflow(m.WorkflowModel(name="fuzz-task", user="fuzzer")))
    task = api.initialize_jobs(other, var_async=True)
    assert isinstance(task, m.TaskModel), task
    return wait_for_task(api, task.id).id


def first(page: Any) -> int:
    """The ID of the first record of a list response."""
    return rid(page.items[0])


def point_at_seed(value: Any, seed: dict[str, int], path: str) -> Any:
    """``value`` (parameters or a body) with every field that names a record naming the
    seed's record instead; a path's own ``id`` is the record its first segment serves."""
    if isinstance(value, list):
        return [point_at_seed(item, seed, path) for item in value]
    if not isinstance(value, dict):
        return value
    pointed: dict[str, Any] = {}
    for name, given in value.items():
        if name in REFERS:
            pointed[name] = seed[REFERS[name]]
        elif name in FIXED:
            pointed[name] = FIXED[name]
        elif name == "id" and "{id}" in path:
            pointed[name] = seed[path.split("/")[1]]
        else:
            pointed[name] = point_at_seed(given, seed, path)
    return pointed
