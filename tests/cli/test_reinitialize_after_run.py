"""``torc workflows reinitialize`` after real runs: an unchanged, successful run resets
nothing (the runner records its outputs' times), and ``--dry-run`` names exactly the jobs
the real reinitialize then resets, for each kind of change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.conftest import Torc
from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions

SPEC = """\
name: reinitialize_after_run
user_data:
  - name: settings
    data: {scale: 1}
files:
  - {name: raw, path: raw.txt}
  - {name: mid, path: mid.txt}
  - {name: out, path: out.txt}
jobs:
  - name: prepare
    command: cat ${files.input.raw} > ${files.output.mid}
  - name: finish
    command: cat ${files.input.mid} > ${files.output.out}
    input_user_data: [settings]
  - name: side
    command: echo side
"""


@pytest.fixture
def workflow(torc: Torc, monkeypatch: pytest.MonkeyPatch) -> str:
    """A created and fully run workflow (its files live in torc's working directory, where
    the runner runs the jobs)."""
    monkeypatch.chdir(torc.home)
    for name in ("raw.txt", "mid.txt", "out.txt"):
        (torc.home / name).unlink(missing_ok=True)
    (torc.home / "raw.txt").write_text("raw data\n")
    (torc.home / "spec.yaml").write_text(SPEC)
    created = torc.json("workflows", "create", "spec.yaml")
    workflow_id = str(created["id"])
    torc("workflows", "initialize", workflow_id)
    run_to_completion(torc, workflow_id)
    return workflow_id


def run_to_completion(torc: Torc, workflow_id: str) -> None:
    """A real job runner (what ``torc run`` starts) until the workflow is done."""
    options = RunnerOptions(output_dir=torc.home / "logs", poll_interval=0.2)
    JobRunner(TorcApi(torc.url), int(workflow_id), options).run()
    assert set(statuses(torc, workflow_id).values()) == {"completed"}


def statuses(torc: Torc, workflow_id: str) -> dict[str, str]:
    return {j["name"]: j["status"] for j in torc.json("jobs", "list", workflow_id)["jobs"]}


def reinitialize(torc: Torc, workflow_id: str) -> list[str]:
    """The dry run's list, checked against what the real reinitialize then resets."""
    before = statuses(torc, workflow_id)
    preview = torc.json("workflows", "reinitialize", workflow_id, "--dry-run")
    assert statuses(torc, workflow_id) == before  # the dry run changed nothing
    outcome = torc.json("workflows", "reinitialize", workflow_id)
    assert preview["reset_jobs"] == outcome["reset_jobs"]
    return list(outcome["reset_jobs"])


def job_id(torc: Torc, workflow_id: str, name: str) -> str:
    jobs = torc.json("jobs", "list", workflow_id)["jobs"]
    return str(next(j["id"] for j in jobs if j["name"] == name))


def test_unchanged_run_resets_nothing(torc: Torc, workflow: str) -> None:
    files = {f["name"]: f for f in torc.json("files", "list", workflow)["files"]}
    for name in ("mid", "out"):  # recorded by the runner when their producer completed
        assert files[name]["st_mtime"] == os.stat(torc.home / f"{name}.txt").st_mtime
    assert reinitialize(torc, workflow) == []
    assert set(statuses(torc, workflow).values()) == {"completed"}
    assert reinitialize(torc, workflow) == []  # and again: still nothing


def test_touched_input_reruns_its_readers(torc: Torc, workflow: str) -> None:
    os.utime(torc.home / "raw.txt", (1_000_000, 1_000_000))
    assert reinitialize(torc, workflow) == ["prepare", "finish"]
    expected = {"prepare": "ready", "finish": "blocked", "side": "completed"}
    assert statuses(torc, workflow) == expected
    run_to_completion(torc, workflow)
    assert reinitialize(torc, workflow) == []


def test_changed_command_reruns_the_job(torc: Torc, workflow: str) -> None:
    finish = job_id(torc, workflow, "finish")
    torc("jobs", "update", finish, "--command", "cat mid.txt mid.txt > out.txt")
    assert reinitialize(torc, workflow) == ["finish"]
    run_to_completion(torc, workflow)
    assert (torc.home / "out.txt").read_text() == "raw data\nraw data\n"
    assert reinitialize(torc, workflow) == []


def test_changed_user_data_reruns_its_readers(torc: Torc, workflow: str) -> None:
    records = torc.json("user-data", "list", workflow)["user_data"]
    settings = str(next(r["id"] for r in records if r["name"] == "settings"))
    torc("user-data", "update", settings, "--data", '{"scale": 2}')
    assert reinitialize(torc, workflow) == ["finish"]


def test_missing_output_reruns_its_producer(torc: Torc, workflow: str) -> None:
    Path(torc.home / "mid.txt").unlink()
    assert reinitialize(torc, workflow) == ["prepare", "finish"]
    run_to_completion(torc, workflow)
    assert (torc.home / "mid.txt").exists() and reinitialize(torc, workflow) == []
