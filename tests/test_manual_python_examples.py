"""The original manual's Python examples, read from the manual and run unchanged (but for the
server URL) as scripts against a real server: the ``torc.openapi_client`` names they import
(``DefaultApi``, ``ApiClient``, ``Configuration``, the models) and the ``torc`` helpers
(``make_api``, ``map_function_to_jobs``, ``setup_logging``).

None of them needs anything outside this project: the map-function tutorial creates a
Slurm scheduler *record*, which the server stores without a Slurm cluster, and the runner is
told it has the 4 CPUs and 20 GiB the tutorial's jobs ask for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.manual_snippets import SNIPPETS, Snippet, code, uncovered_torc_imports

BY_NAME = {snippet.name: snippet for snippet in SNIPPETS}
CHECK_CONFIGURATION = """
# -- the test's own lines, after the manual's: use the configuration it built --
from torc.openapi_client import DefaultApi
with ApiClient(config) as api_client:
    api = DefaultApi(api_client)
    print(config.username, api.url, len(api.list_workflows().items))
"""


def run_script(
    directory: Path, name: str, text: str, url: str, *args: str
) -> subprocess.CompletedProcess[str]:
    script = directory / f"{name}.py"
    script.write_text(text)
    result = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=directory,
        env={**os.environ, "TORC_API_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_every_python_example_of_the_manual_is_listed() -> None:
    assert uncovered_torc_imports() == []


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.name for s in SNIPPETS])
def test_snippet_is_valid_python(snippet: Snippet) -> None:
    compile(code(snippet, "http://127.0.0.1:1/torc-service/v1"), snippet.name, "exec")


def test_create_workflow_example(torc_server: ServerProcess, tmp_path: Path) -> None:
    url = torc_server.url
    result = run_script(tmp_path, "example", code(BY_NAME["create_workflow"], url), url)
    api = torc_server.api()
    (workflow,) = api.list_workflows().items
    assert result.stdout == f"Created workflow {workflow.id}\n"
    assert (workflow.name, workflow.user) == ("my_workflow", "myuser")
    assert workflow.description == "Programmatically created workflow"
    assert workflow.id is not None
    (job,) = api.list_jobs(workflow.id).items
    assert (job.name, job.command) == ("job1", "echo 'Hello World'")
    assert job.resource_requirements_id is not None
    rr = api.get_resource_requirements(job.resource_requirements_id)
    assert (rr.name, rr.num_cpus, rr.memory, rr.runtime) == ("small", 1, "1g", "PT10M")


def test_basic_auth_configuration_example(torc_server: ServerProcess, tmp_path: Path) -> None:
    url = torc_server.url
    text = code(BY_NAME["basic_auth_configuration"], url) + CHECK_CONFIGURATION
    result = run_script(tmp_path, "configuration", text, url)
    assert result.stdout == f"alice {url} 0\n"


def test_map_function_tutorial(torc_server: ServerProcess, tmp_path: Path) -> None:
    url = torc_server.url
    (tmp_path / "simulation.py").write_text(code(BY_NAME["simulation"], url))
    script = code(BY_NAME["map_function_across_workers"], url)
    created = run_script(tmp_path, "map_function_across_workers", script, url)
    api = torc_server.api()
    (workflow,) = api.list_workflows().items
    w = workflow.id
    assert w is not None and workflow.name == "map_function_workflow"
    assert created.stdout == f"Created workflow with ID {w} 4 jobs.\n"
    (scheduler,) = api.list_slurm_schedulers(w).items
    assert (scheduler.name, scheduler.account, scheduler.mem) == ("short", "my_account", "180224")

    # "torc run 342", on a runner told it has what the tutorial's jobs ask for
    subprocess.run(
        ["torc", "run", str(w), "--num-cpus", "4", "--memory-gb", "20", "-p", "0.2"],
        cwd=tmp_path,
        env={**os.environ, "TORC_API_URL": url},
        capture_output=True,
        check=True,
        timeout=120,
    )
    jobs = api.list_jobs(w).items
    assert {job.status for job in jobs} == {"completed"}, [(j.name, j.status) for j in jobs]
    data = {record.name: record.data for record in api.list_user_data(w).items}
    runs = sorted(job.name for job in jobs if job.name != "postprocess")
    assert data["postprocess_output"] == {
        "total": 15,
        "output_data_paths": [f"/projects/my-project/{name}" for name in runs],
    }
