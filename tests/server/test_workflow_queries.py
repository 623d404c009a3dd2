"""The read-only views of a running workflow: status at a glance, running jobs with their
node and Slurm job, and job-to-Slurm-job correlations (on SQLite and PostgreSQL, whose
JSON functions differ)."""

from __future__ import annotations

import torc_models as m
from tests.server.driver import Driver, job_statuses, wait_for
from tests.server.helpers import MISSING, fails, rid, workflow_of_commands
from torc.api import TorcApi


def slurm_node(api: TorcApi, workflow_id: int, slurm_job_id: str) -> int:
    """A compute node as the Slurm runner records it: the allocation in ``scheduler``."""
    node = m.ComputeNodeModel(
        workflow_id=workflow_id,
        hostname="node-7",
        pid=4242,
        start_time="2026-12-01T10:00:00+00:00",
        num_cpus=4,
        memory_gb=8,
        num_gpus=0,
        num_nodes=1,
        compute_node_type="slurm",
        is_active=True,
        scheduler={"slurm_job_id": slurm_job_id, "scheduled_compute_node_id": 1},
    )
    return rid(api.create_compute_node(node))


def test_running_jobs_and_slurm_correlations(any_api: TorcApi) -> None:
    w = workflow_of_commands(any_api, "views", ["a", "b", "c"])
    local = Driver(any_api, w)
    slurm = slurm_node(any_api, w, "889911")
    run_id = local.run_id
    a, b, c = sorted(local.claim(expect=3), key=lambda job: job.name)
    any_api.start_job(rid(a), run_id, local.node_id)
    any_api.start_job(rid(b), run_id, slurm)

    running = any_api.get_running_jobs(w)
    assert (running.total_count, running.count, running.has_more) == (2, 2, False)
    rows = {row.job_name: row for row in running.items}
    assert rows["j0"].compute_node_name == "test-host" and rows["j0"].scheduler_type == "local"
    assert rows["j0"].scheduler_job_id is None
    assert rows["j1"].compute_node_name == "node-7" and rows["j1"].scheduler_type == "slurm"
    assert rows["j1"].scheduler_job_id == "889911" and rows["j1"].start_time
    page = any_api.get_running_jobs(w, offset=1, limit=1)
    assert [row.job_name for row in page.items] == ["j1"] and page.total_count == 2
    assert any_api.get_running_jobs(w, offset=5).total_count == 2
    assert any_api.get_slurm_job_correlations(w).items == []

    result = local.result(b, m.JobStatus.completed, 0).model_copy(update={"compute_node_id": slurm})
    any_api.complete_job(rid(b), m.JobStatus.completed, run_id, result)
    done = any_api.get_job(rid(b))
    assert done.compute_node_id is None and done.start_time is None
    assert [row.job_name for row in any_api.get_running_jobs(w).items] == ["j0"]
    # sacct's record of another job is a second source of the same answer.
    any_api.create_slurm_stats(
        m.SlurmStatsModel(
            workflow_id=w, job_id=rid(c), run_id=run_id, attempt_id=1, slurm_job_id="889912"
        )
    )
    pairs = any_api.get_slurm_job_correlations(w)
    assert [(p.job_name, p.slurm_job_id) for p in pairs.items] == [
        ("j1", "889911"),
        ("j2", "889912"),
    ]
    assert pairs.total_count == 2
    fails(404, any_api.get_running_jobs, MISSING)
    fails(404, any_api.get_slurm_job_correlations, MISSING)


def test_status_counts_nodes_and_run_state(any_api: TorcApi) -> None:
    w = workflow_of_commands(any_api, "glance", ["a", "b", "c", "d"])
    driver = Driver(any_api, w)
    first, *_ = driver.claim(expect=4)
    driver.finish(first)
    wait_for(lambda: list(job_statuses(any_api, w).values()).count("completed") == 1)
    any_api.create_scheduled_compute_node(
        m.ScheduledComputeNodesModel(
            workflow_id=w,
            scheduler_id=5,
            scheduler_config_id=1,
            scheduler_type="slurm",
            status="pending",
        )
    )
    status = any_api.get_workflow_status(w)
    assert (status.workflow_id, status.workflow_name, status.workflow_user) == (
        w,
        "glance",
        "tester",
    )
    assert status.total_jobs == 4 and status.jobs_by_status.completed == 1
    assert status.jobs_by_status.pending == 3 and status.jobs_by_status.ready == 0
    assert (status.active_compute_nodes, status.pending_scheduled_nodes) == (1, 1)
    assert status.active_scheduled_nodes == 0 and status.is_complete is False
    assert status.total_exec_time_minutes == 0.01 and status.run_id == 1
    assert status.walltime_seconds is not None and status.walltime_seconds > 0
    fails(404, any_api.get_workflow_status, MISSING)


def test_job_filters_by_name_command_and_origin(any_api: TorcApi) -> None:
    w = workflow_of_commands(any_api, "filters", ["python train.py", "echo 100%_done", "ls"])
    names = {j.name: j.command for j in any_api.list_jobs(w).items}
    assert names == {"j0": "python train.py", "j1": "echo 100%_done", "j2": "ls"}
    assert [j.name for j in any_api.list_jobs(w, command="TRAIN").items] == ["j0"]
    assert [j.name for j in any_api.list_jobs(w, command="%_").items] == ["j1"], "literal"
    assert [j.name for j in any_api.list_jobs(w, name="j2").items] == ["j2"]
    assert any_api.list_jobs(w, origin_is_set=True, limit=1).total_count == 0
    assert any_api.list_jobs(w, origin_is_set=False).total_count == 3
