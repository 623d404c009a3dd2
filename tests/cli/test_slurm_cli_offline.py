"""Slurm commands where no Slurm is: ``torc slurm schedule-nodes``, ``torc submit``,
``torc workflows submit`` and ``torc scheduled-compute-nodes``, and a job runner that meets
a schedule_nodes action.

The commands run with a PATH on which every program of this machine is, except sbatch
(a directory of links), so they behave as on a machine without Slurm even where the test
cluster of tests/slurm_cluster.py is installed. Submitting real allocations is tested
against that cluster (tests/slurm/).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import torc_models as m
from tests.cli.conftest import USER, Torc
from torc.api import TorcApi
from torc.spec import create_workflow_from_spec

NO_ACTION = "Error: Requires workflow to have an on_workflow_start action with schedule_nodes\n"
NO_SBATCH = "Error: sbatch not found: submit from a machine where Slurm is installed\n"
SCHEDULED = """\
name: scheduled
jobs:
  - name: first
    command: echo first
  - name: second
    command: echo second
    depends_on: [first]
slurm_schedulers:
  - name: short
    account: acct
    walltime: "00:10:00"
actions:
  - trigger_type: on_workflow_start
    action_type: schedule_nodes
    scheduler: short
    scheduler_type: slurm
    num_allocations: 2
  - trigger_type: on_jobs_ready
    action_type: schedule_nodes
    jobs: [second]
    scheduler: short
    scheduler_type: slurm
"""
UNSCHEDULED = """\
name: unscheduled
jobs:
  - name: only
    command: echo only
slurm_schedulers:
  - name: short
    account: acct
  - name: long
    account: acct
actions:
  - trigger_type: on_workflow_complete
    action_type: run_commands
    commands: ["echo done"]
"""


@pytest.fixture(scope="module")
def no_sbatch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose PATH has every program of this one's but sbatch."""
    farm = tmp_path_factory.mktemp("bin")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            link = farm / name
            if name != "sbatch" and not os.path.lexists(link):
                link.symlink_to(Path(directory, name))
    return {"PATH": str(farm)}


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("specs")
    paths = {"scheduled": folder / "scheduled.yaml", "unscheduled": folder / "unscheduled.yaml"}
    paths["scheduled"].write_text(SCHEDULED)
    paths["unscheduled"].write_text(UNSCHEDULED)
    return paths


def my_workflows(api: TorcApi) -> list[int]:
    return [w.id for w in api.list_workflows(user=USER, limit=10_000).items if w.id is not None]


def actions(torc: Torc, workflow_id: int) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = torc.json("workflows", "list-actions", str(workflow_id))[
        "actions"
    ]
    return listed


def test_submit_requires_a_start_action(
    torc: Torc, api: TorcApi, specs: dict[str, Path], no_sbatch: dict[str, str]
) -> None:
    before = my_workflows(api)
    result = torc("submit", str(specs["unscheduled"]), expect=1, env=no_sbatch)
    assert (result.stdout, result.stderr) == ("", NO_ACTION)
    assert my_workflows(api) == before  # nothing was created

    workflow_id = create_workflow_from_spec(api, specs["unscheduled"], user=USER)
    for command in (["submit"], ["workflows", "submit"]):
        result = torc(*command, str(workflow_id), expect=1, env=no_sbatch)
        assert result.stderr == NO_ACTION
    assert api.is_workflow_uninitialized(workflow_id).is_uninitialized  # not touched


def test_submit_without_sbatch(
    torc: Torc, api: TorcApi, specs: dict[str, Path], no_sbatch: dict[str, str]
) -> None:
    before = my_workflows(api)
    result = torc("submit", str(specs["scheduled"]), expect=1, env=no_sbatch)
    assert (result.stdout, result.stderr) == ("", NO_SBATCH)
    assert my_workflows(api) == before

    workflow_id = create_workflow_from_spec(api, specs["scheduled"], user=USER)
    for command in (["submit"], ["workflows", "submit"], ["-f", "json", "submit"]):
        result = torc(*command, str(workflow_id), expect=1, env=no_sbatch)
        assert (result.stdout, result.stderr) == ("", NO_SBATCH)
    assert api.is_workflow_uninitialized(workflow_id).is_uninitialized
    assert not any(action["executed"] for action in actions(torc, workflow_id))


def test_schedule_nodes_without_sbatch(
    torc: Torc, api: TorcApi, specs: dict[str, Path], no_sbatch: dict[str, str]
) -> None:
    workflow_id = create_workflow_from_spec(api, specs["scheduled"], user=USER)
    for extra in ([], ["-n", "3", "--start-one-worker-per-node", "-m", "2"]):
        result = torc("slurm", "schedule-nodes", str(workflow_id), *extra, expect=1, env=no_sbatch)
        assert (result.stdout, result.stderr) == ("", NO_SBATCH)
    assert api.list_scheduled_compute_nodes(workflow_id).items == []


def test_schedule_nodes_chooses_the_scheduler(
    torc: Torc, api: TorcApi, specs: dict[str, Path], no_sbatch: dict[str, str]
) -> None:
    two = create_workflow_from_spec(api, specs["unscheduled"], user=USER)
    ids = {s.name: s.id for s in api.list_slurm_schedulers(two).items}
    result = torc("slurm", "schedule-nodes", str(two), expect=1, env=no_sbatch)
    assert result.stderr == (
        f"Error: workflow {two} has 2 Slurm schedulers: {ids['short']} (short), "
        f"{ids['long']} (long); choose one with --scheduler-config-id\n"
    )
    chosen = ["--scheduler-config-id", str(ids["long"])]
    result = torc("slurm", "schedule-nodes", str(two), *chosen, expect=1, env=no_sbatch)
    assert result.stderr == NO_SBATCH  # the scheduler was accepted; only sbatch is missing

    empty = api.create_workflow(m.WorkflowModel(name="no schedulers", user=USER)).id
    assert empty is not None
    result = torc("slurm", "schedule-nodes", str(empty), expect=1, env=no_sbatch)
    assert result.stderr == (
        f"Error: workflow {empty} has no Slurm schedulers; add one to its spec "
        "(slurm_schedulers) and pass its ID with --scheduler-config-id\n"
    )
    result = torc("slurm", "schedule-nodes", str(empty), *chosen, expect=1, env=no_sbatch)
    assert result.stderr == (
        f"Error: Slurm scheduler {ids['long']} belongs to workflow {two}, not to workflow {empty}\n"
    )
    result = torc("slurm", "schedule-nodes", str(two), "-n", "0", *chosen, expect=1)
    assert result.stderr == "Error: --num-hpc-jobs must be at least 1, not 0\n"


def test_runner_leaves_schedule_nodes_actions_unclaimed(
    torc: Torc, specs: dict[str, Path], no_sbatch: dict[str, str]
) -> None:
    """A runner without sbatch runs the jobs and says once per action that it cannot
    submit it; the actions stay pending for a submitter that can."""
    result = torc("run", str(specs["scheduled"]), "-p", "0.1", env=no_sbatch)
    workflow_id = int(result.stderr.split("Created workflow ", 1)[1].split()[0])
    assert result.stdout.startswith(f"Workflow {workflow_id}: 2 completed, 0 failed")
    listed = actions(torc, workflow_id)
    assert [(a["trigger_type"], a["executed"]) for a in listed] == [
        ("on_workflow_start", False),
        ("on_jobs_ready", False),
    ]
    for action in listed:
        warning = (
            f"WARNING: cannot submit schedule_nodes action {action['id']}: sbatch not found; "
            "run `torc workflows submit` where Slurm is installed"
        )
        assert result.stderr.splitlines().count(warning) == 1, result.stderr


@pytest.fixture(scope="module")
def allocations(
    api: TorcApi, specs: dict[str, Path]
) -> tuple[int, list[m.ScheduledComputeNodesModel]]:
    """A workflow with three allocations recorded as sbatch would have them."""
    workflow_id = create_workflow_from_spec(api, specs["unscheduled"], user=USER)
    short, long = (s.id for s in api.list_slurm_schedulers(workflow_id).items)
    assert short is not None and long is not None
    made = [
        api.create_scheduled_compute_node(
            m.ScheduledComputeNodesModel(
                workflow_id=workflow_id,
                scheduler_id=job_id,
                scheduler_config_id=config,
                scheduler_type="slurm",
                status=status,
            )
        )
        for job_id, config, status in (
            (9001, short, "complete"),
            (9002, long, "active"),
            (9003, short, "pending"),
        )
    ]
    return workflow_id, made


def test_scheduled_compute_nodes_get_and_list(
    torc: Torc, allocations: tuple[int, list[m.ScheduledComputeNodesModel]]
) -> None:
    workflow_id, made = allocations
    w = str(workflow_id)
    records = [record.model_dump(mode="json") for record in made]
    first = str(made[0].id)
    assert torc.json("scheduled-compute-nodes", "get", first) == records[0]
    shown = torc("scheduled-compute-nodes", "get", first).stdout
    assert "scheduler_id" in shown and "9001" in shown and "complete" in shown

    listed = torc.json("scheduled-compute-nodes", "list", w)
    assert listed == {"scheduled_compute_nodes": records}
    table = torc("scheduled-compute-nodes", "list", w).stdout
    assert table.splitlines()[-1] == "Total: 3 scheduled compute nodes"
    assert "Scheduler Config ID" in table and "9003" in table

    def ids(*options: str) -> list[int]:
        found = torc.json("scheduled-compute-nodes", "list", w, *options)
        return [record["scheduler_id"] for record in found["scheduled_compute_nodes"]]

    assert ids("--status", "active") == [9002]
    assert ids("--scheduler-id", "9003") == [9003]
    assert ids("--scheduler-config-id", str(made[0].scheduler_config_id)) == [9001, 9003]
    assert ids("-l", "1", "-o", "1") == [9002]
    assert ids("-s", "scheduler_id", "-r") == [9003, 9002, 9001]
    assert torc("scheduled-compute-nodes", "list", w, "--status", "gone").stdout == (
        "No scheduled compute nodes found\n"
    )
    missing = torc("scheduled-compute-nodes", "get", "999999", expect=1)
    assert missing.stderr.startswith("Error: ") and len(missing.stderr.splitlines()) == 1


def node(api: TorcApi, workflow_id: int, scheduler: dict[str, Any] | None, config: int) -> int:
    created = api.create_compute_node(
        m.ComputeNodeModel(
            workflow_id=workflow_id,
            hostname="test-host",  # not this host: the server never presumes it dead
            pid=1,
            start_time="2026-11-23T00:00:00Z",
            num_cpus=4,
            memory_gb=8,
            num_gpus=0,
            num_nodes=1,
            compute_node_type="slurm",
            scheduler_config_id=config,
            scheduler=scheduler,
            is_active=True,
        )
    )
    assert created.id is not None
    return created.id


def scheduler(api: TorcApi, workflow_id: int) -> int:
    created = api.create_slurm_scheduler(
        m.SlurmSchedulerModel(workflow_id=workflow_id, account="acct", nodes=1, walltime="00:10:00")
    )
    assert created.id is not None
    return created.id


def allocation(api: TorcApi, workflow_id: int, job_id: int, config: int) -> int:
    created = api.create_scheduled_compute_node(
        m.ScheduledComputeNodesModel(
            workflow_id=workflow_id,
            scheduler_id=job_id,
            scheduler_config_id=config,
            scheduler_type="slurm",
            status="active",
        )
    )
    assert created.id is not None
    return created.id


def test_list_jobs_of_an_allocation(torc: Torc, api: TorcApi) -> None:
    """Jobs that finished on, or run now on, the runners of the allocation: runners that
    name it by ID, and runners of its scheduler config that name only its Slurm job ID.
    A runner naming another allocation with the same Slurm job ID (reused after a cluster
    reset) is not one of them."""
    workflow = api.create_workflow(m.WorkflowModel(name="allocation jobs", user=USER))
    assert workflow.id is not None
    w = workflow.id
    config, config2 = scheduler(api, w), scheduler(api, w)
    names = ["done_by_id", "done_by_job_id", "running", "elsewhere", "reused", "idle"]
    batch = [m.JobModel(workflow_id=w, name=name, command="x") for name in names]
    api.create_jobs(m.JobsModel(jobs=batch))
    mine, other = allocation(api, w, 777, config), allocation(api, w, 777, config2)
    by_id = node(api, w, {"scheduled_compute_node_id": mine, "slurm_job_id": "777"}, config)
    by_job_id = node(api, w, {"slurm_job_id": "777"}, config)
    elsewhere = node(api, w, {"slurm_job_id": "778"}, config)
    reused = node(api, w, {"scheduled_compute_node_id": other, "slurm_job_id": "777"}, config2)
    api.initialize_jobs(w)
    run_id = api.get_workflow_status(w).run_id
    jobs = {job.name: job.id for job in api.claim_next_jobs(w, limit=10).jobs or []}
    assert set(jobs) == set(names)
    ran_on = {"done_by_id": by_id, "done_by_job_id": by_job_id, "running": by_id}
    ran_on.update(elsewhere=elsewhere, reused=reused)
    for name, node_id in ran_on.items():
        job_id = jobs[name]
        assert job_id is not None
        api.start_job(job_id, run_id, node_id)
        if name != "running":
            result = m.ResultModel(
                job_id=job_id,
                workflow_id=w,
                run_id=run_id,
                return_code=0,
                status=m.JobStatus.completed,
                exec_time_minutes=0.1,
                completion_time="2026-11-23T00:00:01Z",
                compute_node_id=node_id,
            )
            api.complete_job(job_id, m.JobStatus.completed, run_id, result)

    listed = torc.json("scheduled-compute-nodes", "list-jobs", str(mine))
    assert [job["name"] for job in listed["jobs"]] == ["done_by_id", "done_by_job_id", "running"]
    assert [job["status"] for job in listed["jobs"]] == ["completed", "completed", "running"]
    table = torc("scheduled-compute-nodes", "list-jobs", str(mine)).stdout
    assert table.splitlines()[-1] == "Total: 3 jobs"
    listed = torc.json("scheduled-compute-nodes", "list-jobs", str(other))
    assert [job["name"] for job in listed["jobs"]] == ["reused"]
    idle = allocation(api, w, 779, config)
    assert torc("scheduled-compute-nodes", "list-jobs", str(idle)).stdout == "No jobs found\n"
