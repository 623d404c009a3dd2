"""Dead job runners: their jobs go back to ``ready`` so that other runners finish them.

A runner is dead when its process is gone (it runs on this host and its PID no longer
exists) or when it has not been heard from for ``timeout`` seconds (runners exchange at
least every few seconds while alive) while the server could hear it: time the server was
down or its storage refused writes does not count, so runners waiting out an outage are
not declared dead when it ends. Its running jobs, and the jobs it had claimed but
not started, return to ``ready`` with the same attempt number: a lost process is not a
failure of the job. The compute node is marked inactive and an event records what happened;
the Slurm allocation it ran in (its scheduled compute node) is complete once no runner of
that allocation is left.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time

from sqlalchemy import Connection

from torc_server.db.sql import sql
from torc_server.lifecycle import events
from torc_server.settings import DEFAULT_RUNNER_TIMEOUT as DEFAULT_TIMEOUT

logger = logging.getLogger(__name__)
HOST = socket.gethostname()
RECONNECT_GRACE = 10.0
"""Seconds a runner may take to be heard once the server can listen again: runners retry
an unreachable server with backoff capped at 10 s (``torc.api.base``)."""


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reap_dead_runners(
    conn: Connection, timeout: float = DEFAULT_TIMEOUT, *, listening_since: float = 0.0
) -> int:
    """Release the jobs of dead runners; return how many jobs went back to ready.
    ``listening_since``: when this server became able to hear runners (epoch seconds)."""
    nodes = conn.execute(
        sql(
            "SELECT id, workflow_id, hostname, pid, last_heartbeat, scheduler FROM compute_node "
            "WHERE is_active = :yes"
        ),
        {"yes": True},
    ).all()
    now = time.time()
    released = 0
    for node in nodes:
        local_and_gone = node.hostname == HOST and _process_gone(node.pid)
        heard = (
            None
            if node.last_heartbeat is None
            else max(node.last_heartbeat, listening_since + RECONNECT_GRACE)
        )
        silent = heard is not None and now - heard > timeout
        if not (local_and_gone or silent):
            continue
        count = conn.execute(
            sql(
                "UPDATE job SET status = 2, active_compute_node_id = NULL, start_time = NULL "
                "WHERE active_compute_node_id = :node AND status IN (3, 4)"
            ),
            {"node": node.id},
        ).rowcount
        conn.execute(
            sql("UPDATE compute_node SET is_active = :no WHERE id = :node"),
            {"no": False, "node": node.id},
        )
        _end_allocation(conn, node.workflow_id, _allocation_of(node.scheduler))
        why = "its process is gone" if local_and_gone else f"silent for over {timeout:.0f} s"
        logger.warning(
            "workflow_id=%d compute node %d (%s pid %d) died: %s; %d jobs back to ready",
            node.workflow_id,
            node.id,
            node.hostname,
            node.pid,
            why,
            count,
        )
        events.record(
            conn,
            node.workflow_id,
            "compute_node",
            "runner_lost",
            f"job runner {node.hostname}:{node.pid} died ({why}); {count} jobs returned to ready",
            compute_node_id=node.id,
            jobs_released=count,
        )
        released += count
    return released


def _allocation_of(scheduler: str | None) -> int | None:
    """The scheduled compute node a Slurm runner recorded in its ``scheduler`` JSON."""
    try:
        found = json.loads(scheduler or "null")
    except ValueError:
        return None
    value = found.get("scheduled_compute_node_id") if isinstance(found, dict) else None
    return value if isinstance(value, int) else None


def _end_allocation(conn: Connection, workflow_id: int, allocation: int | None) -> None:
    if allocation is None:
        return
    others = conn.execute(
        sql("SELECT scheduler FROM compute_node WHERE workflow_id = :wf AND is_active = :yes"),
        {"wf": workflow_id, "yes": True},
    ).scalars()
    if any(_allocation_of(other) == allocation for other in others):
        return  # another node of the allocation still runs
    conn.execute(
        sql("UPDATE scheduled_compute_node SET status = 'complete' WHERE id = :id"),
        {"id": allocation},
    )
