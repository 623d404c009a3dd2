"""Alembic environment: runs on the connection the server hands over (see migrate.py)."""

from __future__ import annotations

from alembic import context

from torc_server.db.tables import METADATA

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
