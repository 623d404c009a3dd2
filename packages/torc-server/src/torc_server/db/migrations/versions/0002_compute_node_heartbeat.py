"""Compute nodes record their last heartbeat (runner liveness).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:20:05.731540
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("compute_node", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_heartbeat", sa.Float(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("compute_node", schema=None) as batch_op:
        batch_op.drop_column("last_heartbeat")
