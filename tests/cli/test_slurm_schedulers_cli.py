"""``torc slurm create | update | list | get | delete`` against a real server, and
``torc workflows sync-status`` on a workflow without allocations (no Slurm needed: with
nothing to check, it asks Slurm nothing)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Torc
from torc.api import TorcApi


@pytest.fixture
def workflow(torc: Torc) -> str:
    return str(torc.json("workflows", "new", "-n", "slurm_configs")["id"])


def test_create_applies_the_seed_defaults(torc: Torc, workflow: str) -> None:
    record = torc.json("slurm", "create", workflow, "-n", "plain", "-a", "acct")
    assert record["workflow_id"] == int(workflow)
    assert (record["name"], record["account"]) == ("plain", "acct")
    assert (record["nodes"], record["walltime"], record["qos"]) == (1, "04:00:00", "normal")
    assert record["partition"] is None and record["extra"] is None
    text = torc("slurm", "create", workflow, "--name", "again", "--account", "acct").stdout
    assert text.startswith("Successfully created Slurm scheduler:")
    assert "  Walltime: 04:00:00" in text


def test_create_takes_every_sbatch_setting(torc: Torc, api: TorcApi, workflow: str) -> None:
    made = torc.json(
        "slurm", "create", workflow, "-n", "big", "-a", "acct", "-g", "gpu:2", "-m", "180G",
        "-N", "4", "-p", "gpu", "-q", "high", "-t", "100G", "-W", "1-12:00:00",
        "-e", "--exclusive --reservation=my-reservation", "--ntasks-per-node", "8",
    )  # fmt: skip
    stored = api.get_slurm_scheduler(made["id"])
    assert stored.model_dump(exclude={"id"}) == {
        "workflow_id": int(workflow),
        "name": "big",
        "account": "acct",
        "gres": "gpu:2",
        "mem": "180G",
        "nodes": 4,
        "partition": "gpu",
        "qos": "high",
        "tmp": "100G",
        "walltime": "1-12:00:00",
        "extra": "--exclusive --reservation=my-reservation",
        "ntasks_per_node": 8,
    }


def test_list_get_update_delete(torc: Torc, workflow: str) -> None:
    ids = [
        torc.json("slurm", "create", workflow, "-n", f"s{i}", "-a", "acct")["id"] for i in (1, 2, 3)
    ]
    listed = torc.json("slurm", "list", workflow)["slurm_schedulers"]
    assert [s["id"] for s in listed] == ids
    page = torc.json("slurm", "list", workflow, "-l", "1", "--offset", "1")["slurm_schedulers"]
    assert [s["id"] for s in page] == ids[1:2]
    table = torc("slurm", "list", workflow).stdout
    assert "Walltime" in table and "s2" in table and "Total: 3 slurm schedulers" in table

    first = str(ids[0])
    assert torc.json("slurm", "get", first)["name"] == "s1"
    assert "04:00:00" in torc("slurm", "get", first).stdout
    torc("slurm", "update", first, "-g", "gpu:1", "-p", "short")
    # update's short flags are the reverse of create's: -N names, -n counts nodes
    updated = torc.json("slurm", "update", first, "-N", "renamed", "-n", "3", "--walltime", "30")
    assert (updated["name"], updated["nodes"], updated["walltime"]) == ("renamed", 3, "30")
    assert (updated["gres"], updated["partition"], updated["account"]) == ("gpu:1", "short", "acct")
    cleared = torc.json("slurm", "update", first, "--gres", "", "-p", "")
    assert cleared["gres"] is None and cleared["partition"] is None and cleared["nodes"] == 3

    assert (
        torc("slurm", "delete", first).stdout.strip()
        == f"Successfully deleted Slurm config {first}"
    )
    remaining = torc.json("slurm", "list", workflow)["slurm_schedulers"]
    assert [s["id"] for s in remaining] == ids[1:]
    gone = torc("slurm", "get", first, expect=1)
    assert gone.stderr.startswith("Error:") and first in gone.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-W", "4h"], "invalid --walltime '4h': use HH:MM:SS or D-HH:MM:SS"),
        (["-W", "1:2:3:4"], "invalid --walltime '1:2:3:4'"),
        (["-W", "00:00:00"], "--walltime must be longer than zero"),
        (["-N", "0"], "--nodes must be at least 1, not 0"),
        (["--ntasks-per-node", "0"], "--ntasks-per-node must be at least 1"),
        (["-m", "lots"], "invalid --mem 'lots'"),
        (["-t", "1.5X"], "invalid --tmp '1.5X'"),
        (["-e", "--comment='unclosed"], "invalid --extra"),
    ],
)
def test_bad_values_are_refused_clearly(
    torc: Torc, workflow: str, args: list[str], message: str
) -> None:
    failed = torc("slurm", "create", workflow, "-n", "bad", "-a", "acct", *args, expect=1)
    assert message in failed.stderr
    assert torc.json("slurm", "list", workflow)["slurm_schedulers"] == []


def test_update_checks_values_and_ids(torc: Torc, workflow: str) -> None:
    made = str(torc.json("slurm", "create", workflow, "-n", "s", "-a", "acct")["id"])
    assert (
        "invalid --walltime 'soon'"
        in torc("slurm", "update", made, "--walltime", "soon", expect=1).stderr
    )
    assert "--account must not be empty" in torc("slurm", "update", made, "-a", "", expect=1).stderr
    assert "Error:" in torc("slurm", "update", "999999", "-n", "2", expect=1).stderr
    assert torc.json("slurm", "get", made)["walltime"] == "04:00:00"  # nothing changed


def test_create_needs_name_account_and_an_existing_workflow(torc: Torc, workflow: str) -> None:
    assert "--account" in torc("slurm", "create", workflow, "-n", "x", expect=2).stderr
    assert "Error:" in torc("slurm", "create", "999999", "-n", "x", "-a", "a", expect=1).stderr


def test_sync_status_with_no_allocations_changes_nothing(torc: Torc, workflow: str) -> None:
    text = torc("workflows", "sync-status", workflow).stdout
    assert text.splitlines() == [
        f"Synchronizing job statuses for workflow {workflow}...",
        "No orphaned jobs found: Slurm runs every allocation the workflow expects.",
    ]
    report = torc.json("workflows", "sync-status", workflow, "--dry-run")
    assert report["dry_run"] is True
    assert report["jobs_marked_failed"] == 0 and report["ended_allocations"] == []
    assert "Error:" in torc("workflows", "sync-status", "999999", expect=1).stderr
