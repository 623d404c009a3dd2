"""``torc-server export``: a standalone SQLite copy of the database, optionally filtered.

Admins hand these copies to users who cannot reach the production database. IDs are
preserved so logs and tickets keep making sense. The steps (from the original):

1. ``VACUUM INTO`` a temporary file next to the output (safe against a live server);
2. reopen it with foreign keys on and ``DELETE FROM workflow WHERE id NOT IN (filter)``,
   letting ``ON DELETE CASCADE`` remove everything those workflows owned;
3. always sweep orphans (rows whose parent is missing, e.g. from a ``sqlite3`` session
   with foreign keys off): cascades only fire for rows deleted now;
4. for a filtered export, empty the access-control tables unless asked to keep them
   (memberships are not per-workflow, so any subset could leak other users' groups);
5. ``VACUUM`` (unless ``--no-vacuum``) and atomically rename into place.

Any failure removes the temporary file: an export never leaves a partial database behind.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from torc_server import sqlite_files

MAX_SWEEPS = 100
ACCESS_TABLES = ("workflow_access_group", "user_group_membership", "access_group")


class ExportError(Exception):
    """An export that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class WorkflowFilter:
    """Which workflows to keep: by owner, by access group or by ID (one kind at most)."""

    users: tuple[str, ...] = ()
    access_groups: tuple[int, ...] = ()
    workflow_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if sum(map(bool, (self.users, self.access_groups, self.workflow_ids))) > 1:
            raise ValueError(
                "--user, --access-group and workflow IDs are mutually exclusive; pick one"
            )

    @property
    def active(self) -> bool:
        return bool(self.users or self.access_groups or self.workflow_ids)

    def describe(self) -> str:
        if self.users:
            return "user " + ", ".join(self.users)
        if self.access_groups:
            return "access group " + ", ".join(map(str, self.access_groups))
        return "workflow ID " + ", ".join(map(str, self.workflow_ids))

    def kept_ids(self) -> tuple[str, list[str | int]]:
        """A subquery selecting the IDs of the workflows to keep, and its parameters."""
        if self.users:
            return _select("SELECT id FROM workflow WHERE user IN", list(self.users))
        if self.access_groups:
            query = "SELECT workflow_id FROM workflow_access_group WHERE group_id IN"
            return _select(query, list(self.access_groups))
        return _select("SELECT id FROM workflow WHERE id IN", list(self.workflow_ids))


def _select(prefix: str, values: list[str | int]) -> tuple[str, list[str | int]]:
    return f"{prefix} ({', '.join('?' * len(values))})", values


@dataclass
class ExportSummary:
    output: Path
    workflows: int = 0
    jobs: int = 0
    size: int = 0
    orphans: Counter[str] = field(default_factory=Counter)
    missing_ids: list[int] = field(default_factory=list)
    access_control_stripped: bool = False


def source_file(database: str) -> Path:
    """The SQLite file to export; PostgreSQL and ``:memory:`` have none to copy."""
    path = sqlite_files.local_path(database)
    if path is None and database.strip() == ":memory:":
        raise ExportError(
            "':memory:' has nothing to export; snapshot the running server with SIGUSR1 "
            "and export the snapshot file"
        )
    if path is None:
        raise ExportError("export works on SQLite databases only; use pg_dump for PostgreSQL")
    if not path.is_file():
        raise ExportError(f"no database at {path}")
    return path


def check_output(output: Path, overwrite: bool) -> None:
    if output.is_dir():
        raise ExportError(f"{output} is a directory; give the path of the file to write")
    if output.exists() and not overwrite:
        raise ExportError(f"{output} already exists; pass --overwrite to replace it")
    if not output.parent.is_dir():
        raise ExportError(f"directory {output.parent} does not exist")


def export_database(
    source: Path,
    output: Path,
    selection: WorkflowFilter,
    *,
    overwrite: bool = False,
    preserve_access_groups: bool = False,
    vacuum: bool = True,
) -> ExportSummary:
    """Write the filtered copy of ``source`` to ``output``; raises ExportError."""
    output = output.absolute()
    check_output(output, overwrite)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    summary = ExportSummary(output)
    try:
        sqlite_files.vacuum_into(source, tmp)
        conn = sqlite_files.connect(tmp, foreign_keys=True)
        try:
            _filter_and_sweep(conn, selection, preserve_access_groups, summary)
            if vacuum:
                conn.execute("VACUUM")
        finally:
            conn.close()
        tmp.replace(output)
    except (sqlite3.Error, OSError) as exc:
        sqlite_files.remove(tmp)
        raise ExportError(f"export failed: {exc}") from exc
    except BaseException:
        sqlite_files.remove(tmp)
        raise
    summary.size = output.stat().st_size
    return summary


def _filter_and_sweep(
    conn: sqlite3.Connection,
    selection: WorkflowFilter,
    preserve_access_groups: bool,
    summary: ExportSummary,
) -> None:
    """Steps 2-4 in one transaction."""
    if not _has_table(conn, "workflow"):
        raise ExportError("the source is not a torc database (it has no workflow table)")
    conn.execute("BEGIN IMMEDIATE")
    if selection.active:
        keep, params = selection.kept_ids()
        found = {
            row[0] for row in conn.execute(f"SELECT id FROM workflow WHERE id IN ({keep})", params)
        }
        if not found:
            raise ExportError(f"no workflow matches {selection.describe()}; nothing exported")
        summary.missing_ids = sorted(set(selection.workflow_ids) - found)
        conn.execute(f"DELETE FROM workflow WHERE id NOT IN ({keep})", params)
    summary.orphans = sweep_orphans(conn)
    if selection.active and not preserve_access_groups:
        for table in ACCESS_TABLES:
            conn.execute(f"DELETE FROM {table}")
        summary.access_control_stripped = True
    summary.workflows = _count(conn, "workflow")
    summary.jobs = _count(conn, "job")
    conn.execute("COMMIT")


def sweep_orphans(conn: sqlite3.Connection) -> Counter[str]:
    """Delete every row ``PRAGMA foreign_key_check`` reports until none are left.

    Deleting an orphan cascades to its own children, so the loop normally ends after one
    pass; it repeats in case a SET NULL or trigger chain exposes new violations."""
    swept: Counter[str] = Counter()
    # The original prunes workflow_status by hand because its link to the workflow has
    # no FK there. Here it has one (foreign_key_check would find these rows too); the
    # explicit prune keeps the sweep correct should that FK ever be dropped.
    pruned = conn.execute(
        "DELETE FROM workflow_status WHERE workflow_id NOT IN (SELECT id FROM workflow)"
    )
    swept["workflow_status"] += max(pruned.rowcount, 0)
    for _ in range(MAX_SWEEPS):
        violations = conn.execute("PRAGMA foreign_key_check").fetchall()
        if not violations:
            return +swept
        for table, rowid, _parent, _fk in violations:
            if rowid is None:
                raise ExportError(f"cannot remove orphaned rows of {table} (it has no rowid)")
            deleted = conn.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
            swept[table] += max(deleted.rowcount, 0)
    raise ExportError(f"foreign-key violations remain after {MAX_SWEEPS} sweeps")


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return conn.execute(query, (name,)).fetchone() is not None


def _count(conn: sqlite3.Connection, table: str) -> int:
    if not _has_table(conn, table):
        return 0
    count: int = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return count
