"""The database schema as SQLModel tables; Alembic migrations are checked against it.

Column names follow the API's field names so rows map onto wire models directly. Every
per-workflow table cascades on ``workflow_id``: deleting a workflow deletes everything it
owns. Job status is an INTEGER 0-10 (ADR 0003); JSON payloads are stored as TEXT.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def workflow_fk() -> Any:
    return Field(
        sa_column=Column(
            Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


def job_fk(*, primary_key: bool = False, index: bool = True) -> Any:
    return Field(
        sa_column=Column(
            Integer,
            ForeignKey("job.id", ondelete="CASCADE"),
            nullable=False,
            primary_key=primary_key,
            index=index and not primary_key,
        )
    )


def optional_fk(target: str) -> Any:
    return Field(default=None, sa_column=Column(Integer, ForeignKey(target, ondelete="SET NULL")))


class Workflow(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    user: str = Field(index=True)
    description: str | None = None
    timestamp: str | None = None
    project: str | None = None
    metadata_: str | None = Field(default=None, sa_column=Column("metadata", Text, nullable=True))
    compute_node_expiration_buffer_seconds: int | None = None
    compute_node_ignore_workflow_completion: bool | None = None
    compute_node_min_time_for_new_jobs_seconds: int | None = None
    compute_node_wait_for_healthy_database_minutes: int | None = None
    compute_node_wait_for_new_jobs_seconds: int | None = None
    enable_ro_crate: bool | None = None
    execution_config: str | None = None
    resource_monitor_config: str | None = None
    slurm_config: str | None = None
    slurm_defaults: str | None = None
    use_pending_failed: bool | None = None


class WorkflowStatus(SQLModel, table=True):
    __tablename__ = "workflow_status"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    run_id: int = 1
    is_canceled: bool = False
    is_archived: bool = False
    has_detected_need_to_run_completion_script: bool = False


class ResourceRequirements(SQLModel, table=True):
    __tablename__ = "resource_requirements"
    __table_args__ = (UniqueConstraint("workflow_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    name: str
    num_cpus: int = 1
    num_gpus: int = 0
    num_nodes: int = 1
    memory: str = "1m"
    runtime: str = "PT1M"
    memory_bytes: int = Field(default=1024 * 1024, sa_type=BigInteger)
    runtime_seconds: int = 60


class FailureHandler(SQLModel, table=True):
    __tablename__ = "failure_handler"
    __table_args__ = (UniqueConstraint("workflow_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    name: str
    rules: str


class Job(SQLModel, table=True):
    """A job. ``blocked_by`` counts blockers whose finish has not been processed yet;
    ``unblocking_processed`` is False from a job's final status until the background
    unblocker has applied it to the job's dependents. ``rr_*`` mirror the job's resource
    requirements so claims filter and sort on indexed columns without a join."""

    __table_args__ = (
        Index("ix_job_workflow_name", "workflow_id", "name"),
        Index(
            "ix_job_unprocessed",
            "unblocking_processed",
            sqlite_where=text("unblocking_processed = 0"),
            postgresql_where=text("unblocking_processed = false"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False)
    )
    name: str
    command: str
    invocation_script: str | None = None
    status: int = 0
    attempt_id: int = 1
    priority: int = 0
    resource_requirements_id: int | None = optional_fk("resource_requirements.id")
    scheduler_id: int | None = None
    failure_handler_id: int | None = optional_fk("failure_handler.id")
    supports_termination: bool = False
    cancel_on_blocking_job_failure: bool | None = None
    schedule_compute_nodes: str | None = None
    active_compute_node_id: int | None = Field(default=None, index=True)
    blocked_by: int = 0
    unblocking_processed: bool = True
    input_hash: str | None = None
    rr_num_cpus: int = 1
    rr_num_gpus: int = 0
    rr_num_nodes: int = 1
    rr_memory_bytes: int = Field(default=1024 * 1024, sa_type=BigInteger)
    rr_runtime_seconds: int = 0


_job = Job.__table__  # type: ignore[attr-defined]
# Claims read ready jobs in priority order, FIFO within a priority; resource-aware claims
# add the default sort method (GPUs, runtime, memory, all descending).
Index("ix_job_claim", _job.c.workflow_id, _job.c.status, _job.c.priority.desc(), _job.c.id)
Index(
    "ix_job_claim_by_resources",
    *(_job.c.workflow_id, _job.c.status, _job.c.priority.desc(), _job.c.rr_num_gpus.desc()),
    *(_job.c.rr_runtime_seconds.desc(), _job.c.rr_memory_bytes.desc(), _job.c.id),
)


class JobDependsOn(SQLModel, table=True):
    """An edge ``job_id`` waits for ``depends_on_job_id``; ``implicit`` edges come from
    file and user-data producers and are rebuilt by each initialization."""

    __tablename__ = "job_depends_on"
    job_id: int = job_fk(primary_key=True)
    depends_on_job_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("job.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )
    workflow_id: int = workflow_fk()
    implicit: bool = False


class File(SQLModel, table=True):
    __table_args__ = (Index("ix_file_workflow_name", "workflow_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False)
    )
    name: str
    path: str
    st_mtime: float | None = None


class UserData(SQLModel, table=True):
    __tablename__ = "user_data"
    __table_args__ = (Index("ix_user_data_workflow_name", "workflow_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False)
    )
    name: str
    data: str | None = None
    is_ephemeral: bool = False


def _link_table(name: str, target: str, column: str) -> type[SQLModel]:
    """Job <-> file / user-data link tables share one shape."""
    return type(
        name,
        (SQLModel,),
        {
            "__tablename__": f"job_{'input' if 'Input' in name else 'output'}_{target}",
            "__annotations__": {"job_id": int, column: int, "workflow_id": int},
            "job_id": job_fk(primary_key=True),
            column: Field(
                sa_column=Column(
                    Integer,
                    ForeignKey(f"{target}.id", ondelete="CASCADE"),
                    primary_key=True,
                    index=True,
                )
            ),
            "workflow_id": workflow_fk(),
        },
        table=True,
    )


JobInputFile = _link_table("JobInputFile", "file", "file_id")
JobOutputFile = _link_table("JobOutputFile", "file", "file_id")
JobInputUserData = _link_table("JobInputUserData", "user_data", "user_data_id")
JobOutputUserData = _link_table("JobOutputUserData", "user_data", "user_data_id")


class Result(SQLModel, table=True):
    __table_args__ = (Index("ix_result_workflow_run", "workflow_id", "run_id", "job_id"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False)
    )
    job_id: int = job_fk()
    run_id: int
    attempt_id: int = 1
    compute_node_id: int
    return_code: int
    status: int
    exec_time_minutes: float
    completion_time: str
    peak_cpu_percent: float | None = None
    avg_cpu_percent: float | None = None
    peak_memory_bytes: int | None = Field(default=None, sa_type=BigInteger)
    avg_memory_bytes: int | None = Field(default=None, sa_type=BigInteger)


class Event(SQLModel, table=True):
    __table_args__ = (Index("ix_event_workflow_timestamp", "workflow_id", "timestamp"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), nullable=False)
    )
    timestamp: int = Field(sa_type=BigInteger)
    category: str | None = None
    data: str | None = None


class ComputeNode(SQLModel, table=True):
    __tablename__ = "compute_node"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    hostname: str
    pid: int
    start_time: str
    duration_seconds: float | None = None
    is_active: bool | None = None
    num_cpus: int
    memory_gb: float
    num_gpus: int
    num_nodes: int
    time_limit: str | None = None
    scheduler_config_id: int | None = None
    compute_node_type: str
    scheduler: str | None = None
    last_heartbeat: float | None = None
    """Unix time of the runner's last round trip; a silent runner is presumed dead."""


class ScheduledComputeNode(SQLModel, table=True):
    __tablename__ = "scheduled_compute_node"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    scheduler_id: int
    scheduler_config_id: int
    scheduler_type: str
    status: str


class LocalScheduler(SQLModel, table=True):
    __tablename__ = "local_scheduler"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    name: str | None = None
    memory: str | None = None
    num_cpus: int | None = None


class SlurmScheduler(SQLModel, table=True):
    __tablename__ = "slurm_scheduler"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    name: str | None = None
    account: str
    gres: str | None = None
    mem: str | None = None
    nodes: int
    ntasks_per_node: int | None = None
    partition: str | None = None
    qos: str | None = None
    tmp: str | None = None
    walltime: str
    extra: str | None = None


class WorkflowAction(SQLModel, table=True):
    __tablename__ = "workflow_action"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    trigger_type: str
    action_type: str
    action_config: str | None = None
    job_ids: str | None = None
    executed: bool = False
    executed_at: str | None = None
    executed_by: int | None = None
    persistent: bool = False
    is_recovery: bool = False
    required_triggers: int = 1
    trigger_count: int = 0


class RemoteWorker(SQLModel, table=True):
    __tablename__ = "remote_worker"
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), primary_key=True)
    )
    worker: str = Field(primary_key=True)


class AccessGroup(SQLModel, table=True):
    __tablename__ = "access_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str | None = None
    created_at: str | None = None


class UserGroupMembership(SQLModel, table=True):
    __tablename__ = "user_group_membership"
    __table_args__ = (UniqueConstraint("user_name", "group_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_name: str = Field(index=True)
    group_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("access_group.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    role: str = "member"
    created_at: str | None = None


class WorkflowAccessGroup(SQLModel, table=True):
    __tablename__ = "workflow_access_group"
    workflow_id: int = Field(
        sa_column=Column(Integer, ForeignKey("workflow.id", ondelete="CASCADE"), primary_key=True)
    )
    group_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("access_group.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    created_at: str | None = None


class RoCrateEntity(SQLModel, table=True):
    __tablename__ = "ro_crate_entity"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    file_id: int | None = optional_fk("file.id")
    entity_id: str
    entity_type: str
    metadata_: str = Field(sa_column=Column("metadata", Text, nullable=False))


class SlurmStats(SQLModel, table=True):
    __tablename__ = "slurm_stats"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = workflow_fk()
    job_id: int = job_fk()
    run_id: int
    attempt_id: int
    slurm_job_id: str | None = None
    max_rss_bytes: int | None = Field(default=None, sa_type=BigInteger)
    max_vm_size_bytes: int | None = Field(default=None, sa_type=BigInteger)
    max_disk_read_bytes: int | None = Field(default=None, sa_type=BigInteger)
    max_disk_write_bytes: int | None = Field(default=None, sa_type=BigInteger)
    ave_cpu_seconds: float | None = None
    node_list: str | None = None


METADATA = SQLModel.metadata

# IDs are never reused, even after deletes: logs, file names and tickets refer to them.
for _table in METADATA.tables.values():
    if "id" in _table.c and _table.c.id.primary_key:
        _table.dialect_options["sqlite"]["autoincrement"] = True
