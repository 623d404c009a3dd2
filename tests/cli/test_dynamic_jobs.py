"""Dynamic workflows as a user runs them: ``torc run spec.yaml`` where jobs spawn jobs.

A Python job calls ``torc.dynamic.spawn_jobs`` (a chain through ``depends_on`` whose last
link spawns again, in the same lineage) and a shell job calls ``torc jobs spawn``; every
spawned job runs and completes in the same ``torc run``. The jobs write their environment
to files, which show the workflow's and job's ``env``, TORC_WORKFLOW_SUBMISSION_DIR,
TORC_RUN_ID and the inherited lineage.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import Torc
from torc.api import TorcApi
from torc.dynamic import NotInAJob, spawn_jobs

PY = sys.executable
KEYS = [
    "SHARED",
    "OVERRIDDEN",
    "ONLY_HERE",
    "TORC_WORKFLOW_SUBMISSION_DIR",
    "TORC_RUN_ID",
    "TORC_JOB_NAME",
    "TORC_ORCHESTRATOR_LINEAGE_ID",
]
JOB_SCRIPT = f"""\
import json, os, sys
from torc.dynamic import spawn_jobs

name = os.environ["TORC_JOB_NAME"]
with open(f"env_{{name}}.json", "w") as out:
    json.dump({{key: os.environ.get(key) for key in {KEYS!r}}}, out)
with open("order.txt", "a") as out:
    out.write(name + "\\n")
job = sys.executable + " job.py"
if name == "orchestrate":
    reply = spawn_jobs(
        [
            {{"name": "step_1", "command": job, "resource_requirements": "small"}},
            {{"name": "step_2", "command": job, "depends_on": ["step_1"]}},
            {{"name": "step_3", "command": job, "depends_on": ["step_2"]}},
        ],
        state={{"round": 1}},
    )
elif name == "step_3":
    reply = spawn_jobs(
        [{{"name": "final", "command": job, "depends_on": ["step_1"]}}], state={{"round": 2}}
    )
else:
    sys.exit(0)
with open(f"reply_{{name}}.json", "w") as out:
    json.dump(reply.model_dump(), out)
"""
SHELL_JOBS = [
    {"name": "shell_child_1", "command": 'printf %s "$TORC_ORCHESTRATOR_LINEAGE_ID" > child_1.txt'},
    {
        "name": "shell_child_2",
        "command": "cat child_1.txt > child_2.txt",
        "depends_on": ["shell_child_1", "orchestrate"],
    },
]
SPEC = {
    "name": "dynamic_jobs",
    "env": {"SHARED": "from-workflow", "OVERRIDDEN": "workflow"},
    "dynamic_jobs": {"max_iterations": 5},
    "resource_requirements": [{"name": "small", "num_cpus": 1, "memory": "10m"}],
    "jobs": [
        {
            "name": "orchestrate",
            "command": f"{PY} job.py",
            "env": {"OVERRIDDEN": "job", "ONLY_HERE": "yes"},
        },
        {
            "name": "shell_spawner",
            "command": 'torc -f json jobs spawn --file - --state \'{"from": "shell"}\' '
            "< shell_jobs.yaml > shell_reply.json",
        },
    ],
}


def path_env() -> dict[str, str]:
    """This interpreter's ``bin`` first on PATH, so shell jobs find this ``torc``."""
    return {"PATH": f"{Path(PY).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.fixture
def workdir(torc: Torc) -> Path:
    home = torc.home
    for stale in [*home.glob("env_*.json"), *home.glob("reply_*.json"), home / "order.txt"]:
        stale.unlink(missing_ok=True)
    (home / "job.py").write_text(JOB_SCRIPT)
    (home / "shell_jobs.yaml").write_text(yaml.safe_dump(SHELL_JOBS))
    (home / "spec.yaml").write_text(yaml.safe_dump(SPEC, sort_keys=False))
    return home


def environment(home: Path, name: str) -> dict[str, str | None]:
    loaded: dict[str, str | None] = json.loads((home / f"env_{name}.json").read_text())
    return loaded


def test_spawned_jobs_run_in_the_same_run(torc: Torc, workdir: Path, api: TorcApi) -> None:
    report = torc.json("run", "spec.yaml", "-p", "0.2", env=path_env())
    assert (report["completed"], report["failed"], report["canceled"]) == (8, 0, 0), report
    workflow_id = str(report["workflow_id"])
    jobs = {j["name"]: j for j in torc.json("jobs", "list", workflow_id)["jobs"]}
    assert {name: j["status"] for name, j in jobs.items()} == dict.fromkeys(
        [
            "orchestrate",
            "shell_spawner",
            "step_1",
            "step_2",
            "step_3",
            "final",
            "shell_child_1",
            "shell_child_2",
        ],
        "completed",
    )
    spawned = {name for name, j in jobs.items() if j["origin"] == "spawn"}
    assert spawned == set(jobs) - {"orchestrate", "shell_spawner"}

    # the chain ran in its dependency order; the continuation stayed in the seed's lineage
    order = (workdir / "order.txt").read_text().split()
    assert order == ["orchestrate", "step_1", "step_2", "step_3", "final"]
    first = json.loads((workdir / "reply_orchestrate.json").read_text())
    again = json.loads((workdir / "reply_step_3.json").read_text())
    assert (first["iteration"], again["iteration"]) == (1, 2)
    assert first["spawned_job_ids"] == [jobs[n]["id"] for n in ("step_1", "step_2", "step_3")]
    assert again["spawned_job_ids"] == [jobs["final"]["id"]]
    shell = json.loads((workdir / "shell_reply.json").read_text())
    assert shell == {
        "iteration": 1,
        "spawned_job_ids": [jobs["shell_child_1"]["id"], jobs["shell_child_2"]["id"]],
    }
    assert (workdir / "child_2.txt").read_text() == "shell_spawner"
    records = {
        u["name"]: u["data"] for u in torc.json("user-data", "list", workflow_id)["user_data"]
    }
    assert records["__torc_lineage__orchestrate__g000002"] == {"round": 2}
    assert records["__torc_lineage__shell_spawner__g000001"] == {"from": "shell"}
    small = api.list_resource_requirements(int(workflow_id), name="small").items[0]
    assert jobs["step_1"]["resource_requirements_id"] == small.id

    # the workflow's env, the job's over it, and torc's variables
    seed = environment(workdir, "orchestrate")
    assert seed == {
        "SHARED": "from-workflow",
        "OVERRIDDEN": "job",
        "ONLY_HERE": "yes",
        "TORC_WORKFLOW_SUBMISSION_DIR": str(workdir),
        "TORC_RUN_ID": "1",
        "TORC_JOB_NAME": "orchestrate",
        "TORC_ORCHESTRATOR_LINEAGE_ID": None,
    }
    child = environment(workdir, "final")
    assert child["SHARED"] == "from-workflow" and child["OVERRIDDEN"] == "workflow"
    assert child["ONLY_HERE"] is None
    assert child["TORC_ORCHESTRATOR_LINEAGE_ID"] == "orchestrate"
    assert child["TORC_WORKFLOW_SUBMISSION_DIR"] == str(workdir)


def test_spawning_outside_a_job_says_what_is_missing(
    torc: Torc, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = torc("jobs", "spawn", "--file", "shell_jobs.yaml", expect=1)
    assert "TORC_JOB_ID" in result.stderr
    monkeypatch.delenv("TORC_JOB_ID", raising=False)
    with pytest.raises(NotInAJob, match="TORC_JOB_ID"):
        spawn_jobs([{"name": "x", "command": "true"}])
    monkeypatch.setenv("TORC_JOB_ID", "1")
    monkeypatch.delenv("TORC_API_URL", raising=False)
    with pytest.raises(NotInAJob, match="TORC_API_URL"):
        spawn_jobs([{"name": "x", "command": "true"}])


def test_bad_spawn_files_are_reported(torc: Torc, workdir: Path, api: TorcApi) -> None:
    (workdir / "bad.yaml").write_text("name: not a list\n")
    result = torc("jobs", "spawn", "--file", "bad.yaml", env={"TORC_JOB_ID": "1"}, expect=1)
    assert "list of jobs" in result.stderr
    (workdir / "bad.yaml").write_text(json.dumps([{"name": "no command"}]))
    result = torc("jobs", "spawn", "--file", "bad.yaml", env={"TORC_JOB_ID": "1"}, expect=1)
    assert "jobs.0.command" in result.stderr
    result = torc("jobs", "spawn", "--file", "missing.yaml", env={"TORC_JOB_ID": "1"}, expect=1)
    assert "cannot read missing.yaml" in result.stderr
    result = torc(
        "jobs", "spawn", "--file", "shell_jobs.yaml", env={"TORC_JOB_ID": "987654"}, expect=1
    )
    assert "job 987654 does not exist" in result.stderr
