"""Autogenerate an Alembic revision from the difference between the tables and the schema
the existing migrations produce: ``uv run python scripts/revise_schema.py "add column x"``.

Review the generated file before committing it; autogenerate misses some changes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from torc_server.db import migrate
from torc_server.db.engine import Database


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(str(Path(tmp) / "schema.db"))
        migrate.upgrade(db.engine)
        migrate.revise(db.engine, sys.argv[1])
        db.dispose()


if __name__ == "__main__":
    main()
