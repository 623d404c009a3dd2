"""The record groups (files, jobs, resource requirements, user data, events, results,
compute nodes, job dependencies) and reports, through the ``torc`` command."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

import torc_models as m
from tests.cli.conftest import USER, Torc
from tests.cli.helpers import Runner
from torc.api import TorcApi


@pytest.fixture
def workflow(api: TorcApi) -> int:
    wf = api.create_workflow(m.WorkflowModel(name="records", user=USER))
    assert wf.id is not None
    return wf.id


def test_files_and_jobs(torc: Torc, workflow: int) -> None:
    w = str(workflow)
    created = torc("files", "create", "-n", "raw", "-p", "data/raw.csv", w).stdout
    assert created.splitlines()[0] == "Successfully created file:"
    raw = torc.json("files", "list", w)["files"][0]["id"]
    clean = torc.json("files", "create", "-n", "clean", "-p", "data/clean.csv", w)["id"]
    assert (
        torc.json("files", "update", str(clean), "-p", "out/clean.csv")["path"] == "out/clean.csv"
    )
    first = torc.json(
        "jobs", "create", "-n", "first", "-c", "clean raw", "-i", str(raw), "-o", str(clean), w
    )
    second = torc.json("jobs", "create", "-n", "second", "-c", "echo", "-b", str(first["id"]), w)
    third = torc.json(
        "jobs", "create", "-n", "third", "-c", "x", "-b", f"{first['id']},{second['id']}", w
    )
    assert third["depends_on_job_ids"] == [first["id"], second["id"]]
    assert (first["input_file_ids"], first["output_file_ids"]) == ([raw], [clean])
    required = torc.json("files", "list-required-existing", w)["files"]
    assert [f["name"] for f in required] == ["raw"]
    produced = torc.json("files", "list", w, "--produced-by-job-id", str(first["id"]))["files"]
    assert [f["name"] for f in produced] == ["clean"]
    upstream = torc.json("jobs", "list", w, "--upstream-job-id", str(first["id"]))["jobs"]
    assert [j["name"] for j in upstream] == ["second", "third"]
    page = torc.json("jobs", "list", w, "--limit", "1", "--offset", "1", "--reverse-sort")
    assert [j["name"] for j in page["jobs"]] == ["second"]

    updated = torc.json("jobs", "update", str(second["id"]), "-n", "renamed", "-c", "echo 2")
    assert (updated["name"], updated["command"]) == ("renamed", "echo 2")
    assert updated["depends_on_job_ids"] == [first["id"]]  # an update keeps the links
    assert (
        torc("jobs", "delete", str(third["id"])).stdout.strip()
        == f"Successfully deleted job {third['id']}"
    )
    assert (
        torc("files", "delete", str(clean)).stdout.strip() == f"Successfully deleted file {clean}"
    )
    torc("files", "get", str(clean), expect=1)
    assert torc.json("jobs", "delete-all", w)["count"] == 2
    assert torc("jobs", "list", w).stdout.strip() == "No jobs found"


def test_jobs_create_from_file(torc: Torc, workflow: int, tmp_path: Path) -> None:
    w = str(workflow)
    commands = tmp_path / "commands.txt"
    commands.write_text("# a comment\necho one\n\n  echo two  \n")
    result = torc("jobs", "create-from-file", w, str(commands), "--cpus-per-job", "4")
    assert result.stdout.strip() == f"Created 2 jobs in workflow {w}"
    again = torc.json("jobs", "create-from-file", w, str(commands), "--memory-per-job", "8g")
    assert [j["name"] for j in again["jobs"]] == ["job3", "job4"]  # after the existing jobs
    rows = torc.json("jobs", "list-resource-requirements", w)["jobs"]
    assert [(r["job_name"], r["num_cpus"], r["memory"]) for r in rows] == [
        ("job1", 4, "1m"),
        ("job2", 4, "1m"),
        ("job3", 1, "8g"),
        ("job4", 1, "8g"),
    ]
    assert {r["requirements_name"] for r in rows} == {"create_from_file", "create_from_file_2"}
    assert rows[0]["runtime"] == "P0DT1M"
    one = torc.json("jobs", "list-resource-requirements", w, "-j", str(rows[2]["job_id"]))
    assert [r["job_name"] for r in one["jobs"]] == ["job3"]
    commands.write_text("# only comments\n")
    assert "has no commands" in torc("jobs", "create-from-file", w, str(commands), expect=1).stderr


def test_resource_requirements(torc: Torc, workflow: int) -> None:
    w = str(workflow)
    text = torc("resource-requirements", "create", "-n", "big", "--num-cpus", "8", "-m", "20g", w)
    lines = text.stdout.splitlines()
    assert lines[0] == "Successfully created resource requirements:" and lines[3] == "  Name: big"
    records = torc.json("resource-requirements", "list", w)["resource_requirements"]
    assert [(r["name"], r["num_cpus"], r["runtime"]) for r in records] == [
        ("default", 1, "PT1M"),
        ("big", 8, "P0DT1M"),
    ]
    big = str(records[1]["id"])
    updated = torc.json(
        "resource-requirements", "update", big, "--memory", "30g", "--runtime", "PT2H"
    )
    assert (updated["memory"], updated["runtime"], updated["num_cpus"]) == ("30g", "PT2H", 8)
    error = torc("resource-requirements", "update", big, "--memory", "lots", expect=1).stderr
    assert error.startswith("Error: ") and "lots" in error
    torc("resource-requirements", "delete", big)
    torc("resource-requirements", "get", big, expect=1)


def test_user_data(torc: Torc, api: TorcApi, workflow: int) -> None:
    w = str(workflow)
    job = api.create_job(m.JobModel(workflow_id=workflow, name="reader", command="x"))
    torc("user-data", "create", "-n", "config", "-d", '{"lr": 0.1}', w)
    empty = torc.json("user-data", "create", "-n", "later", "--consumer-job-id", str(job.id), w)
    torc("user-data", "create", "-n", "scratch", "--ephemeral", w)
    records = torc.json("user-data", "list", w)["user_data"]
    assert [(r["name"], r["data"], r["is_ephemeral"]) for r in records] == [
        ("config", {"lr": 0.1}, False),
        ("later", None, False),
        ("scratch", None, True),
    ]
    ephemeral = torc.json("user-data", "list", w, "--is-ephemeral", "true")["user_data"]
    assert [r["name"] for r in ephemeral] == ["scratch"]
    missing = torc.json("user-data", "list-missing", w)["user_data"]
    assert [r["name"] for r in missing] == ["later"]
    filled = torc.json(
        "user-data", "update", str(empty["id"]), "-d", "[1, 2]", "--ephemeral", "true"
    )
    assert filled["data"] == [1, 2] and filled["is_ephemeral"] is True
    assert torc("user-data", "list-missing", w).stdout.strip() == "No user data found"
    assert "not valid JSON" in torc("user-data", "create", "-n", "x", "-d", "{", w, expect=1).stderr
    assert torc.json("user-data", "delete-all", w) == {"count": 3}


def test_events(torc: Torc, api: TorcApi, workflow: int) -> None:
    w = str(workflow)
    created = torc.json("events", "create", "-d", '{"category": "note", "message": "hi"}', w)
    latest = torc.json("events", "get-latest-event", w)
    assert latest["id"] == created["id"] and latest["data"]["message"] == "hi"
    notes = torc.json("events", "list", w, "-c", "note")["events"]
    assert [e["id"] for e in notes] == [created["id"]]

    monitor = subprocess.Popen(
        ["torc", "--url", torc.url, "events", "monitor", w, "-d", "0.05", "-p", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=torc.env(),
    )
    time.sleep(2)  # past the monitor's start, which records where the log ends
    api.create_event(
        m.EventModel(
            workflow_id=workflow,
            data={"category": "note", "message": "later"},
            timestamp=int(time.time() * 1000),
        )
    )
    out, err = monitor.communicate(timeout=30)
    assert monitor.returncode == 0, err
    assert out.count("\n") == 1 and out.strip().endswith("[note] later"), out
    deleted = torc("events", "delete", str(created["id"])).stdout.strip()
    assert deleted == f"Successfully deleted event {created['id']}"


def test_results_reports_and_graph(torc: Torc, api: TorcApi, workflow: int, tmp_path: Path) -> None:
    w = str(workflow)
    rr = api.create_resource_requirements(
        m.ResourceRequirementsModel(
            workflow_id=workflow, name="tight", memory="2g", num_cpus=2, runtime="PT10M"
        )
    )
    data = api.create_user_data(m.UserDataModel(workflow_id=workflow, name="params"))
    good = api.create_job(
        m.JobModel(
            workflow_id=workflow,
            name="good",
            command="x",
            resource_requirements_id=rr.id,
            output_user_data_ids=[data.id or 0],
        )
    )
    api.create_job(
        m.JobModel(
            workflow_id=workflow, name="bad", command="y", input_user_data_ids=[data.id or 0]
        )
    )
    api.initialize_jobs(workflow)
    runner = Runner(api, workflow)
    runner.run_ready()
    runner.wait_for_status("bad", "ready")
    runner.run_ready({"bad": 137})

    results = torc.json("results", "list", w)["results"]
    assert [(r["return_code"], r["status"]) for r in results] == [(0, "completed"), (137, "failed")]
    failed = torc.json("results", "list", w, "--failed")["results"]
    assert [r["return_code"] for r in failed] == [137]
    assert torc.json("results", "list", w, "-s", "completed")["results"][0]["job_id"] == good.id
    assert torc.json("results", "get", str(results[0]["id"]))["job_id"] == good.id
    table = torc("results", "list", w, "--failed").stdout
    assert table.startswith(f"Results for workflow ID {w}:\n") and "3.0GB" in table

    summary = torc.json("reports", "summary", w)
    assert summary["jobs_by_status"]["completed"] == 1 and summary["jobs_by_status"]["failed"] == 1
    assert summary["total_exec_time_formatted"] == "3m 0s"
    text = torc("reports", "summary", w).stdout
    assert "  Completed: 1 ✓" in text and "  Failed: 1 ✗" in text

    usage = torc.json("reports", "check-resource-utilization", w)
    assert usage["total_results"] == 1 and usage["over_utilization_count"] == 1
    assert usage["violations"] == [
        {
            "job_id": good.id,
            "job_name": "good",
            "resource_type": "Memory",
            "specified": "2.00 GB",
            "peak_used": "3.00 GB",
            "over_utilization": "+50.0%",
        }
    ]
    with_failed = torc.json("reports", "check-resource-utilization", w, "--include-failed")
    assert with_failed["over_utilization_count"] == 4  # bad: 1 MB and 1 CPU by default
    text = torc("reports", "check-resource-utilization", w, "--all").stdout
    assert text.startswith("⚠ Found 1 resource over-utilization violations:")
    assert "Runtime" in text and "-85.0%" in text  # 1.5 min of 10 min: within limits

    logs = tmp_path / "output" / "job_stdio"
    logs.mkdir(parents=True)
    run_id = results[0]["run_id"]
    (logs / f"job_wf{w}_j{good.id}_r{run_id}_a1.o").write_text("out")
    (logs / f"job_wf{w}_j{good.id}_r{run_id}_a1.e").write_text("")
    report = torc("reports", "results", w, "-o", str(tmp_path / "output"), "-f", "table")
    document = json.loads(report.stdout)  # JSON whatever the format
    assert document["total_results"] == 2 and document["all_runs"] is False
    first = document["results"][0]
    assert first["job_stdout"] == str(logs / f"job_wf{w}_j{good.id}_r{run_id}_a1.o")
    assert first["compute_node_type"] == "local" and first["job_name"] == "good"
    warnings = report.stderr.strip().splitlines()
    assert len(warnings) == 2 and all(line.startswith("Warning: job std") for line in warnings)
    error = torc("reports", "results", w, "-o", str(tmp_path / "nowhere"), expect=1).stderr
    assert "Output directory does not exist" in error

    assert [n["hostname"] for n in torc.json("compute-nodes", "list", w)["compute_nodes"]] == [
        "test-host"
    ]
    assert torc.json("compute-nodes", "get", str(runner.node_id))["pid"] == 1
    edges = torc.json("job-dependencies", "job-job", w)["dependencies"]
    assert [(e["job_name"], e["depends_on_job_name"]) for e in edges] == [("bad", "good")]
    links = torc.json("job-dependencies", "job-user-data", w)["relationships"]
    assert [(r["producer_job_name"], r["consumer_job_name"]) for r in links] == [("good", "bad")]
    assert torc("job-dependencies", "job-file", w).stdout.strip() == "No relationships found"
    torc("results", "delete", str(results[1]["id"]))
    assert len(torc.json("results", "list", w)["results"]) == 1


def test_export_with_results_and_events(torc: Torc, api: TorcApi, workflow: int) -> None:
    """Results and the compute nodes they ran on travel with ``--include-results``."""
    api.create_job(m.JobModel(workflow_id=workflow, name="only", command="x"))
    api.initialize_jobs(workflow)
    Runner(api, workflow).run_ready({"only": 2})
    document = torc("workflows", "export", str(workflow), "--include-results", "--include-events")
    imported = json.loads(
        torc("-f", "json", "workflows", "import", "-", input=document.stdout).stdout
    )
    assert (imported["results"], imported["jobs"]) == (1, 1) and imported["events"] > 0
    (result,) = api.list_results(imported["workflow_id"], all_runs=True).items
    (node,) = api.list_compute_nodes(imported["workflow_id"]).items
    (job,) = api.list_jobs(imported["workflow_id"]).items
    assert (result.job_id, result.compute_node_id, result.return_code) == (job.id, node.id, 2)
    assert job.status == m.JobStatus.uninitialized
    skip = ["--skip-results", "--skip-events"]
    skipped = torc("-f", "json", "workflows", "import", "-", *skip, input=document.stdout)
    assert json.loads(skipped.stdout)["results"] == 0
