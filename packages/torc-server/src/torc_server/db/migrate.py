"""Bring a database to the newest schema with Alembic (same migrations for every engine).

Alembic and the migration scripts take about a tenth of a second to import and run, a
large share of the server's start-up. Most starts need none of it: the database is
already at the newest revision (one query tells), or it is empty and gets its tables
straight from the models, which is the schema the migrations build (the tests compare the
two), stamped with that revision so that later migrations apply as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
)

from torc_server.db.tables import METADATA

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
"""Alembic's own bookkeeping table, as Alembic creates it."""


def head_revision() -> str:
    """The newest revision: scripts/revise_schema.py numbers them 0001, 0002, ... and names
    each file after its number."""
    return max(path.name[:4] for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def prepare(engine: Engine) -> None:
    """Make the schema current, loading Alembic only when there is something to migrate."""
    head = head_revision()
    with engine.connect() as plain:
        conn = plain.execution_options(immediate=True)  # SQLite: one server creates at a time
        with conn.begin():
            tables = set(inspect(conn).get_table_names())
            if not tables:
                create_at_head(conn, head)
                return
            if VERSION_TABLE.name in tables and current_revision(conn) == head:
                return
    upgrade(engine)


def create_at_head(conn: Connection, head: str) -> None:
    """Create every table of the models in an empty database, stamped ``head``."""
    METADATA.create_all(conn)
    VERSION_TABLE.create(conn)
    conn.execute(VERSION_TABLE.insert().values(version_num=head))


def current_revision(conn: Connection) -> str | None:
    revision: str | None = conn.execute(VERSION_TABLE.select()).scalar()
    return revision


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run Alembic's migrations up to ``revision``."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def revise(engine: Engine, message: str) -> None:
    """Autogenerate a new revision from the difference between the models and ``engine``."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)
