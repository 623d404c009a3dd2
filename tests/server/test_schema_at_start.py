"""The start-up path to a current schema (``migrate.prepare``): an empty database gets the
models' tables directly, one at the newest revision is left alone, an older one goes
through Alembic, and the first two never load Alembic at all."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.postgres import PostgresServer
from torc_server.db import migrate
from torc_server.db.engine import Database
from torc_server.db.tables import METADATA


def sqlite_schema(path: Path) -> dict[str, Any]:
    """Every table's columns, indexes and foreign keys, as SQLite reports them."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        schema: dict[str, Any] = {}
        for table in tables:
            indexes = {
                (
                    row[1],
                    row[2],
                    tuple(col[2] for col in conn.execute(f"PRAGMA index_info('{row[1]}')")),
                )
                for row in conn.execute(f"PRAGMA index_list('{table}')")
            }
            schema[table] = (
                conn.execute(f"PRAGMA table_info('{table}')").fetchall(),
                indexes,
                {row[2:] for row in conn.execute(f"PRAGMA foreign_key_list('{table}')")},
            )
        return schema
    finally:
        conn.close()


def revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return migrate.current_revision(conn)


def test_head_revision_is_alembics(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "t.db"))
    script = ScriptDirectory.from_config(migrate.alembic_config(db.engine))
    assert migrate.head_revision() == script.get_current_head()
    db.dispose()


def test_empty_sqlite_database_gets_the_migrated_schema(tmp_path: Path) -> None:
    direct, migrated = (
        Database(str(tmp_path / "direct.db")),
        Database(str(tmp_path / "migrated.db")),
    )
    migrate.prepare(direct.engine)
    migrate.upgrade(migrated.engine)
    assert sqlite_schema(tmp_path / "direct.db") == sqlite_schema(tmp_path / "migrated.db")
    assert revision(direct) == revision(migrated) == migrate.head_revision()
    migrate.upgrade(direct.engine)  # Alembic agrees it is current: nothing to do
    assert revision(direct) == migrate.head_revision()
    for db in (direct, migrated):
        db.dispose()


def test_empty_postgresql_database_matches_the_models(postgres: PostgresServer) -> None:
    db = Database(postgres.new_database())
    migrate.prepare(db.engine)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert list(compare_metadata(context, METADATA)) == []
    assert revision(db) == migrate.head_revision()
    db.dispose()


def test_older_database_is_migrated(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "old.db"))
    migrate.upgrade(db.engine, "0001")
    migrate.prepare(db.engine)
    assert revision(db) == migrate.head_revision()
    db.dispose()
    fresh = Database(str(tmp_path / "fresh.db"))
    migrate.prepare(fresh.engine)
    assert sqlite_schema(tmp_path / "old.db") == sqlite_schema(tmp_path / "fresh.db")
    fresh.dispose()


def test_alembic_is_not_loaded_unless_needed(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from torc_server.db import migrate\n"
        "from torc_server.db.engine import Database\n"
        f"db = Database({str(tmp_path / 't.db')!r})\n"
        "migrate.prepare(db.engine)\n"
        "migrate.prepare(db.engine)\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
