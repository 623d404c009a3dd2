"""access group system flag and worker tokens

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:19:52.455981
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("expires_at", sa.String(), nullable=True),
        sa.Column("revoked_at", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("worker_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worker_token_workflow_id"), ["workflow_id"], unique=False
        )

    with op.batch_alter_table("access_group", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_system", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("access_group", schema=None) as batch_op:
        batch_op.drop_column("is_system")

    with op.batch_alter_table("worker_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_token_workflow_id"))

    op.drop_table("worker_token")
