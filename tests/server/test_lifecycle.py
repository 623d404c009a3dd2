"""The job lifecycle end to end, on SQLite and on PostgreSQL (``any_api``)."""

from __future__ import annotations

import pytest

import torc_models as m
from tests.server.driver import Driver, wait_for
from torc.api import ApiError, TorcApi

S = m.JobStatus


def workflow(api: TorcApi, name: str = "wf") -> int:
    created = api.create_workflow(m.WorkflowModel(name=name, user="tester"))
    assert created.id is not None
    return created.id


def job(api: TorcApi, workflow_id: int, name: str, **fields: object) -> m.JobModel:
    return api.create_job(m.JobModel(workflow_id=workflow_id, name=name, command="true", **fields))


def files(api: TorcApi, workflow_id: int, *names: str) -> dict[str, int]:
    records = m.FilesModel(
        files=[m.FileModel(workflow_id=workflow_id, name=n, path=f"/data/{n}") for n in names]
    )
    return {f.name: f.id for f in api.create_files(records).files or [] if f.id is not None}


def test_diamond_with_files(any_api: TorcApi) -> None:
    w = workflow(any_api)
    f = files(any_api, w, "input", "left", "right", "result")
    job(
        any_api,
        w,
        "preprocess",
        input_file_ids=[f["input"]],
        output_file_ids=[f["left"], f["right"]],
    )
    job(any_api, w, "work_left", input_file_ids=[f["left"]], output_file_ids=[f["result"]])
    right = job(any_api, w, "work_right", input_file_ids=[f["right"]])
    job(any_api, w, "postprocess", input_file_ids=[f["result"]], depends_on_job_ids=[right.id])
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    assert driver.statuses() == {
        "preprocess": "ready",
        "work_left": "blocked",
        "work_right": "blocked",
        "postprocess": "blocked",
    }
    assert any_api.list_required_existing_files(w).files == [f["input"]]

    (first,) = driver.claim()
    assert first.name == "preprocess" and first.status == S.pending
    driver.finish(first)
    middle = driver.claim(expect=2)
    assert sorted(j.name for j in middle) == ["work_left", "work_right"]
    driver.finish(middle[0])
    assert driver.statuses()["postprocess"] == "blocked", "one blocker is still running"
    driver.finish(middle[1])
    (last,) = driver.claim()
    assert last.name == "postprocess"
    driver.finish(last)
    done = wait_for(lambda: any_api.is_workflow_complete(w).is_complete, what="completion")
    assert done
    deps = {(d.job_name, d.depends_on_job_name) for d in any_api.list_job_dependencies(w).items}
    assert deps == {
        ("work_left", "preprocess"),
        ("work_right", "preprocess"),
        ("postprocess", "work_left"),
        ("postprocess", "work_right"),
    }
    assert any_api.list_results(w).total_count == 4


def test_user_data_dependencies(any_api: TorcApi) -> None:
    w = workflow(any_api)
    records = (
        any_api.create_user_data_list(
            m.UserDataListModel(user_data=[m.UserDataModel(workflow_id=w, name="config")])
        ).user_data
        or []
    )
    config = records[0].id
    job(any_api, w, "producer", output_user_data_ids=[config])
    job(any_api, w, "consumer", input_user_data_ids=[config])
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    assert driver.statuses() == {"producer": "ready", "consumer": "blocked"}
    assert driver.run_to_end() == {"producer": "completed", "consumer": "completed"}


def test_failure_cancels_dependents_transitively(any_api: TorcApi) -> None:
    w = workflow(any_api)
    a = job(any_api, w, "a")
    b = job(any_api, w, "b", depends_on_job_ids=[a.id])
    job(any_api, w, "c", depends_on_job_ids=[b.id])
    job(any_api, w, "tolerant", depends_on_job_ids=[a.id], cancel_on_blocking_job_failure=False)
    job(any_api, w, "independent")
    any_api.initialize_jobs(w)
    final = Driver(any_api, w).run_to_end(fail={"a"})
    assert final == {
        "a": "failed",
        "b": "canceled",
        "c": "canceled",
        "tolerant": "completed",
        "independent": "completed",
    }
    assert any_api.is_workflow_complete(w).is_complete


def test_pending_failed_keeps_dependents_blocked(any_api: TorcApi) -> None:
    w = workflow(any_api)
    a = job(any_api, w, "a")
    job(any_api, w, "b", depends_on_job_ids=[a.id])
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    (claimed,) = driver.claim()
    driver.finish(claimed, S.pending_failed)
    assert driver.statuses() == {"a": "pending_failed", "b": "blocked"}
    assert not any_api.is_workflow_complete(w).is_complete
    # classification: transient, so the job goes back to ready and runs again
    assert claimed.id is not None
    any_api.manage_status_change(claimed.id, S.ready, driver.run_id)
    assert driver.run_to_end() == {"a": "completed", "b": "completed"}


def test_cycle_is_refused_with_its_jobs(any_api: TorcApi) -> None:
    w = workflow(any_api)
    f = files(any_api, w, "x", "y")
    job(any_api, w, "first", input_file_ids=[f["y"]], output_file_ids=[f["x"]])
    job(any_api, w, "second", input_file_ids=[f["x"]], output_file_ids=[f["y"]])
    with pytest.raises(ApiError) as caught:
        any_api.initialize_jobs(w)
    assert caught.value.status_code == 409
    assert "cycle" in caught.value.message
    assert "first" in caught.value.message and "second" in caught.value.message


def test_resource_claims_never_exceed_capacity(any_api: TorcApi) -> None:
    w = workflow(any_api)
    small = any_api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=w, name="small", num_cpus=1, memory="1g")
    )
    big = any_api.create_resource_requirements(
        m.ResourceRequirementsModel(
            workflow_id=w, name="big", num_cpus=4, memory="10g", runtime="PT2H"
        )
    )
    gpu = any_api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=w, name="gpu", num_cpus=1, num_gpus=1, memory="1g")
    )
    for i in range(20):
        job(any_api, w, f"small{i}", resource_requirements_id=small.id)
    for i in range(3):
        job(any_api, w, f"big{i}", resource_requirements_id=big.id)
    job(any_api, w, "gpu0", resource_requirements_id=gpu.id)
    any_api.initialize_jobs(w)
    capacity = m.ComputeNodesResources(num_cpus=8, memory_gb=16, num_gpus=0, num_nodes=1)
    claimed = any_api.claim_jobs_based_on_resources(w, 100, capacity).jobs or []
    requirements = {small.id: (1, 1), big.id: (4, 10), gpu.id: (1, 1)}
    cpus = sum(requirements[j.resource_requirements_id][0] for j in claimed)
    memory = sum(requirements[j.resource_requirements_id][1] for j in claimed)
    assert cpus <= 8 and memory <= 16
    assert "gpu0" not in {j.name for j in claimed}, "no GPU on this runner"
    assert claimed[0].name.startswith("big"), "default sort: longest runtime first"
    short = m.ComputeNodesResources(
        num_cpus=8, memory_gb=64, num_gpus=0, num_nodes=1, time_limit="PT30M"
    )
    rest = any_api.claim_jobs_based_on_resources(w, 100, short).jobs or []
    assert rest and all(j.name.startswith("small") for j in rest), "big jobs need 2 h"
    none_fit = m.ComputeNodesResources(num_cpus=0, memory_gb=0, num_gpus=0, num_nodes=1)
    reply = any_api.claim_jobs_based_on_resources(w, 100, none_fit)
    assert not reply.jobs and reply.reason


def test_priority_and_limit(any_api: TorcApi) -> None:
    w = workflow(any_api)
    for i in range(5):
        job(any_api, w, f"low{i}")
    job(any_api, w, "urgent", priority=10)
    any_api.initialize_jobs(w)
    first = any_api.claim_next_jobs(w, limit=2).jobs or []
    assert [j.name for j in first] == ["urgent", "low0"]
    assert len(any_api.claim_next_jobs(w, limit=10).jobs or []) == 4
    assert any_api.claim_next_jobs(w, limit=10).jobs == []


def test_transition_errors_are_409(any_api: TorcApi) -> None:
    w = workflow(any_api)
    a = job(any_api, w, "a")
    assert a.id is not None
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    run = driver.run_id
    with pytest.raises(ApiError) as not_claimed:
        any_api.start_job(a.id, run, driver.node_id)
    assert not_claimed.value.status_code == 409 and "ready" in not_claimed.value.message
    (claimed,) = driver.claim()
    with pytest.raises(ApiError) as stale:
        any_api.start_job(a.id, run + 7, driver.node_id)
    assert stale.value.status_code == 409 and "run_id" in stale.value.message
    driver.finish(claimed)
    again = any_api.complete_job(a.id, S.completed, run, driver.result(claimed, S.completed, 0))
    assert again.status == S.completed, "a resent completion is accepted once more"
    assert any_api.list_results(w).total_count == 1
    with pytest.raises(ApiError) as twice:
        any_api.complete_job(a.id, S.failed, run, driver.result(claimed, S.failed, 1))
    assert twice.value.status_code == 409 and "completed" in twice.value.message
    with pytest.raises(ApiError) as missing:
        any_api.get_job(999_999)
    assert missing.value.status_code == 404


def test_retry_reserves_attempts(any_api: TorcApi) -> None:
    w = workflow(any_api)
    a = job(any_api, w, "flaky")
    job(any_api, w, "after", depends_on_job_ids=[a.id])
    assert a.id is not None
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    for attempt in (1, 2):
        (claimed,) = driver.claim()
        assert claimed.attempt_id == attempt
        any_api.start_job(a.id, driver.run_id, driver.node_id)
        retried = any_api.retry_job(a.id, driver.run_id, max_retries=3)
        assert retried.status == S.ready and retried.attempt_id == attempt + 1
    (claimed,) = driver.claim()
    any_api.start_job(a.id, driver.run_id, driver.node_id)
    with pytest.raises(ApiError) as exhausted:
        any_api.retry_job(a.id, driver.run_id, max_retries=3)
    assert exhausted.value.status_code == 409
    any_api.complete_job(a.id, S.completed, driver.run_id, driver.result(claimed, S.completed, 0))
    assert driver.run_to_end() == {"flaky": "completed", "after": "completed"}


def test_reset_failed_and_rerun(any_api: TorcApi) -> None:
    w = workflow(any_api)
    a = job(any_api, w, "a")
    job(any_api, w, "b", depends_on_job_ids=[a.id])
    job(any_api, w, "ok")
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    assert driver.run_to_end(fail={"a"}) == {"a": "failed", "b": "canceled", "ok": "completed"}
    reset = any_api.reset_job_status(w, failed_only=True)
    assert reset.updated_count == 2
    status = any_api.reset_workflow_status(w)
    assert status["run_id"] == 2
    any_api.initialize_jobs(w, only_uninitialized=True)
    assert driver.statuses() == {"a": "ready", "b": "blocked", "ok": "completed"}
    assert driver.run_to_end() == {"a": "completed", "b": "completed", "ok": "completed"}
    runs = {r.run_id for r in any_api.list_results(w, all_runs=True).items}
    assert runs == {1, 2}


def test_cancel_stops_claims(any_api: TorcApi) -> None:
    w = workflow(any_api)
    job(any_api, w, "a")
    any_api.initialize_jobs(w)
    any_api.cancel_workflow(w)
    assert any_api.claim_next_jobs(w, limit=5).jobs == []
    state = any_api.is_workflow_complete(w)
    assert state.is_complete and state.is_canceled
    with pytest.raises(ApiError) as archived:
        any_api.update_workflow_status(
            w, m.WorkflowStatusModel(run_id=1, is_canceled=False, is_archived=True)
        )
        any_api.claim_next_jobs(w, limit=5)
    assert archived.value.status_code == 409


def test_changed_inputs_rerun_downstream(any_api: TorcApi) -> None:
    w = workflow(any_api)
    f = files(any_api, w, "raw", "clean")
    any_api.update_file(
        f["raw"], m.FileModel(workflow_id=w, name="raw", path="/data/raw", st_mtime=100.0)
    )
    job(any_api, w, "clean", input_file_ids=[f["raw"]], output_file_ids=[f["clean"]])
    job(any_api, w, "report", input_file_ids=[f["clean"]])
    job(any_api, w, "unrelated")
    any_api.initialize_jobs(w)
    driver = Driver(any_api, w)
    driver.run_to_end()
    any_api.update_file(
        f["clean"], m.FileModel(workflow_id=w, name="clean", path="/data/clean", st_mtime=200.0)
    )
    assert any_api.process_changed_job_inputs(w, dry_run=True).reinitialized_jobs == ["report"]
    any_api.update_file(
        f["raw"], m.FileModel(workflow_id=w, name="raw", path="/data/raw", st_mtime=300.0)
    )
    preview = any_api.process_changed_job_inputs(w, dry_run=True).reinitialized_jobs
    assert preview == ["clean", "report"]
    assert driver.statuses()["clean"] == "completed", "dry run changes nothing"
    assert any_api.process_changed_job_inputs(w).reinitialized_jobs == ["clean", "report"]
    any_api.initialize_jobs(w, only_uninitialized=True)
    assert driver.statuses() == {"clean": "ready", "report": "blocked", "unrelated": "completed"}


def test_pagination_over_25000_jobs(any_api: TorcApi) -> None:
    w = workflow(any_api)
    batch = [m.JobModel(workflow_id=w, name=f"job{i:05d}", command="true") for i in range(25_000)]
    created = any_api.create_jobs(m.JobsModel(jobs=batch)).jobs or []
    assert len(created) == 25_000 and created[0].name == "job00000"
    seen: list[str] = []
    offset = 0
    while True:
        page = any_api.list_jobs(w, offset=offset, limit=10_000)
        seen += [j.name for j in page.items]
        assert page.total_count == 25_000
        offset += page.count
        if not page.has_more:
            break
    assert seen == [j.name for j in batch]
    with pytest.raises(ApiError) as too_many:
        any_api.list_jobs(w, limit=10_001)
    assert too_many.value.status_code == 422
    newest = any_api.list_jobs(w, limit=3, sort_by="name", reverse_sort=True).items
    assert [j.name for j in newest] == ["job24999", "job24998", "job24997"]


def test_delete_workflow_cascades(any_api: TorcApi, any_server: object) -> None:
    w = workflow(any_api)
    f = files(any_api, w, "data")
    a = job(any_api, w, "a", output_file_ids=[f["data"]])
    job(any_api, w, "b", input_file_ids=[f["data"]], depends_on_job_ids=[a.id])
    any_api.initialize_jobs(w)
    Driver(any_api, w).run_to_end()
    any_api.delete_workflow(w)
    for call in (
        lambda: any_api.get_workflow(w),
        lambda: any_api.get_job(a.id or 0),
        lambda: any_api.get_file(f["data"]),
    ):
        with pytest.raises(ApiError) as gone:
            call()
        assert gone.value.status_code == 404
    other = workflow(any_api, "other")
    assert any_api.list_results(other).total_count == 0


def test_ready_job_requirements_sums_ready_jobs(any_api: TorcApi) -> None:
    """PostgreSQL sums BIGINT columns as NUMERIC: the totals must still be JSON numbers."""
    w = workflow(any_api)
    big = m.ResourceRequirementsModel(
        workflow_id=w, name="big", num_cpus=4, num_gpus=1, memory="2g", runtime="PT1H"
    )
    rr = any_api.create_resource_requirements(big).id
    first = job(any_api, w, "a", resource_requirements_id=rr)
    job(any_api, w, "b", resource_requirements_id=rr)
    job(any_api, w, "c", resource_requirements_id=rr, depends_on_job_ids=[first.id])
    any_api.initialize_jobs(w)
    ready = any_api.get_ready_job_requirements(w)
    assert (ready.num_jobs, ready.num_cpus, ready.num_gpus, ready.memory_gb) == (2, 8, 2, 4.0)
    assert (ready.max_num_nodes, ready.max_runtime) == (1, "P0DT1H0M0S")
