"""Workflows from spec files (``torc.spec``): create, dry run, execution plans, and the
export/import round trip, which must rebuild the same graph with new IDs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import torc_models as m
from tests.cli.conftest import Torc
from tests.conftest import ROOT as ROOT_DIR
from torc.api import TorcApi
from torc.paging import fetch_all

DIAMOND = ROOT_DIR / "examples" / "yaml" / "diamond_workflow.yaml"
PIPELINE = """\
name: two_subgraph_pipeline
jobs:
  - name: prep_a
    command: echo a
    output_user_data: [config]
  - name: prep_b
    command: echo b
    scheduler: prep_sched
  - name: work_a_{i}
    command: echo {i}
    depends_on: [prep_a]
    input_user_data: [config]
    parameters: {i: "1:5"}
  - name: work_b_{i}
    command: echo {i}
    depends_on: [prep_b]
    resource_requirements: big
    parameters: {i: "1:5"}
  - name: final
    command: echo done
    depends_on_regexes: ["^work_"]
user_data:
  - name: config
resource_requirements:
  - name: big
    num_cpus: 4
    memory: 8g
slurm_schedulers:
  - name: prep_sched
    account: acct
  - name: work_sched
    account: acct
actions:
  - trigger_type: on_workflow_start
    action_type: schedule_nodes
    scheduler: prep_sched
    scheduler_type: slurm
  - trigger_type: on_jobs_ready
    action_type: schedule_nodes
    scheduler: work_sched
    scheduler_type: slurm
    num_allocations: 2
    job_name_regexes: ["^work_a_"]
"""
PLAN = """\
Workflow: two_subgraph_pipeline
Total Jobs: 13

▶ Stage 1: Workflow Start
  Scheduler Allocations:
    • prep_sched (slurm) - 1 allocation(s)
  Jobs Becoming Ready:
    • prep_a
    • prep_b

→ Stage 2: When jobs 'prep_a', 'prep_b' complete
  Scheduler Allocations:
    • work_sched (slurm) - 2 allocation(s)
  Jobs Becoming Ready:
    • work_a_{1..5}
    • work_b_{1..5}

→ Stage 3: When 10 jobs complete
  Jobs Becoming Ready:
    • final

Total Stages: 3
"""


@pytest.fixture(scope="module")
def pipeline_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "pipeline.yaml"
    path.write_text(PIPELINE)
    return path


def graph(api: TorcApi, workflow_id: int) -> dict[str, Any]:
    """A workflow's jobs by name, with every reference turned into names."""
    jobs = fetch_all(lambda o: api.list_jobs(workflow_id, include_relationships=True, offset=o))
    files = {f.id: f.name for f in api.list_files(workflow_id).items}
    data = {u.id: u.name for u in api.list_user_data(workflow_id).items}
    rr = {
        r.id: (r.name, r.num_cpus, r.memory)
        for r in api.list_resource_requirements(workflow_id).items
    }
    names = {j.id: j.name for j in jobs}
    return {
        j.name: {
            "command": j.command,
            "depends_on": sorted(names[i] for i in j.depends_on_job_ids or []),
            "inputs": sorted(files[i] for i in j.input_file_ids or []),
            "outputs": sorted(files[i] for i in j.output_file_ids or []),
            "data_in": sorted(data[i] for i in j.input_user_data_ids or []),
            "data_out": sorted(data[i] for i in j.output_user_data_ids or []),
            "requirements": rr[j.resource_requirements_id],
            "has_scheduler": j.scheduler_id is not None,
        }
        for j in jobs
    }


def test_create_dry_run(torc: Torc) -> None:
    before = torc.json("workflows", "list")["workflows"]
    text = torc("workflows", "create", str(DIAMOND), "--dry-run").stdout
    assert text.startswith("Workflow Validation Results\n===========================\n")
    assert "  Jobs: 4\n" in text and text.rstrip().endswith("Validation: PASSED")
    summary = torc.json("workflows", "create", str(DIAMOND), "--dry-run")
    assert summary["valid"] is True and summary["summary"]["job_count"] == 4
    assert torc.json("workflows", "list")["workflows"] == before  # nothing was created


def test_spec_errors_name_file_and_line(torc: Torc, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\njobs:\n  - name: a\n    command: echo\n    depends_on: [nope]\n")
    result = torc("workflows", "create", str(bad), expect=1)
    assert result.stderr.startswith(f"Error: {bad}:5: ")
    result = torc("workflows", "execution-plan", str(bad), expect=1)
    assert result.stderr.startswith(f"Error: {bad}:5: ")
    error = torc("workflows", "execution-plan", "no-such-thing", expect=1).stderr
    assert "neither a spec file nor a workflow ID" in error


def test_create_diamond(torc: Torc) -> None:
    result = torc("workflows", "create", str(DIAMOND))
    workflow_id = int(result.stdout.split()[2])
    assert result.stdout.strip() == f"Created workflow {workflow_id} with 4 jobs"
    jobs = torc.json("jobs", "list", str(workflow_id))["jobs"]
    assert [j["name"] for j in jobs] == ["preprocess", "work1", "work2", "postprocess"]
    assert {j["status"] for j in jobs} == {"uninitialized"}
    created = torc.json("workflows", "create", str(DIAMOND), "-u", "alice")
    assert created["user"] == "alice" and created["name"] == "diamond_workflow"

    expected = "\n".join(
        [
            "Workflow: diamond_workflow",
            "Total Jobs: 4",
            "",
            "▶ Stage 1: Workflow Start",
            "  Jobs Becoming Ready:",
            "    • preprocess",
            "",
            "→ Stage 2: When job 'preprocess' completes",
            "  Jobs Becoming Ready:",
            "    • work{1..2}",
            "",
            "→ Stage 3: When jobs 'work1', 'work2' complete",
            "  Jobs Becoming Ready:",
            "    • postprocess",
            "",
            "Total Stages: 3",
            "",
        ]
    )
    assert torc("workflows", "execution-plan", str(DIAMOND)).stdout == expected
    assert torc("workflows", "execution-plan", str(workflow_id)).stdout == expected


def test_execution_plan_with_schedulers(torc: Torc, pipeline_spec: Path) -> None:
    assert torc("workflows", "execution-plan", str(pipeline_spec)).stdout == PLAN
    workflow_id = torc.json("workflows", "create", str(pipeline_spec))["id"]
    assert torc("workflows", "execution-plan", str(workflow_id)).stdout == PLAN
    plan = torc.json("workflows", "execution-plan", str(workflow_id))
    assert plan["total_stages"] == 3 and plan["workflow_id"] == workflow_id
    assert plan["stages"][1]["scheduler_allocations"] == [
        {"scheduler": "work_sched", "scheduler_type": "slurm", "num_allocations": 2}
    ]


def test_export_import_round_trip(
    torc: Torc, api: TorcApi, pipeline_spec: Path, tmp_path: Path
) -> None:
    original = torc.json("workflows", "create", str(pipeline_spec))["id"]
    torc("workflows", "initialize", str(original))
    exported = torc("workflows", "export", str(original), "--include-events").stdout
    document = json.loads(exported)
    assert document["export_version"] == "1.0" and len(document["jobs"]) == 13
    assert document["events"] and "results" not in document

    imported = torc("workflows", "import", "-", input=exported)
    lines = imported.stdout.splitlines()
    assert lines[0] == "Successfully imported workflow:" and "  Jobs: 13" in lines
    copy = int(lines[1].split(": ")[1])
    assert copy != original
    before, after = graph(api, original), graph(api, copy)
    assert after == before
    assert {j.status for j in api.list_jobs(copy).items} == {m.JobStatus.uninitialized}
    assert after["work_b_1"]["requirements"] == ("big", 4, "8g")
    assert after["prep_b"]["has_scheduler"] and after["work_a_3"]["data_in"] == ["config"]
    assert torc("workflows", "execution-plan", str(copy)).stdout == PLAN

    path = tmp_path / "export.json"
    summary = torc.json("workflows", "export", str(original), "-o", str(path))
    assert summary["success"] is True and summary["jobs"] == 13 and summary["results"] == 0
    named = torc.json("workflows", "import", str(path), "--name", "renamed")
    assert named["workflow_name"] == "renamed" and named["jobs"] == 13
    torc("workflows", "initialize", str(named["workflow_id"]))
    ready = torc.json("jobs", "list", str(named["workflow_id"]), "-s", "ready")["jobs"]
    assert sorted(j["name"] for j in ready) == ["prep_a", "prep_b"]


def test_import_errors(torc: Torc, tmp_path: Path) -> None:
    assert "File not found" in torc("workflows", "import", "missing.json", expect=1).stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"export_version": "9", "workflow": {"name": "x"}}))
    assert "unsupported export_version" in torc("workflows", "import", str(bad), expect=1).stderr
    before = len(torc.json("workflows", "list", "--all-users")["workflows"])
    broken: dict[str, Any] = {"export_version": "1.0", "workflow": {"name": "broken"}}
    broken["jobs"] = [{"id": 1, "name": "a", "command": "x", "depends_on_job_ids": [2]}]
    bad.write_text(json.dumps(broken))
    error = torc("workflows", "import", str(bad), expect=1).stderr
    assert "job 1 depends on job 2, not in the export" in error
    # all or nothing: the half-imported workflow is gone
    assert len(torc.json("workflows", "list", "--all-users")["workflows"]) == before
