"""Output times carried by completions, and the reinitialize preview, on SQLite and
PostgreSQL: a completion records only its own job's outputs, and the preview answers with
the trial times but leaves every record as it was."""

from __future__ import annotations

import functools

import torc_models as m
from tests.server.driver import Driver, job_statuses, wait_for
from torc.api import TorcApi


def pipeline(api: TorcApi) -> tuple[int, dict[str, int], dict[str, m.JobModel]]:
    """``make`` writes ``mid``, ``use`` reads it and writes ``out``."""
    workflow = api.create_workflow(m.WorkflowModel(name="times", user="tester"))
    assert workflow.id is not None
    w = workflow.id
    files = {
        name: api.create_file(m.FileModel(workflow_id=w, name=name, path=f"/nowhere/{name}")).id
        for name in ("mid", "out")
    }
    ids = {name: file_id for name, file_id in files.items() if file_id is not None}
    make = api.create_job(
        m.JobModel(workflow_id=w, name="make", command="make", output_file_ids=[ids["mid"]])
    )
    use = api.create_job(
        m.JobModel(
            workflow_id=w,
            name="use",
            command="use",
            input_file_ids=[ids["mid"]],
            output_file_ids=[ids["out"]],
        )
    )
    api.initialize_jobs(w)
    return w, ids, {"make": make, "use": use}


def complete(
    api: TorcApi, driver: Driver, job: m.JobModel, mtimes: list[m.FileMtime]
) -> m.JobExchangeResponse:
    assert job.id is not None
    return api.exchange_jobs(
        driver.workflow_id,
        m.JobExchangeRequest(
            run_id=driver.run_id,
            compute_node_id=driver.node_id,
            started_job_ids=[job.id],
            completions=[
                m.JobCompletionEntry(
                    job_id=job.id,
                    status=m.JobStatus.completed,
                    run_id=driver.run_id,
                    result=driver.result(job, m.JobStatus.completed, 0),
                    output_file_mtimes=mtimes,
                )
            ],
        ),
    )


def ready(api: TorcApi, workflow_id: int, name: str) -> bool:
    return job_statuses(api, workflow_id).get(name) == "ready"


def mtimes(api: TorcApi, workflow_id: int) -> dict[str, float | None]:
    return {f.name: f.st_mtime for f in api.list_files(workflow_id).items or []}


def test_completion_records_only_its_own_outputs(any_api: TorcApi) -> None:
    w, files, jobs = pipeline(any_api)
    driver = Driver(any_api, w)
    any_api.claim_next_jobs(w, limit=1)
    # make claims to have written both files; only mid is its output
    reply = complete(
        any_api,
        driver,
        jobs["make"],
        [m.FileMtime(file_id=files["mid"], st_mtime=100.5), m.FileMtime(file_id=files["out"])],
    )
    assert reply.errors == []
    assert mtimes(any_api, w) == {"mid": 100.5, "out": None}


def test_preview_tries_times_and_changes_nothing(any_api: TorcApi) -> None:
    w, files, _ = pipeline(any_api)
    driver = Driver(any_api, w)
    for name, written in (("make", "mid"), ("use", "out")):
        wait_for(functools.partial(ready, any_api, w, name), 20, f"{name} to be ready")
        claimed = any_api.claim_next_jobs(w, limit=1).jobs or []
        assert [job.name for job in claimed] == [name]
        complete(any_api, driver, claimed[0], [m.FileMtime(file_id=files[written], st_mtime=7.0)])
    wait_for(lambda: job_statuses(any_api, w) == {"make": "completed", "use": "completed"})

    def preview(*trial: m.FileMtime) -> list[str]:
        request = m.PreviewChangedJobInputsRequest(files=list(trial))
        return list(any_api.preview_changed_job_inputs(w, request).reinitialized_jobs)

    assert preview() == []
    assert preview(m.FileMtime(file_id=files["mid"], st_mtime=8.0)) == ["use"]
    assert preview(m.FileMtime(file_id=files["mid"])) == ["make", "use"]  # gone
    assert mtimes(any_api, w) == {"mid": 7.0, "out": 7.0}  # every trial rolled back
    assert any_api.process_changed_job_inputs(w, dry_run=True).reinitialized_jobs == []
