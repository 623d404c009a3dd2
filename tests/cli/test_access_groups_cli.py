"""``torc access-groups``: every command in table and JSON form against a real server
that enforces access control, sharing a workflow (a member then reads it) and one-line
errors for refused, missing and duplicate things."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.auth_helpers import Logged, auth_server, table_rows
from tests.conftest import ServerProcess

GROUP_HEADER = ["ID", "Name", "Description"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A fresh server per test: group IDs start at 1 (the system admin group is 0)."""
    process = auth_server(tmp_path)
    yield process
    process.stop()


@pytest.fixture
def alice(server: ServerProcess, tmp_path: Path) -> Logged:
    return Logged(server.url, tmp_path, user="alice")


def error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def test_groups_create_list_get_delete(alice: Logged) -> None:
    created = alice("access-groups", "create", "ml-team", "--description", "Machine learning team")
    assert created.stdout == (
        "Successfully created access group:\n  ID: 1\n  Name: ml-team\n"
        "  Description: Machine learning team\n"
    )
    ops = alice.json("access-groups", "create", "ops")
    assert (ops["id"], ops["name"], ops["description"], ops["is_system"]) == (2, "ops", None, False)

    assert table_rows(alice("access-groups", "list").stdout) == [
        GROUP_HEADER,
        ["1", "ml-team", "Machine learning team"],
        ["2", "ops", ""],
    ]  # the system admin group (ID 0) is not listed
    page = alice.json("access-groups", "list")
    assert [g["name"] for g in page["items"]] == ["ml-team", "ops"]
    assert (page["offset"], page["total_count"], page["has_more"]) == (0, 2, False)

    record = dict(table_rows(alice("access-groups", "get", "1").stdout))
    assert record["id"] == "1" and record["description"] == "Machine learning team"
    assert alice.json("access-groups", "get", "2") == ops

    assert alice("access-groups", "delete", "1").stdout == "Successfully deleted access group 1\n"
    assert alice.json("access-groups", "delete", "2") == ops
    assert table_rows(alice("access-groups", "list").stdout) == [GROUP_HEADER]
    assert alice.json("access-groups", "list")["items"] == []


def test_members(alice: Logged) -> None:
    alice("access-groups", "create", "ml-team")
    added = alice("access-groups", "add-user", "1", "bob").stdout
    assert added == "Successfully added user 'bob' to access group 1 (role: member)\n"
    carol = alice.json("access-groups", "add-user", "1", "carol", "--role", "admin")
    assert (carol["group_id"], carol["user_name"], carol["role"]) == (1, "carol", "admin")

    assert table_rows(alice("access-groups", "list-members", "1").stdout) == [
        ["User Name", "Role"],
        ["bob", "member"],
        ["carol", "admin"],
    ]
    members = alice.json("access-groups", "list-members", "1")
    roles = {m["user_name"]: m["role"] for m in members["items"]}
    assert roles == {"bob": "member", "carol": "admin"} and members["total_count"] == 2

    assert table_rows(alice("access-groups", "list-user-groups", "bob").stdout) == [
        GROUP_HEADER,
        ["1", "ml-team", ""],
    ]
    assert [g["id"] for g in alice.json("access-groups", "list-user-groups", "bob")["items"]] == [1]

    removed = alice("access-groups", "remove-user", "1", "bob").stdout
    assert removed == "Successfully removed user 'bob' from access group 1\n"
    assert alice.json("access-groups", "remove-user", "1", "carol")["user_name"] == "carol"
    assert alice.json("access-groups", "list-user-groups", "bob")["items"] == []
    bad_role = alice("access-groups", "add-user", "1", "dave", "--role", "owner", expect=2)
    assert "owner" in bad_role.stderr


def test_sharing_workflows(alice: Logged) -> None:
    """bob shares his workflow with a group carol is in; she can read it until he stops."""
    bob, carol = alice.as_("bob"), alice.as_("carol")
    alice("access-groups", "create", "a")
    alice("access-groups", "create", "b", "-d", "group b")
    alice("access-groups", "add-user", "2", "carol")
    workflow = str(bob.json("workflows", "new", "-n", "shared")["id"])
    refused = carol("workflows", "get", workflow, expect=1)
    assert error(refused) == f"Error: User 'carol' does not have access to workflow {workflow}"

    added = bob("access-groups", "add-workflow", workflow, "2").stdout
    assert added == f"Successfully added workflow {workflow} to access group 2\n"
    assert bob.json("access-groups", "add-workflow", workflow, "1")["group_id"] == 1
    assert carol.json("workflows", "get", workflow)["name"] == "shared"
    assert table_rows(bob("access-groups", "list-workflow-groups", workflow).stdout) == [
        GROUP_HEADER,
        ["1", "a", ""],
        ["2", "b", "group b"],
    ]
    groups = bob.json("access-groups", "list-workflow-groups", workflow)
    assert [g["id"] for g in groups["items"]] == [1, 2] and groups["total_count"] == 2

    removed = bob("access-groups", "remove-workflow", workflow, "2").stdout
    assert removed == f"Successfully removed workflow {workflow} from access group 2\n"
    shared = bob.json("access-groups", "remove-workflow", workflow, "1")
    assert (shared["workflow_id"], shared["group_id"]) == (int(workflow), 1)
    assert bob.json("access-groups", "list-workflow-groups", workflow)["items"] == []
    carol("workflows", "get", workflow, expect=1)


def test_errors_are_the_servers_message_on_one_line(alice: Logged) -> None:
    bob = alice.as_("bob")
    alice("access-groups", "create", "ml-team")
    assert error(bob("access-groups", "create", "x", expect=1)) == (
        "Error: User 'bob' is not a system administrator"
    )
    assert "ml-team" in error(alice("access-groups", "create", "ml-team", expect=1))  # 409
    assert "99" in error(alice("access-groups", "get", "99", expect=1))  # 404
    assert error(bob("access-groups", "add-user", "1", "bob", expect=1)) == (
        "Error: User 'bob' is not an admin of group 1"
    )
    assert "99" in error(alice("-f", "json", "access-groups", "delete", "99", expect=1))
