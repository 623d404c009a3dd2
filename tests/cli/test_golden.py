"""Table and JSON output of the main commands, compared with files under ``golden/``.

The module's server holds a small workflow built through the API before any test runs
(three jobs, files, one finished job with its result), so IDs are the same whatever
tests are selected; only timestamps are masked. ``TORC_UPDATE_GOLDEN=1`` rewrites the
files after an intended change of output.
"""

from __future__ import annotations

import re

import pytest

import torc_models as m
from tests.cli.conftest import USER, Torc, check_golden, check_golden_json
from tests.cli.helpers import Runner
from torc.api import TorcApi


@pytest.fixture(scope="module")
def events_workflow(api: TorcApi) -> int:
    """A workflow whose event log holds only its creation and two events of our own.

    Created first, so that the asynchronous events of the other workflow's run cannot
    shift its event IDs."""
    wf = api.create_workflow(m.WorkflowModel(name="events", user=USER))
    assert wf.id is not None
    for data in ({"category": "user", "message": "first"}, {"note": "no message"}):
        api.create_event(m.EventModel(workflow_id=wf.id, data=data, timestamp=1))
    return wf.id


@pytest.fixture(scope="module")
def workflow(api: TorcApi, events_workflow: int) -> int:
    """preprocess -> work (through a file) -> report (explicit); preprocess has finished."""
    wf = api.create_workflow(
        m.WorkflowModel(name="golden", user=USER, description="Golden workflow")
    )
    assert wf.id is not None
    w = wf.id
    rr = api.create_resource_requirements(
        m.ResourceRequirementsModel(
            workflow_id=w, name="small", num_cpus=2, memory="2g", runtime="PT10M"
        )
    )
    names = [("input", "data/input.txt"), ("mid", "data/mid.txt"), ("out", "data/out.txt")]
    files = api.create_files(
        m.FilesModel(files=[m.FileModel(workflow_id=w, name=n, path=p) for n, p in names])
    ).files
    assert files
    f = [record.id for record in files]
    prep = api.create_job(
        m.JobModel(
            workflow_id=w,
            name="preprocess",
            command="prep data/input.txt > data/mid.txt",
            input_file_ids=[f[0]],
            output_file_ids=[f[1]],
            resource_requirements_id=rr.id,
        )
    )
    work = api.create_job(
        m.JobModel(
            workflow_id=w,
            name="work",
            command="work [fast] data/mid.txt",
            input_file_ids=[f[1]],
            output_file_ids=[f[2]],
        )
    )
    api.create_job(
        m.JobModel(workflow_id=w, name="report", command="echo done", depends_on_job_ids=[work.id])
    )
    assert prep.id is not None
    api.initialize_jobs(w)
    runner = Runner(api, w)
    assert runner.run_ready() == ["preprocess"]
    runner.wait_for_status("work", "ready")
    return w


def test_workflows_list(torc: Torc, workflow: int, events_workflow: int) -> None:
    check_golden("workflows_list.txt", torc("workflows", "list").stdout)
    check_golden_json("workflows_list.json", torc.json("workflows", "list"))


def test_workflows_get(torc: Torc, workflow: int) -> None:
    check_golden("workflows_get.txt", torc("workflows", "get", str(workflow)).stdout)
    check_golden_json("workflows_get.json", torc.json("workflows", "get", str(workflow)))


def test_workflows_new(torc: Torc) -> None:
    """Another user's workflow, so that the listings above stay the same."""
    result = torc("workflows", "new", "-n", "fresh", "-d", "A new one", "-u", "someone")
    check_golden("workflows_new.txt", re.sub(r"ID: \d+", "ID: <ID>", result.stdout))
    created = torc.json("workflows", "new", "-n", "fresh2", env={"USER": "someone"})
    assert created["name"] == "fresh2" and created["user"] == "someone"
    assert isinstance(created["id"], int)


def test_workflows_status(torc: Torc, workflow: int) -> None:
    check_golden("workflows_status.txt", torc("workflows", "status", str(workflow)).stdout)
    check_golden_json("workflows_status.json", torc.json("workflows", "status", str(workflow)))


def test_workflows_is_complete(torc: Torc, workflow: int) -> None:
    check_golden(
        "workflows_is_complete.txt", torc("workflows", "is-complete", str(workflow)).stdout
    )
    data = torc.json("workflows", "is-complete", str(workflow))
    check_golden_json("workflows_is_complete.json", data)


def test_jobs_list(torc: Torc, workflow: int) -> None:
    check_golden("jobs_list.txt", torc("jobs", "list", str(workflow)).stdout)
    check_golden_json("jobs_list.json", torc.json("jobs", "list", str(workflow)))
    related = torc("jobs", "list", str(workflow), "--include-relationships", "-s", "ready")
    check_golden("jobs_list_relationships.txt", related.stdout)


def test_jobs_get(torc: Torc, api: TorcApi, workflow: int) -> None:
    job_id = str(api.list_jobs(workflow, limit=1).items[0].id)
    check_golden("jobs_get.txt", torc("jobs", "get", job_id).stdout)
    check_golden_json("jobs_get.json", torc.json("jobs", "get", job_id))


def test_files_list(torc: Torc, workflow: int) -> None:
    check_golden("files_list.txt", torc("files", "list", str(workflow)).stdout)
    check_golden_json("files_list.json", torc.json("files", "list", str(workflow)))


def test_results_list(torc: Torc, workflow: int) -> None:
    check_golden("results_list.txt", torc("results", "list", str(workflow)).stdout)
    check_golden_json("results_list.json", torc.json("results", "list", str(workflow)))


def test_events_list(torc: Torc, events_workflow: int) -> None:
    check_golden("events_list.txt", torc("events", "list", str(events_workflow)).stdout)
    check_golden_json("events_list.json", torc.json("events", "list", str(events_workflow)))


def test_format_after_subcommand(torc: Torc, workflow: int) -> None:
    """``-f json`` is accepted after the subcommand too (the seeds show both)."""
    after = torc("jobs", "list", str(workflow), "-f", "json").stdout
    assert after == torc("-f", "json", "jobs", "list", str(workflow)).stdout
