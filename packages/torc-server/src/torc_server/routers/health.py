"""``GET /health`` (tag ``system``): what compute nodes and load balancers poll.

Unlike ``ping`` it also asks the database one trivial question (the schema revision, one
row), so a server whose storage is gone answers 503 instead of ok; it never scans tables.
"""

from __future__ import annotations

from typing import Any

import torc_server
from torc_server.context import ServerContext
from torc_server.db.migrate import current_revision
from torc_server.dispatch import operation


@operation("get_health")
def get_health(ctx: ServerContext) -> dict[str, Any]:
    with ctx.db.read() as conn:
        current_revision(conn)  # storage failures become 503 in Database.read()
    database = "sqlite" if ctx.db.is_sqlite else "postgresql"
    return {"status": "ok", "version": torc_server.__version__, "database": database}
