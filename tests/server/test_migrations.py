"""Alembic migrations build exactly the schema the SQLModel tables describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tests.postgres import PostgresServer
from torc_server.db import migrate
from torc_server.db.engine import Database
from torc_server.db.tables import METADATA


def schema_differences(db: Database) -> list[Any]:
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, METADATA))


def test_sqlite_upgrade_matches_models(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "fresh.db"))
    assert schema_differences(db) == []
    tables = set(inspect(db.engine).get_table_names())
    assert set(METADATA.tables) <= tables
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_postgresql_upgrade_matches_models(postgres: PostgresServer) -> None:
    db = Database(postgres.new_database())
    assert schema_differences(db) == []
    db.dispose()


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "twice.db"))
    migrate.upgrade(db.engine)
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        head = ScriptDirectory.from_config(migrate.alembic_config(db.engine)).get_current_head()
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
    db.dispose()


def test_every_workflow_table_cascades() -> None:
    for table in METADATA.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "workflow":
                assert fk.ondelete == "CASCADE", f"{table.name}.{fk.parent.name}"
