"""The system ``admin`` group: its members are exactly the server's ``--admin-user``s.

It is made (or brought up to date) at every start, so the configuration stays the only
way to change who administers the server; the API refuses to delete it or change its
members. Created on an empty database it takes ID 0, leaving 1, 2, ... to the groups
users make (as the manual's tutorial shows them).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from torc_server.resources import T

NAME = "admin"
GROUP, MEMBER = T["access_group"], T["user_group_membership"]
logger = logging.getLogger("torc_server")


def sync(conn: Connection, admins: tuple[str, ...]) -> int:
    """Create or update the group; returns its ID."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    row = conn.execute(select(GROUP.c.id, GROUP.c.is_system).where(GROUP.c.name == NAME)).first()
    if row is None:
        taken = conn.execute(select(GROUP.c.id).where(GROUP.c.id == 0)).first() is not None
        values: dict[str, object] = {
            "name": NAME,
            "description": "System administrators (--admin-user)",
            "is_system": True,
            "created_at": now,
        }
        if not taken:
            values["id"] = 0
        group_id = conn.execute(insert(GROUP).values(values)).inserted_primary_key[0]  # type: ignore[index]
    else:
        group_id = row.id
        if not row.is_system:
            logger.warning("the access group named 'admin' becomes the system admin group")
            conn.execute(update(GROUP).where(GROUP.c.id == group_id).values(is_system=True))
    members = set(
        conn.execute(select(MEMBER.c.user_name).where(MEMBER.c.group_id == group_id)).scalars()
    )
    wanted = set(admins)
    if members - wanted:
        conn.execute(
            delete(MEMBER).where(
                MEMBER.c.group_id == group_id, MEMBER.c.user_name.in_(members - wanted)
            )
        )
    for user in sorted(wanted - members):
        conn.execute(
            insert(MEMBER).values(user_name=user, group_id=group_id, role="admin", created_at=now)
        )
    return int(group_id)
