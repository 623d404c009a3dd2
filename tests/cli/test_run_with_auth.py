"""Workflows run end to end on a server that requires passwords and enforces access
control: ``torc run`` with a user's password, ``torc workflows run`` on another "machine"
with only a worker token, and ``torc -s run``, whose private server needs no credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.auth_helpers import PASSWORDS, as_user, auth_server
from tests.cli.conftest import Torc
from tests.conftest import ServerProcess

SPEC = """\
name: pipeline
jobs:
  - name: make
    command: echo made > {out}/made.txt
  - name: use
    command: cat {out}/made.txt
    depends_on: [make]
"""


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = auth_server(tmp_path_factory.mktemp("secured"))
    yield server
    server.stop()


def spec_in(home: Path) -> Path:
    (home / "out").mkdir(exist_ok=True)
    spec = home / "pipeline.yaml"
    spec.write_text(SPEC.format(out=home / "out"))
    return spec


def job_statuses(torc: Torc, workflow_id: int, env: dict[str, str]) -> list[str]:
    jobs = torc.json("jobs", "list", str(workflow_id), env=env)["jobs"]
    return sorted(job["status"] for job in jobs)


def test_torc_run_with_a_password(secured: ServerProcess, tmp_path: Path) -> None:
    torc = Torc(secured.url, tmp_path)
    bob = as_user("bob")
    torc("run", str(spec_in(tmp_path)), "-p", "0.2", env=bob)
    workflow = torc.json("workflows", "list", env=bob)["workflows"][0]
    assert workflow["user"] == "bob"
    assert job_statuses(torc, workflow["id"], bob) == ["completed", "completed"]
    assert (tmp_path / "out" / "made.txt").read_text() == "made\n"
    refused = torc("workflows", "get", str(workflow["id"]), env=as_user("carol"), expect=1)
    assert f"User 'carol' does not have access to workflow {workflow['id']}" in refused.stderr


def test_torc_workflows_run_with_a_worker_token(secured: ServerProcess, tmp_path: Path) -> None:
    torc = Torc(secured.url, tmp_path)
    carol = as_user("carol")
    workflow_id = torc.json("workflows", "create", str(spec_in(tmp_path)), env=carol)["id"]
    torc("workflows", "initialize", str(workflow_id), env=carol)
    minted = torc.json("admin", "create-token", "--workflow", str(workflow_id), env=carol)
    worker = {"TORC_TOKEN": minted["token"]}  # the compute node knows no password
    torc("workflows", "run", str(workflow_id), "--poll-interval", "0.2", env=worker)
    assert job_statuses(torc, workflow_id, carol) == ["completed", "completed"]
    other = torc.json("workflows", "create", str(spec_in(tmp_path)), env=carol)["id"]
    refused = torc("workflows", "run", str(other), env=worker, expect=1)
    assert f"limited to workflow {workflow_id}" in refused.stderr


def test_standalone_needs_no_credentials(tmp_path: Path) -> None:
    torc = Torc("http://127.0.0.1:9/unused", tmp_path)
    stray = {"TORC_USERNAME": "alice", "TORC_PASSWORD": PASSWORDS["alice"]}
    result = torc("-s", "run", str(spec_in(tmp_path)), "-p", "0.2", env=stray)
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "made.txt").read_text() == "made\n"
