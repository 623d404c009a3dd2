"""The manual's access-group tutorial (alice, bob, carol, dave), step by step, through the
commands it shows: ``torc-htpasswd`` makes the users, ``torc-server run`` requires
passwords and enforces access control, and ``torc`` run as each user shares and unshares
a workflow. Users switch as in the manual, by their credentials in the environment."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest

from tests.cli.auth_helpers import table_rows
from tests.cli.conftest import Torc
from tests.conftest import ServerProcess

USERS = ("alice", "bob", "carol", "dave")
ML_SPEC = """\
name: ml_training_workflow
description: Train a machine learning model
jobs:
  - name: train_model
    command: echo "Training model..."
    resource_requirements: small
resource_requirements:
  - name: small
    num_cpus: 1
    memory: 1g
    runtime: PT10M
"""
DATA_SPEC = (
    ML_SPEC.replace("ml_training_workflow", "data_pipeline")
    .replace("Train a machine learning model", "Process incoming data")
    .replace("train_model", "process_data")
    .replace("Training model", "Processing data")
)


def htpasswd(*args: str, password: str) -> None:
    """``torc-htpasswd`` as the tutorial runs it, the password typed on stdin."""
    subprocess.run(
        ["torc-htpasswd", *args], input=f"{password}\n", text=True, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Torc]:
    root = tmp_path_factory.mktemp("tutorial")
    users = root / "etc" / "htpasswd"
    users.parent.mkdir()
    htpasswd("--cost", "4", "-c", str(users), "alice", password="alice_password")
    for name in USERS[1:]:
        htpasswd("--cost", "4", str(users), name, password=f"{name}_password")
    assert [
        line.split(":", 1)[0]
        for line in users.read_text().splitlines()
        if line and not line.startswith("#")
    ] == [*USERS]
    server = ServerProcess(
        root / "torc.db",
        *("--auth-file", str(users), "--require-auth", "--enforce-access-control"),
        *("--admin-user", "alice"),
    )
    home = root / "home"
    home.mkdir()
    (home / "ml_training.yaml").write_text(ML_SPEC)
    (home / "data_pipeline.yaml").write_text(DATA_SPEC)
    yield Torc(server.url, home)
    server.stop()


def as_user(name: str) -> dict[str, str]:
    return {"TORC_USERNAME": name, "TORC_PASSWORD": f"{name}_password"}


def test_the_access_group_tutorial(tutorial: Torc) -> None:
    torc, alice, carol = tutorial, as_user("alice"), as_user("carol")
    # Step 3: the connection works with a password, and not without one.
    assert json.loads(torc("ping", env=alice).stdout) == {"status": "ok"}
    refused = torc("ping", env={"TORC_USERNAME": "alice", "TORC_PASSWORD": "nope"}, expect=1)
    assert "Authentication failed for user 'alice'" in refused.stderr

    # Step 4: alice, the admin, creates the two groups; nobody else may.
    made = torc("access-groups", "create", "ml-team", "--description", "Machine Learning Team",
                env=alice).stdout  # fmt: skip
    assert made.splitlines() == [
        "Successfully created access group:",
        "  ID: 1",
        "  Name: ml-team",
        "  Description: Machine Learning Team",
    ]
    torc("access-groups", "create", "data-team", "--description", "Data Processing Team",
         env=alice)  # fmt: skip
    denied = torc("access-groups", "create", "rogue", env=carol, expect=1)
    assert "User 'carol' is not a system administrator" in denied.stderr
    rows = table_rows(torc("access-groups", "list", env=alice).stdout)
    assert rows == [
        ["ID", "Name", "Description"],
        ["1", "ml-team", "Machine Learning Team"],
        ["2", "data-team", "Data Processing Team"],
    ]

    # Step 5: members.
    for group, name in (("1", "alice"), ("1", "bob"), ("2", "carol"), ("2", "dave")):
        torc("access-groups", "add-user", group, name, env=alice)
    members = table_rows(torc("access-groups", "list-members", "1", env=alice).stdout)
    assert members == [["User Name", "Role"], ["alice", "member"], ["bob", "member"]]
    groups = table_rows(torc("access-groups", "list-user-groups", "alice", env=alice).stdout)
    assert groups == [["ID", "Name", "Description"], ["1", "ml-team", "Machine Learning Team"]]

    # Step 6: alice and carol each create a workflow.
    ml = torc.json("workflows", "create", "ml_training.yaml", env=alice)["id"]
    data = torc.json("workflows", "create", "data_pipeline.yaml", env=carol)["id"]
    assert (ml, data) == (1, 2)

    # Step 7: carol cannot see alice's workflow, and lists only her own.
    forbidden = torc("workflows", "get", "1", env=carol, expect=1)
    assert "User 'carol' does not have access to workflow 1" in forbidden.stderr
    listed = torc.json("workflows", "list", env=carol)
    assert [(w["id"], w["name"], w["user"]) for w in listed["workflows"]] == [
        (2, "data_pipeline", "carol")
    ]

    # Step 8: alice shares workflow 1 with the data team; carol can read it.
    torc("access-groups", "add-workflow", "1", "2", env=alice)
    shared = table_rows(torc("access-groups", "list-workflow-groups", "1", env=alice).stdout)
    assert shared == [["ID", "Name", "Description"], ["2", "data-team", "Data Processing Team"]]
    record = torc.json("workflows", "get", "1", env=carol)
    assert (record["id"], record["name"], record["user"]) == (1, "ml_training_workflow", "alice")
    denied = torc("access-groups", "add-workflow", "2", "1", env=as_user("bob"), expect=1)
    assert "neither owns workflow 2" in denied.stderr

    # Step 9: alice revokes it again.
    torc("access-groups", "remove-workflow", "1", "2", env=alice)
    again = torc("workflows", "get", "1", env=carol, expect=1)
    assert "User 'carol' does not have access to workflow 1" in again.stderr
    # bob is in ml-team, but the workflow was never shared with it: no access either
    torc("workflows", "get", "1", env=as_user("bob"), expect=1)


def test_without_credentials_nothing_is_answered(tutorial: Torc) -> None:
    refused = tutorial("ping", expect=1)
    assert "Authentication required but no credentials provided" in refused.stderr
