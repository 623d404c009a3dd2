"""One :class:`~torc_server.crud.Resource` per table the API exposes as records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

import torc_models as m
from torc_server.crud import Resource
from torc_server.db.tables import METADATA
from torc_server.wire import Mapper

T = METADATA.tables


def run_state(conn: Connection, records: list[dict[str, Any]]) -> None:
    """Workflows carry their status row's fields and their access groups' names, which
    current clients read from the workflow itself."""
    ids = [record["id"] for record in records]
    status, shared, group = T["workflow_status"], T["workflow_access_group"], T["access_group"]
    states = {
        row["workflow_id"]: row
        for row in conn.execute(select(status).where(status.c.workflow_id.in_(ids))).mappings()
    }
    groups: dict[int, list[str]] = {}
    for workflow_id, name in conn.execute(
        select(shared.c.workflow_id, group.c.name)
        .join(group, group.c.id == shared.c.group_id)
        .where(shared.c.workflow_id.in_(ids))
        .order_by(group.c.name)
    ):
        groups.setdefault(workflow_id, []).append(name)
    for record in records:
        state = states[record["id"]]
        record["status_id"] = record["id"]  # workflow_status.id is the workflow's id
        record["run_id"] = state["run_id"]
        record["is_canceled"] = bool(state["is_canceled"])
        record["is_archived"] = bool(state["is_archived"])
        record["access_groups"] = groups.get(record["id"], [])


workflows = Resource(
    Mapper(
        T["workflow"],
        m.WorkflowModel,
        json_fields=["env", "dynamic_jobs"],
        object_fields=["metadata", "execution_config", "resource_monitor_config", "slurm_defaults"],
    ),
    "workflow",
    annotate=run_state,
)
workflow_status = Resource(Mapper(T["workflow_status"], m.WorkflowStatusModel), "workflow status")
jobs = Resource(
    Mapper(
        T["job"],
        m.JobModel,
        json_fields=["schedule_compute_nodes", "env"],
        status_fields=["status"],
        renamed={"compute_node_id": "active_compute_node_id"},
    ),
    "job",
)
files = Resource(Mapper(T["file"], m.FileModel), "file")
user_data = Resource(
    Mapper(T["user_data"], m.UserDataModel, json_fields=["data"]), "user data record"
)
resource_requirements = Resource(
    Mapper(T["resource_requirements"], m.ResourceRequirementsModel), "resource requirements"
)


def job_names(conn: Connection, records: list[dict[str, Any]]) -> None:
    """Results carry their job's name, so that listings need no second request."""
    ids = {record["job_id"] for record in records}
    job = T["job"]
    names = dict(conn.execute(select(job.c.id, job.c.name).where(job.c.id.in_(ids))).all())
    for record in records:
        record["job_name"] = names.get(record["job_id"])


results = Resource(
    Mapper(T["result"], m.ResultModel, status_fields=["status"]), "result", annotate=job_names
)
events = Resource(Mapper(T["event"], m.EventModel, json_fields=["data"]), "event")
compute_nodes = Resource(
    Mapper(T["compute_node"], m.ComputeNodeModel, json_fields=["scheduler"]), "compute node"
)
scheduled_compute_nodes = Resource(
    Mapper(T["scheduled_compute_node"], m.ScheduledComputeNodesModel), "scheduled compute node"
)
local_schedulers = Resource(Mapper(T["local_scheduler"], m.LocalSchedulerModel), "local scheduler")
slurm_schedulers = Resource(Mapper(T["slurm_scheduler"], m.SlurmSchedulerModel), "Slurm scheduler")
failure_handlers = Resource(Mapper(T["failure_handler"], m.FailureHandlerModel), "failure handler")
workflow_actions = Resource(
    Mapper(T["workflow_action"], m.WorkflowActionModel, json_fields=["action_config", "job_ids"]),
    "workflow action",
)
slurm_stats = Resource(Mapper(T["slurm_stats"], m.SlurmStatsModel), "Slurm stats record")
access_groups = Resource(Mapper(T["access_group"], m.AccessGroupModel), "access group")
memberships = Resource(
    Mapper(T["user_group_membership"], m.UserGroupMembershipModel), "group membership"
)
ro_crate_entities = Resource(
    Mapper(T["ro_crate_entity"], m.RoCrateEntityModel, object_fields=["metadata"]),
    "RO-Crate entity",
)
