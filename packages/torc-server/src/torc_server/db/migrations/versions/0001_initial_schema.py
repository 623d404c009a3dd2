"""Initial schema: every table of torc_server.db.tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:18:07.989761
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "access_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "workflow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("user", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("timestamp", sa.String(), nullable=True),
        sa.Column("project", sa.String(), nullable=True),
        sa.Column("metadata", sa.Text(), nullable=True),
        sa.Column("compute_node_expiration_buffer_seconds", sa.Integer(), nullable=True),
        sa.Column("compute_node_ignore_workflow_completion", sa.Boolean(), nullable=True),
        sa.Column("compute_node_min_time_for_new_jobs_seconds", sa.Integer(), nullable=True),
        sa.Column("compute_node_wait_for_healthy_database_minutes", sa.Integer(), nullable=True),
        sa.Column("compute_node_wait_for_new_jobs_seconds", sa.Integer(), nullable=True),
        sa.Column("enable_ro_crate", sa.Boolean(), nullable=True),
        sa.Column("execution_config", sa.String(), nullable=True),
        sa.Column("resource_monitor_config", sa.String(), nullable=True),
        sa.Column("slurm_config", sa.String(), nullable=True),
        sa.Column("slurm_defaults", sa.String(), nullable=True),
        sa.Column("use_pending_failed", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("workflow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_user"), ["user"], unique=False)

    op.create_table(
        "compute_node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.String(), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=True),
        sa.Column("num_cpus", sa.Integer(), nullable=False),
        sa.Column("memory_gb", sa.Float(), nullable=False),
        sa.Column("num_gpus", sa.Integer(), nullable=False),
        sa.Column("num_nodes", sa.Integer(), nullable=False),
        sa.Column("time_limit", sa.String(), nullable=True),
        sa.Column("scheduler_config_id", sa.Integer(), nullable=True),
        sa.Column("compute_node_type", sa.String(), nullable=False),
        sa.Column("scheduler", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("compute_node", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_compute_node_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("data", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_workflow_timestamp", ["workflow_id", "timestamp"], unique=False
        )

    op.create_table(
        "failure_handler",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("rules", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id", "name"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("failure_handler", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_failure_handler_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("st_mtime", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("file", schema=None) as batch_op:
        batch_op.create_index("ix_file_workflow_name", ["workflow_id", "name"], unique=False)

    op.create_table(
        "local_scheduler",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("memory", sa.String(), nullable=True),
        sa.Column("num_cpus", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("local_scheduler", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_local_scheduler_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "remote_worker",
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workflow_id", "worker"),
    )
    op.create_table(
        "resource_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("num_cpus", sa.Integer(), nullable=False),
        sa.Column("num_gpus", sa.Integer(), nullable=False),
        sa.Column("num_nodes", sa.Integer(), nullable=False),
        sa.Column("memory", sa.String(), nullable=False),
        sa.Column("runtime", sa.String(), nullable=False),
        sa.Column("memory_bytes", sa.BigInteger(), nullable=False),
        sa.Column("runtime_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id", "name"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("resource_requirements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_requirements_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "scheduled_compute_node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("scheduler_id", sa.Integer(), nullable=False),
        sa.Column("scheduler_config_id", sa.Integer(), nullable=False),
        sa.Column("scheduler_type", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("scheduled_compute_node", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_compute_node_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "slurm_scheduler",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("gres", sa.String(), nullable=True),
        sa.Column("mem", sa.String(), nullable=True),
        sa.Column("nodes", sa.Integer(), nullable=False),
        sa.Column("ntasks_per_node", sa.Integer(), nullable=True),
        sa.Column("partition", sa.String(), nullable=True),
        sa.Column("qos", sa.String(), nullable=True),
        sa.Column("tmp", sa.String(), nullable=True),
        sa.Column("walltime", sa.String(), nullable=False),
        sa.Column("extra", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("slurm_scheduler", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slurm_scheduler_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "user_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("data", sa.String(), nullable=True),
        sa.Column("is_ephemeral", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("user_data", schema=None) as batch_op:
        batch_op.create_index("ix_user_data_workflow_name", ["workflow_id", "name"], unique=False)

    op.create_table(
        "user_group_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["access_group.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_name", "group_id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("user_group_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_group_membership_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_group_membership_user_name"), ["user_name"], unique=False
        )

    op.create_table(
        "workflow_access_group",
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["access_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workflow_id", "group_id"),
    )
    with op.batch_alter_table("workflow_access_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_access_group_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "workflow_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("trigger_type", sa.String(), nullable=False),
        sa.Column("action_type", sa.String(), nullable=False),
        sa.Column("action_config", sa.String(), nullable=True),
        sa.Column("job_ids", sa.String(), nullable=True),
        sa.Column("executed", sa.Boolean(), nullable=False),
        sa.Column("executed_at", sa.String(), nullable=True),
        sa.Column("executed_by", sa.Integer(), nullable=True),
        sa.Column("persistent", sa.Boolean(), nullable=False),
        sa.Column("is_recovery", sa.Boolean(), nullable=False),
        sa.Column("required_triggers", sa.Integer(), nullable=False),
        sa.Column("trigger_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("workflow_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_action_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "workflow_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("is_canceled", sa.Boolean(), nullable=False),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column("has_detected_need_to_run_completion_script", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("command", sa.String(), nullable=False),
        sa.Column("invocation_script", sa.String(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("resource_requirements_id", sa.Integer(), nullable=True),
        sa.Column("scheduler_id", sa.Integer(), nullable=True),
        sa.Column("failure_handler_id", sa.Integer(), nullable=True),
        sa.Column("supports_termination", sa.Boolean(), nullable=False),
        sa.Column("cancel_on_blocking_job_failure", sa.Boolean(), nullable=True),
        sa.Column("schedule_compute_nodes", sa.String(), nullable=True),
        sa.Column("active_compute_node_id", sa.Integer(), nullable=True),
        sa.Column("blocked_by", sa.Integer(), nullable=False),
        sa.Column("unblocking_processed", sa.Boolean(), nullable=False),
        sa.Column("input_hash", sa.String(), nullable=True),
        sa.Column("rr_num_cpus", sa.Integer(), nullable=False),
        sa.Column("rr_num_gpus", sa.Integer(), nullable=False),
        sa.Column("rr_num_nodes", sa.Integer(), nullable=False),
        sa.Column("rr_memory_bytes", sa.BigInteger(), nullable=False),
        sa.Column("rr_runtime_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["failure_handler_id"], ["failure_handler.id"], ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resource_requirements_id"], ["resource_requirements.id"], ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_active_compute_node_id"), ["active_compute_node_id"], unique=False
        )
        batch_op.create_index(
            "ix_job_claim",
            ["workflow_id", "status", sa.literal_column("priority DESC"), "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_job_claim_by_resources",
            [
                "workflow_id",
                "status",
                sa.literal_column("priority DESC"),
                sa.literal_column("rr_num_gpus DESC"),
                sa.literal_column("rr_runtime_seconds DESC"),
                sa.literal_column("rr_memory_bytes DESC"),
                "id",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_job_unprocessed",
            ["unblocking_processed"],
            unique=False,
            sqlite_where=sa.text("unblocking_processed = 0"),
            postgresql_where=sa.text("unblocking_processed = false"),
        )
        batch_op.create_index("ix_job_workflow_name", ["workflow_id", "name"], unique=False)

    op.create_table(
        "ro_crate_entity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["file.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("ro_crate_entity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ro_crate_entity_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "job_depends_on",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_job_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("implicit", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["depends_on_job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "depends_on_job_id"),
    )
    with op.batch_alter_table("job_depends_on", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_depends_on_depends_on_job_id"), ["depends_on_job_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_depends_on_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "job_input_file",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["file.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "file_id"),
    )
    with op.batch_alter_table("job_input_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_input_file_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_job_input_file_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "job_input_user_data",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("user_data_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_data_id"], ["user_data.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "user_data_id"),
    )
    with op.batch_alter_table("job_input_user_data", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_input_user_data_user_data_id"), ["user_data_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_input_user_data_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "job_output_file",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["file.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "file_id"),
    )
    with op.batch_alter_table("job_output_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_output_file_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_job_output_file_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "job_output_user_data",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("user_data_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_data_id"], ["user_data.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "user_data_id"),
    )
    with op.batch_alter_table("job_output_user_data", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_output_user_data_user_data_id"), ["user_data_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_output_user_data_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("compute_node_id", sa.Integer(), nullable=False),
        sa.Column("return_code", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("exec_time_minutes", sa.Float(), nullable=False),
        sa.Column("completion_time", sa.String(), nullable=False),
        sa.Column("peak_cpu_percent", sa.Float(), nullable=True),
        sa.Column("avg_cpu_percent", sa.Float(), nullable=True),
        sa.Column("peak_memory_bytes", sa.BigInteger(), nullable=True),
        sa.Column("avg_memory_bytes", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_job_id"), ["job_id"], unique=False)
        batch_op.create_index(
            "ix_result_workflow_run", ["workflow_id", "run_id", "job_id"], unique=False
        )

    op.create_table(
        "slurm_stats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("slurm_job_id", sa.String(), nullable=True),
        sa.Column("max_rss_bytes", sa.BigInteger(), nullable=True),
        sa.Column("max_vm_size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("max_disk_read_bytes", sa.BigInteger(), nullable=True),
        sa.Column("max_disk_write_bytes", sa.BigInteger(), nullable=True),
        sa.Column("ave_cpu_seconds", sa.Float(), nullable=True),
        sa.Column("node_list", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("slurm_stats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slurm_stats_job_id"), ["job_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_slurm_stats_workflow_id"), ["workflow_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("slurm_stats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slurm_stats_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_slurm_stats_job_id"))

    op.drop_table("slurm_stats")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_index("ix_result_workflow_run")
        batch_op.drop_index(batch_op.f("ix_result_job_id"))

    op.drop_table("result")
    with op.batch_alter_table("job_output_user_data", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_output_user_data_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_job_output_user_data_user_data_id"))

    op.drop_table("job_output_user_data")
    with op.batch_alter_table("job_output_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_output_file_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_job_output_file_file_id"))

    op.drop_table("job_output_file")
    with op.batch_alter_table("job_input_user_data", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_input_user_data_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_job_input_user_data_user_data_id"))

    op.drop_table("job_input_user_data")
    with op.batch_alter_table("job_input_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_input_file_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_job_input_file_file_id"))

    op.drop_table("job_input_file")
    with op.batch_alter_table("job_depends_on", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_depends_on_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_job_depends_on_depends_on_job_id"))

    op.drop_table("job_depends_on")
    with op.batch_alter_table("ro_crate_entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ro_crate_entity_workflow_id"))

    op.drop_table("ro_crate_entity")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_workflow_name")
        batch_op.drop_index(
            "ix_job_unprocessed",
            sqlite_where=sa.text("unblocking_processed = 0"),
            postgresql_where=sa.text("unblocking_processed = false"),
        )
        batch_op.drop_index("ix_job_claim_by_resources")
        batch_op.drop_index("ix_job_claim")
        batch_op.drop_index(batch_op.f("ix_job_active_compute_node_id"))

    op.drop_table("job")
    op.drop_table("workflow_status")
    with op.batch_alter_table("workflow_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_action_workflow_id"))

    op.drop_table("workflow_action")
    with op.batch_alter_table("workflow_access_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_access_group_group_id"))

    op.drop_table("workflow_access_group")
    with op.batch_alter_table("user_group_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_group_membership_user_name"))
        batch_op.drop_index(batch_op.f("ix_user_group_membership_group_id"))

    op.drop_table("user_group_membership")
    with op.batch_alter_table("user_data", schema=None) as batch_op:
        batch_op.drop_index("ix_user_data_workflow_name")

    op.drop_table("user_data")
    with op.batch_alter_table("slurm_scheduler", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slurm_scheduler_workflow_id"))

    op.drop_table("slurm_scheduler")
    with op.batch_alter_table("scheduled_compute_node", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_compute_node_workflow_id"))

    op.drop_table("scheduled_compute_node")
    with op.batch_alter_table("resource_requirements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_requirements_workflow_id"))

    op.drop_table("resource_requirements")
    op.drop_table("remote_worker")
    with op.batch_alter_table("local_scheduler", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_local_scheduler_workflow_id"))

    op.drop_table("local_scheduler")
    with op.batch_alter_table("file", schema=None) as batch_op:
        batch_op.drop_index("ix_file_workflow_name")

    op.drop_table("file")
    with op.batch_alter_table("failure_handler", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_failure_handler_workflow_id"))

    op.drop_table("failure_handler")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_workflow_timestamp")

    op.drop_table("event")
    with op.batch_alter_table("compute_node", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compute_node_workflow_id"))

    op.drop_table("compute_node")
    with op.batch_alter_table("workflow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_user"))

    op.drop_table("workflow")
    op.drop_table("access_group")
