"""``torc-server export``: filtered SQLite copies with the same IDs, no orphans, no leaks,
and never a partial file, checked by opening the exported databases with sqlite3."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.ops_helpers import column, query, torc_server, workflow_ids
from torc.api import TorcApi

ACCESS_TABLES = ("access_group", "user_group_membership", "workflow_access_group")


@dataclass
class Source:
    """A database with alice's workflows a1, a2, bob's b1, groups ``energy`` (a1, b1;
    member carol) and ``idle`` (member dave), and the jobs of a deleted workflow left
    behind as orphans."""

    path: Path
    a1: int
    a2: int
    b1: int
    energy: int
    jobs: dict[int, list[int]]
    orphan_jobs: list[int]


def add_workflow(api: TorcApi, name: str, user: str, jobs: int) -> tuple[int, list[int]]:
    workflow = api.create_workflow(m.WorkflowModel(name=name, user=user)).id
    assert workflow is not None
    created = api.create_jobs(m.JobsModel(jobs=[
        m.JobModel(workflow_id=workflow, name=f"{name}-{i}", command="true") for i in range(jobs)
    ])).jobs or []  # fmt: skip
    api.create_file(m.FileModel(workflow_id=workflow, name=f"{name}.txt", path=f"/d/{name}.txt"))
    return workflow, [job.id for job in created if job.id is not None]


def add_group(api: TorcApi, name: str, member: str, workflows: list[int]) -> int:
    group = api.create_access_group(m.AccessGroupModel(name=name)).id
    assert group is not None
    api.add_user_to_group(
        group, m.UserGroupMembershipModel(group_id=group, user_name=member, role="member")
    )
    for workflow in workflows:
        api.add_workflow_to_group(workflow, group)
    return group


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    path = tmp_path_factory.mktemp("export") / "production.db"
    server = ServerProcess(path)
    api = server.api()
    try:
        a1, a1_jobs = add_workflow(api, "a1", "alice", 2)
        a2, a2_jobs = add_workflow(api, "a2", "alice", 1)
        b1, b1_jobs = add_workflow(api, "b1", "bob", 3)
        ghost, ghost_jobs = add_workflow(api, "ghost", "alice", 2)
        energy = add_group(api, "energy", "carol", [a1, b1])
        add_group(api, "idle", "dave", [])
    finally:
        api.close()
        server.stop()
    # what a sqlite3 session (foreign keys off by default) leaves behind
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM workflow WHERE id = ?", (ghost,))
    conn.commit()
    conn.close()
    jobs = {a1: a1_jobs, a2: a2_jobs, b1: b1_jobs}
    return Source(path, a1, a2, b1, energy, jobs, ghost_jobs)


def export(source: Source, output: Path, *args: str | int) -> str:
    result = torc_server("export", "--database", source.path, "--output", output, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def job_ids(path: Path) -> list[int]:
    return column(path, "SELECT id FROM job ORDER BY id")


def assert_no_orphans(path: Path, source: Source) -> None:
    assert query(path, "PRAGMA foreign_key_check") == []
    assert not set(source.orphan_jobs) & set(job_ids(path))
    kept = set(workflow_ids(path))
    for table in ("workflow_status", "file", "resource_requirements", "job"):
        assert set(column(path, f"SELECT workflow_id FROM {table}")) <= kept, table


def count(path: Path, table: str) -> int:
    rows: int = column(path, f"SELECT count(*) FROM {table}")[0]
    return rows


def test_export_by_user_keeps_ids_and_strips_access_control(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "alice.db"
    stdout = export(source, out, "--user", "alice")
    assert workflow_ids(out) == [source.a1, source.a2]
    assert job_ids(out) == sorted(source.jobs[source.a1] + source.jobs[source.a2])
    assert_no_orphans(out, source)
    assert all(count(out, table) == 0 for table in ACCESS_TABLES)
    assert "exported 2 workflow(s) and 3 job(s)" in stdout and "orphaned" in stdout
    assert "--preserve-access-groups" in stdout
    assert [path.name for path in tmp_path.iterdir()] == ["alice.db"]  # no temp files


def test_export_by_ids_can_preserve_access_groups(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "requested.db"
    export(source, out, source.a2, source.b1, "--preserve-access-groups")
    assert workflow_ids(out) == [source.a2, source.b1]
    assert job_ids(out) == sorted(source.jobs[source.a2] + source.jobs[source.b1])
    assert column(out, "SELECT name FROM access_group ORDER BY id") == ["energy", "idle"]
    assert column(out, "SELECT user_name FROM user_group_membership ORDER BY id") == [
        "carol", "dave",
    ]  # fmt: skip
    shared = query(out, "SELECT workflow_id, group_id FROM workflow_access_group")
    assert shared == [(source.b1, source.energy)]  # a1's share went with a1
    assert_no_orphans(out, source)


def test_export_by_access_group_without_vacuum(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "energy.db"
    stdout = export(source, out, "--access-group", source.energy, "--no-vacuum")
    assert workflow_ids(out) == [source.a1, source.b1]
    assert "exported 2 workflow(s) and 5 job(s)" in stdout
    assert all(count(out, table) == 0 for table in ACCESS_TABLES)
    assert_no_orphans(out, source)


def test_unfiltered_export_is_a_full_copy_without_orphans(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "full.db"
    export(source, out)
    assert workflow_ids(out) == [source.a1, source.a2, source.b1]
    assert job_ids(out) == sorted(job for jobs in source.jobs.values() for job in jobs)
    assert (count(out, "access_group"), count(out, "user_group_membership")) == (2, 2)
    assert count(out, "workflow_access_group") == 2
    assert_no_orphans(out, source)
    assert set(source.orphan_jobs) <= set(job_ids(source.path))  # the source is untouched


def test_export_of_a_live_server(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "live.db")
    api = server.api()
    try:
        workflow, jobs = add_workflow(api, "live", "erin", 2)
        out = tmp_path / "copy.db"
        result = torc_server("export", "-d", server.database, "-o", out, workflow)
        assert result.returncode == 0, result.stderr
        assert api.ping().status == "ok"
    finally:
        api.close()
        server.stop()
    assert workflow_ids(out) == [workflow] and job_ids(out) == jobs


def test_existing_output_needs_overwrite(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "out.db"
    export(source, out, "--user", "bob")
    refused = torc_server("export", "-d", source.path, "-o", out, "--user", "alice")
    assert refused.returncode == 1
    assert "already exists; pass --overwrite" in refused.stderr
    assert workflow_ids(out) == [source.b1]  # untouched
    export(source, out, "--user", "alice", "--overwrite")
    assert workflow_ids(out) == [source.a1, source.a2]


def test_failed_exports_leave_no_file(source: Source, tmp_path: Path) -> None:
    not_torc = tmp_path / "other.sqlite"
    with sqlite3.connect(not_torc) as conn:
        conn.execute("CREATE TABLE t (x)")
    cases: list[tuple[list[str | Path | int], str]] = [
        (["--user", "nobody"], "no workflow matches user nobody"),
        ([424242], "no workflow matches workflow ID 424242"),
        (["-d", tmp_path / "missing.db"], "no database at"),
        (["-d", "postgresql://torc@localhost/torc"], "SQLite databases only"),
        (["-d", ":memory:"], "':memory:' has nothing to export"),
        (["-d", not_torc], "not a torc database"),
    ]
    for index, (args, message) in enumerate(cases):
        out_dir = tmp_path / f"case{index}"
        out_dir.mkdir()
        result = torc_server("export", "-d", source.path, "-o", out_dir / "out.db", *args)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert list(out_dir.iterdir()) == [], args  # neither the output nor a temp file
    missing_dir = torc_server("export", "-d", source.path, "-o", tmp_path / "nope" / "out.db")
    assert missing_dir.returncode == 1 and "does not exist" in missing_dir.stderr


def test_filters_are_mutually_exclusive(source: Source, tmp_path: Path) -> None:
    result = torc_server("export", "-d", source.path, "-o", tmp_path / "x.db",
                         "--user", "alice", "--access-group", source.energy)  # fmt: skip
    assert result.returncode == 2 and "mutually exclusive" in result.stderr
    assert list(tmp_path.iterdir()) == []
