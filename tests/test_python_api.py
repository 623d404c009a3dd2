"""The Python API: ``make_api`` and ``map_function_to_jobs`` run a function over parameters."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import torc
import torc_models as m
from tests.conftest import ROOT, ServerProcess
from tests.server.driver import Driver

MODULE = """
def run(job_name, params):
    if params["x"] < 0:
        raise ValueError("negative input")
    return {"job": job_name, "square": params["x"] ** 2}

def postprocess(results):
    return {"total": sum(r["square"] for r in results)}
"""


def run_jobs(driver: Driver, url: str) -> dict[str, int]:
    """Run each claimed job's command in a shell, as a job runner would."""
    codes: dict[str, int] = {}
    while not driver.api.is_workflow_complete(driver.workflow_id).is_complete:
        for job in driver.claim():
            env = {**os.environ, "TORC_API_URL": url, "TORC_JOB_NAME": job.name}
            code = subprocess.run(job.command, shell=True, env=env, capture_output=True).returncode
            codes[job.name] = code
            driver.finish(job, m.JobStatus.completed if code == 0 else m.JobStatus.failed)
    return codes


def test_map_function_to_jobs(torc_server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "my_module").mkdir()
    (tmp_path / "my_module" / "simulation.py").write_text(textwrap.dedent(MODULE))
    api = torc.make_api(torc_server.url)
    workflow = api.create_workflow(m.WorkflowModel(name="map", user="tester"))
    assert workflow.id is not None
    params = [{"x": 1}, {"x": 2}, {"x": 3}]
    jobs = torc.map_function_to_jobs(
        api,
        workflow.id,
        "simulation",
        "run",
        params,
        postprocess_func="postprocess",
        module_directory=str(tmp_path / "my_module"),
    )
    assert len(jobs) == 4
    api.initialize_jobs(workflow.id)
    codes = run_jobs(Driver(api, workflow.id), torc_server.url)
    assert set(codes.values()) == {0}
    data = {u.name: u.data for u in api.list_user_data(workflow.id).items}
    assert data["run_output_1"] == {"job": "run_1", "square": 4}
    assert data["postprocess_output"] == {"total": 14}


def test_exception_fails_the_job(torc_server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "simulation.py").write_text(textwrap.dedent(MODULE))
    api = torc.make_api(torc_server.url)
    workflow = api.create_workflow(m.WorkflowModel(name="map", user="tester"))
    assert workflow.id is not None
    torc.map_function_to_jobs(
        api, workflow.id, "simulation", "run", [{"x": -1}], module_directory=str(tmp_path)
    )
    api.initialize_jobs(workflow.id)
    assert run_jobs(Driver(api, workflow.id), torc_server.url) == {"run_0": 1}


def test_python_diamond_example_runs(torc_server: ServerProcess, tmp_path: Path) -> None:
    """examples/python/diamond_workflow.py builds a workflow that then runs to the end."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "TORC_API_URL": torc_server.url}
    made = subprocess.run(
        [sys.executable, "examples/python/diamond_workflow.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    workflow_id = made.stdout.split()[2]
    ran = subprocess.run(
        ["torc", "--url", torc_server.url, "workflows", "run", workflow_id],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    lines = (tmp_path / "torc_output" / "diamond_py" / "output.txt").read_text().splitlines()
    assert lines[0].split() == ["apple", "brown"]
