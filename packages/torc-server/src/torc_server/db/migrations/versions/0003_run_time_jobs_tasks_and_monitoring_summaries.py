"""run-time jobs, tasks and monitoring summaries

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:47:52.730119
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spawn_lineage",
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("lineage", sa.String(), nullable=False),
        sa.Column("iteration", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workflow_id", "lineage"),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("params", sa.Text(), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("started_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("finished_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_workflow_id"), ["workflow_id"], unique=False)

    with op.batch_alter_table("compute_node", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avg_cpu_percent", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("avg_memory_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("peak_cpu_percent", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("peak_memory_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("sample_count", sa.Integer(), nullable=True))

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("env", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("origin", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("start_time", sa.String(), nullable=True))

    with op.batch_alter_table("workflow", schema=None) as batch_op:
        batch_op.add_column(sa.Column("env", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("submission_directory", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("dynamic_jobs", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workflow", schema=None) as batch_op:
        batch_op.drop_column("dynamic_jobs")
        batch_op.drop_column("submission_directory")
        batch_op.drop_column("env")

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("start_time")
        batch_op.drop_column("origin")
        batch_op.drop_column("env")

    with op.batch_alter_table("compute_node", schema=None) as batch_op:
        batch_op.drop_column("sample_count")
        batch_op.drop_column("peak_memory_bytes")
        batch_op.drop_column("peak_cpu_percent")
        batch_op.drop_column("avg_memory_bytes")
        batch_op.drop_column("avg_cpu_percent")

    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_workflow_id"))

    op.drop_table("task")
    op.drop_table("spawn_lineage")
