"""``torc workflows``: listing scope and archiving, updates, deletion rules, the run
state commands (initialize, reinitialize, reset-status, cancel) and user errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import torc_models as m
from tests.cli.conftest import USER, Torc
from tests.cli.helpers import Runner, statuses
from torc.api import TorcApi


def new_workflow(api: TorcApi, name: str, user: str = USER) -> int:
    workflow = api.create_workflow(m.WorkflowModel(name=name, user=user))
    assert workflow.id is not None
    return workflow.id


def listed(torc: Torc, *args: str) -> list[str]:
    return [w["name"] for w in torc.json("workflows", "list", *args)["workflows"]]


def test_unknown_workflow_is_a_one_line_error(torc: Torc) -> None:
    result = torc("workflows", "get", "987654", expect=1)
    assert result.stderr.strip() == "Error: workflow 987654 does not exist"
    assert result.stdout == ""


def test_missing_workflow_id_without_a_terminal(torc: Torc) -> None:
    for command in (["jobs", "list"], ["workflows", "status"], ["reports", "summary"]):
        result = torc(*command, expect=1)
        assert "WORKFLOW_ID" in result.stderr and result.stderr.startswith("Error: ")


def test_list_scope_and_archiving(torc: Torc, api: TorcApi) -> None:
    keep, hide = new_workflow(api, "keep"), new_workflow(api, "hide")
    new_workflow(api, "theirs", "other")
    assert {"keep", "hide"} <= set(listed(torc)) and "theirs" not in listed(torc)
    assert "theirs" in listed(torc, "--all-users")
    assert listed(torc, "-u", "other") == ["theirs"]
    result = torc("workflows", "archive", "true", str(hide), str(keep))
    assert f"Successfully archived workflow {hide}" in result.stdout
    assert "hide" not in listed(torc) and "hide" in listed(torc, "--archived-only")
    assert {"keep", "hide"} <= set(listed(torc, "--include-archived"))
    answer = torc.json("workflows", "archive", "false", str(keep))
    assert answer == {"status": "success", "updated_workflows": [keep], "is_archived": False}
    assert "keep" in listed(torc) and "keep" not in listed(torc, "--archived-only")
    # an archived workflow is still reachable by ID, but cannot be reset
    assert torc.json("workflows", "status", str(hide))["is_archived"] is True
    error = torc("workflows", "reset-status", str(hide), "--no-prompts", expect=1).stderr
    assert "Cannot reset archived workflow status. Unarchive the workflow first." in error
    assert torc("workflows", "archive", "maybe", str(hide), expect=1).stderr.startswith("Error")


def test_update_and_delete(torc: Torc, api: TorcApi) -> None:
    mine, theirs = new_workflow(api, "old"), new_workflow(api, "x", "other")
    updated = torc.json("workflows", "update", str(mine), "-n", "renamed", "-d", "new text")
    assert (updated["name"], updated["description"], updated["user"]) == (
        "renamed",
        "new text",
        USER,
    )
    assert "owner_user" not in updated
    error = torc("workflows", "delete", str(mine), expect=1).stderr
    assert "--no-prompts" in error  # no terminal to confirm on
    error = torc("workflows", "delete", str(theirs), "--no-prompts", expect=1).stderr
    assert "belongs to user 'other'" in error and "--force" in error
    result = torc("workflows", "delete", str(mine), str(theirs), "--no-prompts", "--force")
    assert result.stdout.splitlines() == [
        f"Successfully deleted workflow {mine}",
        f"Successfully deleted workflow {theirs}",
    ]
    torc("workflows", "get", str(mine), expect=1)


@pytest.fixture
def pipeline(api: TorcApi, tmp_path: Path) -> tuple[int, Path]:
    """first (reads input.txt, writes mid.txt) -> second (reads mid.txt); input missing."""
    wf = api.create_workflow(m.WorkflowModel(name="pipeline", user=USER))
    assert wf.id is not None
    paths = [tmp_path / "input.txt", tmp_path / "mid.txt"]
    files = api.create_files(
        m.FilesModel(
            files=[m.FileModel(workflow_id=wf.id, name=p.stem, path=str(p)) for p in paths]
        )
    ).files
    assert files
    first, mid = files[0].id, files[1].id
    for name, inputs, outputs in (("first", [first], [mid]), ("second", [mid], [])):
        api.create_job(
            m.JobModel(
                workflow_id=wf.id,
                name=name,
                command=f"run {name}",
                input_file_ids=inputs,
                output_file_ids=outputs,
            )
        )
    return wf.id, tmp_path


def test_initialize_checks_required_inputs(torc: Torc, pipeline: tuple[int, Path]) -> None:
    workflow_id, directory = pipeline
    w = str(workflow_id)
    error = torc("workflows", "initialize", w, expect=1).stderr
    assert "1 required input file(s) do not exist" in error
    assert str(directory / "input.txt") in error
    dry = torc("workflows", "initialize", w, "--dry-run", expect=1).stdout
    assert "Missing required input files" in dry and "1 would be ready, 1 blocked" in dry
    (directory / "input.txt").write_text("data")
    report = torc.json("workflows", "initialize", w, "--dry-run")
    assert report["safe"] is True and report["missing_input_files"] == []
    result = torc("workflows", "initialize", w)
    assert result.stdout.strip() == f"Successfully initialized workflow {w}: 1 blocked, 1 ready"
    files = {f["name"]: f for f in torc.json("files", "list", w)["files"]}
    assert files["input"]["st_mtime"] == os.stat(directory / "input.txt").st_mtime
    assert files["mid"]["st_mtime"] is None


def test_initialize_force_ignores_missing_inputs(torc: Torc, pipeline: tuple[int, Path]) -> None:
    workflow_id, _ = pipeline
    torc("workflows", "initialize-jobs", str(workflow_id), "--force")  # the seed's alias
    assert torc.json("jobs", "list", str(workflow_id), "-s", "ready")["jobs"][0]["name"] == "first"


def test_reinitialize_reruns_changed_inputs(
    torc: Torc, api: TorcApi, pipeline: tuple[int, Path]
) -> None:
    workflow_id, directory = pipeline
    w = str(workflow_id)
    (directory / "input.txt").write_text("data")
    (directory / "mid.txt").write_text("made by first")
    torc("workflows", "initialize", w)
    runner = Runner(api, workflow_id)
    runner.run_ready()
    runner.wait_for_status("second", "ready")
    runner.run_ready()
    runner.wait_for_status("second", "completed")
    torc("workflows", "reinitialize", w)  # records the outputs' times; nothing changed
    assert statuses(api, workflow_id) == {"first": "completed", "second": "completed"}
    run_before = torc.json("workflows", "status", w)["run_id"]

    os.utime(directory / "input.txt", (1, 1))  # the input changed since first ran
    dry = torc("workflows", "reinitialize", w, "--dry-run").stdout
    assert dry.splitlines() == [
        "Dry run: 2 jobs would be reset due to changed inputs",
        "  - first",
        "  - second",
    ]
    assert statuses(api, workflow_id) == {"first": "completed", "second": "completed"}
    outcome = torc.json("workflows", "reinitialize", w)
    assert outcome["reset_jobs"] == ["first", "second"] and outcome["dry_run"] is False
    assert statuses(api, workflow_id) == {"first": "ready", "second": "blocked"}
    assert torc.json("workflows", "status", w)["run_id"] == run_before + 1


def test_reset_failed_jobs_and_cancel(torc: Torc, api: TorcApi, pipeline: tuple[int, Path]) -> None:
    workflow_id, directory = pipeline
    w = str(workflow_id)
    (directory / "input.txt").write_text("data")
    torc("workflows", "initialize", w)
    runner = Runner(api, workflow_id)
    runner.run_ready({"first": 1})
    runner.wait_for_status("second", "canceled")
    assert torc("workflows", "reset-status", w, expect=1).stderr.startswith("Error: cannot ask")
    result = torc("workflows", "reset-status", w, "--failed", "-r", "--no-prompts")
    assert result.stdout.splitlines()[0] == (
        f"Successfully reset 2 job(s) of workflow {w} (failed)"
    )
    assert statuses(api, workflow_id) == {"first": "ready", "second": "blocked"}

    assert torc("workflows", "cancel", w).stdout.strip() == f"Successfully canceled workflow {w}"
    state = torc.json("workflows", "is-complete", w)
    assert state["is_complete"] is True and state["is_canceled"] is True
    text = torc("workflows", "is-complete", w).stdout
    assert "  Is Canceled: true" in text.splitlines()
    reset = torc.json("workflows", "reset-status", w, "--no-prompts")
    assert reset["updated_count"] == 2 and reset["reset_type"] == "all"
    assert torc.json("workflows", "is-complete", w)["is_canceled"] is False


def test_list_actions(torc: Torc, api: TorcApi) -> None:
    wf = api.create_workflow(m.WorkflowModel(name="actions", user=USER))
    assert wf.id is not None
    assert torc("workflows", "list-actions", str(wf.id)).stdout.strip() == "No actions found"
    api.create_workflow_action(
        wf.id,
        m.WorkflowActionModel(
            workflow_id=wf.id,
            trigger_type="on_workflow_start",
            action_type="run_commands",
            action_config={"commands": ["echo hi"]},
        ),
    )
    (action,) = torc.json("workflows", "list-actions", str(wf.id))["actions"]
    assert action["trigger_type"] == "on_workflow_start" and action["executed"] is False
    assert "run_commands" in torc("workflows", "list-actions", str(wf.id)).stdout
