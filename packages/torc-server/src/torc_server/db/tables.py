"""The database schema as SQLAlchemy Core tables; Alembic migrations are checked against it.

Column names follow the API's field names so rows map onto wire models directly. Every
per-workflow table cascades on ``workflow_id``: deleting a workflow deletes everything it
owns. Job status is an INTEGER 0-10 (ADR 0003); JSON payloads are stored as TEXT.
``default=`` values are filled in by SQLAlchemy on insert, not by the database.

Plain Core tables (the server only ever uses ``METADATA``): declaring them as SQLModel
classes cost an eighth of the server's start-up in ORM and pydantic machinery.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

METADATA = MetaData()


def table(name: str, *items: Any) -> Table:
    return Table(name, METADATA, *items)


def column(name: str, *args: Any, **options: Any) -> Column[Any]:
    """A column named by a plain ``str``, as SQLModel's declarative classes named them:
    rows are read back with their column names as keys, and the ``quoted_name`` that
    ``Column(name, ...)`` makes of a name is a ``str`` subclass orjson refuses as a key."""
    unnamed: Column[Any] = Column(*args, **options)
    unnamed.name = unnamed.key = name
    return unnamed


def key() -> Column[Any]:
    return column("id", Integer, primary_key=True)


def required(name: str, kind: Any, **options: Any) -> Column[Any]:
    """A NOT NULL column; ``default=`` is what an insert that omits it stores."""
    return column(name, kind, nullable=False, **options)


def optional(name: str, kind: Any) -> Column[Any]:
    return column(name, kind, nullable=True)


def workflow_fk(*, index: bool = True, primary_key: bool = False) -> Column[Any]:
    return column(
        "workflow_id",
        Integer,
        ForeignKey("workflow.id", ondelete="CASCADE"),
        nullable=False,
        index=index and not primary_key,
        primary_key=primary_key,
    )


def job_fk(name: str = "job_id", *, primary_key: bool = False) -> Column[Any]:
    return column(
        name,
        Integer,
        ForeignKey("job.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
        index=not primary_key,
    )


def optional_fk(name: str, target: str) -> Column[Any]:
    return column(name, Integer, ForeignKey(target, ondelete="SET NULL"))


table(
    "workflow",
    key(),
    required("name", String),
    required("user", String, index=True),
    optional("description", String),
    optional("timestamp", String),
    optional("project", String),
    optional("metadata", Text),
    optional("compute_node_expiration_buffer_seconds", Integer),
    optional("compute_node_ignore_workflow_completion", Boolean),
    optional("compute_node_min_time_for_new_jobs_seconds", Integer),
    optional("compute_node_wait_for_healthy_database_minutes", Integer),
    optional("compute_node_wait_for_new_jobs_seconds", Integer),
    optional("enable_ro_crate", Boolean),
    optional("execution_config", String),
    optional("resource_monitor_config", String),
    optional("slurm_config", String),
    optional("slurm_defaults", String),
    optional("use_pending_failed", Boolean),
    optional("env", Text),
    optional("submission_directory", String),
    optional("dynamic_jobs", Text),
)

table(
    "workflow_status",
    key(),
    column(
        "workflow_id",
        Integer,
        ForeignKey("workflow.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    required("run_id", Integer, default=1),
    required("is_canceled", Boolean, default=False),
    required("is_archived", Boolean, default=False),
    required("has_detected_need_to_run_completion_script", Boolean, default=False),
)

table(
    "resource_requirements",
    key(),
    workflow_fk(),
    required("name", String),
    required("num_cpus", Integer, default=1),
    required("num_gpus", Integer, default=0),
    required("num_nodes", Integer, default=1),
    required("memory", String, default="1m"),
    required("runtime", String, default="PT1M"),
    required("memory_bytes", BigInteger, default=1024 * 1024),
    required("runtime_seconds", Integer, default=60),
    UniqueConstraint("workflow_id", "name"),
)

table(
    "failure_handler",
    key(),
    workflow_fk(),
    required("name", String),
    required("rules", String),
    UniqueConstraint("workflow_id", "name"),
)

# A job. ``blocked_by`` counts blockers whose finish has not been processed yet;
# ``unblocking_processed`` is False from a job's final status until the background
# unblocker has applied it to the job's dependents. ``rr_*`` mirror the job's resource
# requirements so claims filter and sort on indexed columns without a join.
_job = table(
    "job",
    key(),
    workflow_fk(index=False),
    required("name", String),
    required("command", String),
    optional("invocation_script", String),
    required("status", Integer, default=0),
    required("attempt_id", Integer, default=1),
    required("priority", Integer, default=0),
    optional_fk("resource_requirements_id", "resource_requirements.id"),
    optional("scheduler_id", Integer),
    optional_fk("failure_handler_id", "failure_handler.id"),
    required("supports_termination", Boolean, default=False),
    optional("cancel_on_blocking_job_failure", Boolean),
    optional("schedule_compute_nodes", String),
    column("active_compute_node_id", Integer, nullable=True, index=True),
    required("blocked_by", Integer, default=0),
    required("unblocking_processed", Boolean, default=True),
    optional("input_hash", String),
    required("rr_num_cpus", Integer, default=1),
    required("rr_num_gpus", Integer, default=0),
    required("rr_num_nodes", Integer, default=1),
    required("rr_memory_bytes", BigInteger, default=1024 * 1024),
    required("rr_runtime_seconds", Integer, default=0),
    optional("env", Text),
    # NULL for declared jobs, "retry" or "spawn" for jobs added while the workflow runs.
    optional("origin", String),
    optional("start_time", String),
    Index("ix_job_workflow_name", "workflow_id", "name"),
    Index(
        "ix_job_unprocessed",
        "unblocking_processed",
        sqlite_where=text("unblocking_processed = 0"),
        postgresql_where=text("unblocking_processed = false"),
    ),
)
# Claims read ready jobs in priority order, FIFO within a priority; resource-aware claims
# add the default sort method (GPUs, runtime, memory, all descending).
Index("ix_job_claim", _job.c.workflow_id, _job.c.status, _job.c.priority.desc(), _job.c.id)
Index(
    "ix_job_claim_by_resources",
    *(_job.c.workflow_id, _job.c.status, _job.c.priority.desc(), _job.c.rr_num_gpus.desc()),
    *(_job.c.rr_runtime_seconds.desc(), _job.c.rr_memory_bytes.desc(), _job.c.id),
)

# An edge ``job_id`` waits for ``depends_on_job_id``; ``implicit`` edges come from file and
# user-data producers and are rebuilt by each initialization.
table(
    "job_depends_on",
    job_fk(primary_key=True),
    column(
        "depends_on_job_id",
        Integer,
        ForeignKey("job.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    workflow_fk(),
    required("implicit", Boolean, default=False),
)

table(
    "file",
    key(),
    workflow_fk(index=False),
    required("name", String),
    required("path", String),
    optional("st_mtime", Float),
    Index("ix_file_workflow_name", "workflow_id", "name"),
)

table(
    "user_data",
    key(),
    workflow_fk(index=False),
    required("name", String),
    optional("data", String),
    required("is_ephemeral", Boolean, default=False),
    Index("ix_user_data_workflow_name", "workflow_id", "name"),
)


def link_table(direction: str, target: str, target_id: str) -> Table:
    """Job <-> file / user-data link tables share one shape."""
    return table(
        f"job_{direction}_{target}",
        job_fk(primary_key=True),
        column(
            target_id,
            Integer,
            ForeignKey(f"{target}.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        workflow_fk(),
    )


link_table("input", "file", "file_id")
link_table("output", "file", "file_id")
link_table("input", "user_data", "user_data_id")
link_table("output", "user_data", "user_data_id")

table(
    "result",
    key(),
    workflow_fk(index=False),
    job_fk(),
    required("run_id", Integer),
    required("attempt_id", Integer, default=1),
    required("compute_node_id", Integer),
    required("return_code", Integer),
    required("status", Integer),
    required("exec_time_minutes", Float),
    required("completion_time", String),
    optional("peak_cpu_percent", Float),
    optional("avg_cpu_percent", Float),
    optional("peak_memory_bytes", BigInteger),
    optional("avg_memory_bytes", BigInteger),
    optional("oom_killed", Boolean),
    Index("ix_result_workflow_run", "workflow_id", "run_id", "job_id"),
)

table(
    "event",
    key(),
    workflow_fk(index=False),
    required("timestamp", BigInteger),
    optional("category", String),
    optional("data", String),
    Index("ix_event_workflow_timestamp", "workflow_id", "timestamp"),
)

table(
    "compute_node",
    key(),
    workflow_fk(),
    required("hostname", String),
    required("pid", Integer),
    required("start_time", String),
    optional("duration_seconds", Float),
    optional("is_active", Boolean),
    required("num_cpus", Integer),
    required("memory_gb", Float),
    required("num_gpus", Integer),
    required("num_nodes", Integer),
    optional("time_limit", String),
    optional("scheduler_config_id", Integer),
    required("compute_node_type", String),
    optional("scheduler", String),
    # Unix time of the runner's last round trip; a silent runner is presumed dead.
    optional("last_heartbeat", Float),
    optional("avg_cpu_percent", Float),
    optional("avg_memory_bytes", BigInteger),
    optional("peak_cpu_percent", Float),
    optional("peak_memory_bytes", BigInteger),
    optional("sample_count", Integer),
)

table(
    "scheduled_compute_node",
    key(),
    workflow_fk(),
    required("scheduler_id", Integer),
    required("scheduler_config_id", Integer),
    required("scheduler_type", String),
    required("status", String),
)

table(
    "local_scheduler",
    key(),
    workflow_fk(),
    optional("name", String),
    optional("memory", String),
    optional("num_cpus", Integer),
)

table(
    "slurm_scheduler",
    key(),
    workflow_fk(),
    optional("name", String),
    required("account", String),
    optional("gres", String),
    optional("mem", String),
    required("nodes", Integer),
    optional("ntasks_per_node", Integer),
    optional("partition", String),
    optional("qos", String),
    optional("tmp", String),
    required("walltime", String),
    optional("extra", String),
)

table(
    "workflow_action",
    key(),
    workflow_fk(),
    required("trigger_type", String),
    required("action_type", String),
    optional("action_config", String),
    optional("job_ids", String),
    required("executed", Boolean, default=False),
    optional("executed_at", String),
    optional("executed_by", Integer),
    required("persistent", Boolean, default=False),
    required("is_recovery", Boolean, default=False),
    required("required_triggers", Integer, default=1),
    required("trigger_count", Integer, default=0),
)

table(
    "remote_worker",
    workflow_fk(primary_key=True),
    required("worker", String, primary_key=True),
)

table(
    "access_group",
    key(),
    required("name", String, unique=True),
    optional("description", String),
    optional("created_at", String),
    # last, with a server default: where migration 0004 adds it to existing databases
    required("is_system", Boolean, default=False, server_default=false()),
)

table(
    "user_group_membership",
    key(),
    required("user_name", String, index=True),
    column(
        "group_id",
        Integer,
        ForeignKey("access_group.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    required("role", String, default="member"),
    optional("created_at", String),
    UniqueConstraint("user_name", "group_id"),
)

table(
    "workflow_access_group",
    workflow_fk(primary_key=True),
    column(
        "group_id",
        Integer,
        ForeignKey("access_group.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    optional("created_at", String),
)

table(
    "worker_token",
    key(),
    workflow_fk(),
    required("token_hash", String, unique=True),
    optional("name", String),
    required("created_by", String),
    required("created_at", String),
    optional("expires_at", String),
    optional("revoked_at", String),
)

table(
    "ro_crate_entity",
    key(),
    workflow_fk(),
    optional_fk("file_id", "file.id"),
    required("entity_id", String),
    required("entity_type", String),
    required("metadata", Text),
)

table(
    "slurm_stats",
    key(),
    workflow_fk(),
    job_fk(),
    required("run_id", Integer),
    required("attempt_id", Integer),
    optional("slurm_job_id", String),
    optional("max_rss_bytes", BigInteger),
    optional("max_vm_size_bytes", BigInteger),
    optional("max_disk_read_bytes", BigInteger),
    optional("max_disk_write_bytes", BigInteger),
    optional("ave_cpu_seconds", Float),
    optional("node_list", String),
)

# IDs are never reused, even after deletes: logs, file names and tickets refer to them.
for _table in METADATA.tables.values():
    if "id" in _table.c and _table.c.id.primary_key:
        _table.dialect_options["sqlite"]["autoincrement"] = True

# Long operations run in the background (``initialize_jobs?async=true``); ``params`` holds
# the request's arguments as JSON. A workflow has at most one queued or running task.
table(
    "task",
    key(),
    workflow_fk(),
    required("operation", String),
    required("status", String, default="queued"),
    optional("params", Text),
    required("created_at_ms", BigInteger),
    optional("started_at_ms", BigInteger),
    optional("finished_at_ms", BigInteger),
    optional("error", Text),
)

# spawn_jobs: each lineage of a workflow counts its iterations and keeps its latest state.
table(
    "spawn_lineage",
    workflow_fk(primary_key=True),
    column("lineage", String, primary_key=True),
    required("iteration", Integer, default=0),
    optional("state", Text),
)
