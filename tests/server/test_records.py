"""Workflow records end to end: files, user data, resource requirements, results, events,
failure handlers and RO-Crate entities, through a real server and the typed client."""

from __future__ import annotations

import sqlite3
from functools import partial

import httpx

import torc_models as m
from tests.conftest import ServerProcess
from tests.server.helpers import (
    MISSING,
    check_paging,
    check_unknown_ids,
    fails,
    ids,
    new_workflow,
    rid,
    rows_of_workflow,
)
from torc.api import TorcApi


def job(api: TorcApi, workflow_id: int, name: str, **fields: object) -> int:
    values = {"workflow_id": workflow_id, "name": name, "command": "true", **fields}
    return rid(api.create_job(m.JobModel.model_validate(values)))


def test_files(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    a = api.create_file(m.FileModel(workflow_id=wf, name="a", path="in/a.txt"))
    assert a.id is not None and a.st_mtime is None
    bulk = (
        api.create_files(
            m.FilesModel(
                files=[
                    m.FileModel(workflow_id=wf, name="b", path="out/b.txt"),
                    m.FileModel(workflow_id=wf, name="c", path="out/c.txt", st_mtime=12.5),
                    m.FileModel(workflow_id=wf, name="d", path="in/a.txt"),
                ]
            )
        ).files
        or []
    )
    assert [f.name for f in bulk] == ["b", "c", "d"] and bulk[1].st_mtime == 12.5
    b, c, d = (rid(f) for f in bulk)
    assert api.get_file(a.id) == a
    assert api.update_file(a.id, a.model_copy(update={"st_mtime": 99.5})).st_mtime == 99.5
    assert api.get_file(a.id).st_mtime == 99.5

    producer = job(api, wf, "make", input_file_ids=[a.id], output_file_ids=[b, c])
    listing = partial(api.list_files, wf)
    check_paging(listing, [a.id, b, c, d])
    assert ids(listing(produced_by_job_id=producer)) == [b, c]
    assert ids(listing(produced_by_job_id=MISSING)) == []
    assert ids(listing(is_output=True)) == [b, c]
    assert ids(listing(is_output=False)) == [a.id, d]
    assert ids(listing(name="c")) == [c]
    assert ids(listing(path="in/a.txt")) == [a.id, d]
    assert ids(listing(path="in/a.txt", is_output=False, name="d")) == [d]
    assert ids(listing(sort_by="name", reverse_sort=True)) == [d, c, b, a.id]
    assert "sort" in fails(422, listing, sort_by="no_such_field")
    assert "workflow" in fails(404, api.list_files, MISSING)
    assert ids(api.list_files(other)) == []

    assert "workflow" in fails(
        404, api.create_file, m.FileModel(workflow_id=MISSING, name="x", path="x")
    )
    fails(422, api.update_file, a.id, a.model_copy(update={"workflow_id": other}))
    check_unknown_ids("file", api.get_file, lambda i: api.update_file(i, a), api.delete_file)

    assert api.delete_file(d).id == d
    fails(404, api.get_file, d)
    assert api.delete_files(wf).count == 3
    assert listing().total_count == 0
    assert "workflow" in fails(404, api.delete_files, MISSING)


def test_user_data(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    producer, consumer = job(api, wf, "produce"), job(api, wf, "consume")
    foreign = job(api, other, "elsewhere")
    first = api.create_user_data(
        m.UserDataModel(workflow_id=wf, name="params", data={"alpha": [1, 2], "beta": None}),
        producer_job_id=producer,
        consumer_job_id=consumer,
    )
    assert first.id is not None and first.data == {"alpha": [1, 2], "beta": None}
    assert first.is_ephemeral is False
    bulk = (
        api.create_user_data_list(
            m.UserDataListModel(
                user_data=[
                    m.UserDataModel(workflow_id=wf, name="empty"),
                    m.UserDataModel(workflow_id=wf, name="scratch", is_ephemeral=True, data=3),
                    m.UserDataModel(workflow_id=wf, name="text", data="hello"),
                ]
            )
        ).user_data
        or []
    )
    assert [(u.name, u.is_ephemeral, u.data) for u in bulk] == [
        ("empty", False, None),
        ("scratch", True, 3),
        ("text", False, "hello"),
    ]
    empty, scratch, text = (rid(u) for u in bulk)
    linked = api.create_user_data(
        m.UserDataModel(workflow_id=wf, name="result"), producer_job_id=consumer
    )
    assert linked.id is not None
    assert api.get_user_data(first.id) == first

    listing = partial(api.list_user_data, wf)
    check_paging(listing, [first.id, empty, scratch, text, linked.id])
    assert ids(listing(consumer_job_id=consumer)) == [first.id]
    assert ids(listing(producer_job_id=producer)) == [first.id]
    assert ids(listing(producer_job_id=consumer)) == [linked.id]
    assert ids(listing(consumer_job_id=producer)) == []
    assert ids(listing(name="text")) == [text]
    assert ids(listing(is_ephemeral=True)) == [scratch]
    assert len(ids(listing(is_ephemeral=False))) == 4
    assert ids(listing(sort_by="name")) == [empty, first.id, linked.id, scratch, text]

    # a job of another workflow, or none at all, cannot be linked; nothing is stored then
    body = m.UserDataModel(workflow_id=wf, name="bad")
    assert "consumer_job_id" in fails(422, api.create_user_data, body, consumer_job_id=foreign)
    assert "job" in fails(404, api.create_user_data, body, producer_job_id=MISSING)
    assert ids(listing(name="bad")) == []
    fails(404, api.create_user_data, m.UserDataModel(workflow_id=MISSING, name="x"))

    updated = api.update_user_data(empty, bulk[0].model_copy(update={"data": {"done": True}}))
    assert updated.data == {"done": True} and api.get_user_data(empty).data == {"done": True}
    fails(422, api.update_user_data, empty, bulk[0].model_copy(update={"workflow_id": other}))
    check_unknown_ids(
        "user data",
        api.get_user_data,
        lambda i: api.update_user_data(i, bulk[0]),
        api.delete_user_data,
    )

    assert api.delete_user_data(text).name == "text"
    fails(404, api.get_user_data, text)
    assert api.delete_all_user_data(wf) == {"count": 4}
    assert listing().total_count == 0


def rr_columns(server: ServerProcess, job_id: int) -> tuple[int, ...]:
    with sqlite3.connect(server.database) as db:
        row = db.execute(
            "SELECT rr_num_cpus, rr_num_gpus, rr_num_nodes, rr_memory_bytes, rr_runtime_seconds "
            "FROM job WHERE id = ?",
            (job_id,),
        ).fetchone()
    return tuple(row)


def test_resource_requirements(api: TorcApi, torc_server: ServerProcess) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    (default,) = api.list_resource_requirements(wf).items  # every workflow has one
    assert (default.name, default.memory, default.runtime) == ("default", "1m", "PT1M")
    small = api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=wf, name="small", memory="512m", runtime="PT30M")
    )
    big = api.create_resource_requirements(
        m.ResourceRequirementsModel(
            workflow_id=wf,
            name="big",
            num_cpus=8,
            num_gpus=2,
            num_nodes=2,
            memory="2g",
            runtime="P0DT2H",
        )
    )
    gpu = api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=wf, name="gpu", num_gpus=1, memory="2048m")
    )
    assert small.id and big.id and gpu.id and default.id
    assert api.get_resource_requirements(big.id) == big
    assert (big.num_cpus, big.memory, big.runtime) == (8, "2g", "P0DT2H")

    user = job(api, wf, "work", resource_requirements_id=big.id)
    assert rr_columns(torc_server, user) == (8, 2, 2, 2 * 1024**3, 7200)

    listing = partial(api.list_resource_requirements, wf)
    check_paging(listing, [default.id, small.id, big.id, gpu.id])
    assert ids(listing(job_id=user)) == [big.id]
    assert ids(listing(name="small")) == [small.id]
    assert ids(listing(memory="2g")) == [big.id, gpu.id]  # compared by size
    assert ids(listing(num_cpus=8)) == [big.id]
    assert ids(listing(num_gpus=1)) == [gpu.id]
    assert ids(listing(num_nodes=2)) == [big.id]
    assert ids(listing(runtime=1800)) == [small.id]  # seconds
    assert ids(listing(sort_by="num_cpus", reverse_sort=True))[0] == big.id
    assert "lots" in fails(422, listing, memory="lots")

    # bad values are refused with the value named; duplicate names conflict
    def body(**fields: object) -> m.ResourceRequirementsModel:
        return m.ResourceRequirementsModel.model_validate(
            {"workflow_id": wf, "name": "x", **fields}
        )

    assert "'lots'" in fails(422, api.create_resource_requirements, body(memory="lots"))
    assert "'forever'" in fails(422, api.create_resource_requirements, body(runtime="forever"))
    huge = body(memory="99999999999999999999g")
    assert "too large" in fails(422, api.create_resource_requirements, huge)
    assert "num_cpus" in fails(422, api.create_resource_requirements, body(num_cpus=0))
    assert "num_gpus" in fails(422, api.create_resource_requirements, body(num_gpus=-1))
    assert "small" in fails(409, api.create_resource_requirements, body(name="small"))
    fails(404, api.create_resource_requirements, body().model_copy(update={"workflow_id": MISSING}))

    # an update is propagated to the jobs that use the set
    changed = api.update_resource_requirements(
        big.id, big.model_copy(update={"num_cpus": 4, "memory": "3g", "runtime": "PT90M"})
    )
    assert (changed.num_cpus, changed.memory, changed.runtime) == (4, "3g", "PT90M")
    assert rr_columns(torc_server, user) == (4, 2, 2, 3 * 1024**3, 5400)
    fails(422, api.update_resource_requirements, big.id, big.model_copy(update={"memory": "x"}))
    fails(409, api.update_resource_requirements, big.id, big.model_copy(update={"name": "gpu"}))
    fails(
        422, api.update_resource_requirements, big.id, big.model_copy(update={"workflow_id": other})
    )
    check_unknown_ids(
        "resource requirements",
        api.get_resource_requirements,
        lambda i: api.update_resource_requirements(i, big),
        api.delete_resource_requirement,
    )

    # deleting a set in use leaves its jobs without one
    assert api.delete_resource_requirement(big.id).name == "big"
    assert api.get_job(user).resource_requirements_id is None
    assert api.delete_resource_requirements(wf) == {"count": 3}
    assert listing().total_count == 0
    assert api.list_resource_requirements(other).total_count == 1


def result(wf: int, job_id: int, **fields: object) -> m.ResultModel:
    values: dict[str, object] = {
        "workflow_id": wf,
        "job_id": job_id,
        "run_id": 1,
        "attempt_id": 1,
        "compute_node_id": 1,
        "return_code": 0,
        "status": m.JobStatus.completed,
        "exec_time_minutes": 0.5,
        "completion_time": "2026-11-23T12:00:00Z",
    }
    return m.ResultModel.model_validate({**values, **fields})


def test_results(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    j1, j2, foreign = job(api, wf, "one"), job(api, wf, "two"), job(api, other, "three")
    r1 = api.create_result(result(wf, j1, peak_memory_bytes=1024, avg_cpu_percent=150.0))
    r2 = api.create_result(result(wf, j2, return_code=1, status=m.JobStatus.failed))
    r3 = api.create_result(result(wf, j2, compute_node_id=7, status=m.JobStatus.terminated))
    r4 = api.create_result(result(wf, j1, run_id=2, attempt_id=1))
    assert r1.id and r2.id and r3.id and r4.id
    assert api.get_result(r1.id) == r1
    assert (r1.peak_memory_bytes, r1.avg_cpu_percent, r2.status) == (
        1024,
        150.0,
        m.JobStatus.failed,
    )

    listing = partial(api.list_results, wf)
    check_paging(listing, [r1.id, r2.id, r3.id])  # the current run only
    check_paging(partial(listing, all_runs=True), [r1.id, r2.id, r3.id, r4.id])
    assert ids(listing(run_id=2)) == [r4.id]
    assert ids(listing(job_id=j1)) == [r1.id]
    assert ids(listing(job_id=j1, all_runs=True)) == [r1.id, r4.id]
    assert ids(listing(return_code=1)) == [r2.id]
    assert ids(listing(status=m.JobStatus.terminated)) == [r3.id]
    assert ids(listing(compute_node_id=7)) == [r3.id]
    assert ids(listing(sort_by="return_code", reverse_sort=True))[0] == r2.id

    # a new run makes its results the default listing
    api.update_workflow_status(wf, m.WorkflowStatusModel(run_id=2, is_canceled=False))
    assert ids(listing()) == [r4.id]

    assert "job_id" in fails(422, api.create_result, result(wf, foreign))
    assert "job" in fails(404, api.create_result, result(wf, MISSING))
    fails(404, api.create_result, result(MISSING, j1))
    updated = api.update_result(r2.id, r2.model_copy(update={"return_code": 3}))
    assert updated.return_code == 3 and api.get_result(r2.id).return_code == 3
    fails(422, api.update_result, r2.id, r2.model_copy(update={"job_id": foreign}))
    check_unknown_ids(
        "result", api.get_result, lambda i: api.update_result(i, r1), api.delete_result
    )

    assert api.delete_result(r3.id).id == r3.id
    fails(404, api.get_result, r3.id)
    assert api.delete_results(wf) == {"count": 3}
    assert listing(all_runs=True).total_count == 0


def test_events(api: TorcApi) -> None:
    wf = new_workflow(api)
    # creating the workflow logged an event already
    (created,) = api.list_events(wf).items
    assert created.data["category"] == "workflow"
    e1 = api.create_event(
        m.EventModel(workflow_id=wf, timestamp=1000, data={"category": "job", "n": 1})
    )
    e2 = api.create_event(m.EventModel(workflow_id=wf, timestamp=2000, data={"category": "slurm"}))
    e3 = api.create_event(
        m.EventModel(workflow_id=wf, timestamp=3000, data=["not", "an", "object"])
    )
    e4 = api.create_event(m.EventModel(workflow_id=wf, timestamp=4000, data={"category": 5}))
    assert e1.id and e2.id and e3.id and e4.id and created.id
    assert api.get_event(e3.id).data == ["not", "an", "object"]

    listing = partial(api.list_events, wf)
    check_paging(listing, [created.id, e1.id, e2.id, e3.id, e4.id])
    assert ids(listing(category="job")) == [e1.id]
    assert ids(listing(category="slurm")) == [e2.id]
    assert ids(listing(category="5")) == []  # only string categories are indexed
    assert ids(listing(after_timestamp=2000)) == [created.id, e3.id, e4.id]  # created: now
    assert ids(listing(after_timestamp=1000, category="slurm")) == [e2.id]
    assert ids(listing(sort_by="timestamp")) == [e1.id, e2.id, e3.id, e4.id, created.id]

    # an update replaces the data and, with it, the category
    updated = api.update_event(e1.id, {"category": "slurm", "message": "moved"})
    assert updated.data == {"category": "slurm", "message": "moved"}
    assert updated.timestamp == 1000
    assert ids(listing(category="slurm")) == [e1.id, e2.id]
    assert ids(listing(category="job")) == []

    fails(404, api.create_event, m.EventModel(workflow_id=MISSING, timestamp=1, data={}))
    check_unknown_ids("event", api.get_event, lambda i: api.update_event(i, {}), api.delete_event)
    assert api.delete_event(e4.id).id == e4.id
    fails(404, api.get_event, e4.id)
    assert api.delete_events(wf) == {"count": 4}
    assert listing().total_count == 0


RULES = (
    '[{"exit_codes": [1, 2], "max_retries": 3, "recovery_script": "fix.sh"},'
    ' {"match_all_exit_codes": true}]'
)


def test_failure_handlers(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    names = ["retry", "oom", "timeout"]
    handlers = [
        api.create_failure_handler(m.FailureHandlerModel(workflow_id=wf, name=n, rules=RULES))
        for n in names
    ]
    first = handlers[0]
    assert first.id is not None and first.rules == RULES
    assert api.get_failure_handler(first.id) == first
    check_paging(partial(api.list_failure_handlers, wf), [h.id for h in handlers if h.id])
    assert api.list_failure_handlers(other).total_count == 0
    fails(404, api.list_failure_handlers, MISSING)

    # the same name may be used by another workflow, not twice in one
    api.create_failure_handler(m.FailureHandlerModel(workflow_id=other, name="retry", rules="[]"))
    assert "retry" in fails(409, api.create_failure_handler, first.model_copy(update={"id": None}))
    for bad in (
        '{"exit_codes": [1]}',
        "not json",
        '[{"exit_codes": ["one"]}]',
        '[{"max_retries": -1}]',
        '[{"match_all_exit_codes": "yes"}]',
        "[1]",
    ):
        body = m.FailureHandlerModel(workflow_id=wf, name="bad", rules=bad)
        assert "rules" in fails(422, api.create_failure_handler, body), bad
    fails(
        404,
        api.create_failure_handler,
        m.FailureHandlerModel(workflow_id=MISSING, name="x", rules="[]"),
    )

    check_unknown_ids("failure handler", api.get_failure_handler, api.delete_failure_handler)
    assert api.delete_failure_handler(first.id).name == "retry"
    fails(404, api.get_failure_handler, first.id)
    assert api.list_failure_handlers(wf).total_count == 2


def test_ro_crate_entities(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    file = api.create_file(m.FileModel(workflow_id=wf, name="data", path="data.csv"))
    foreign = api.create_file(m.FileModel(workflow_id=other, name="data", path="data.csv"))

    def entity(n: int, **fields: object) -> m.RoCrateEntityModel:
        values = {
            "workflow_id": wf,
            "entity_id": f"#e{n}",
            "entity_type": "File",
            "metadata": {"name": "x"},
            **fields,
        }
        return m.RoCrateEntityModel.model_validate(values)

    created = [api.create_ro_crate_entity(entity(n)) for n in range(3)]
    linked = api.create_ro_crate_entity(entity(3, file_id=file.id, entity_type="Dataset"))
    assert linked.file_id == file.id and linked.metadata == {"name": "x"}
    all_ids = [e.id for e in [*created, linked] if e.id]
    assert api.get_ro_crate_entity(all_ids[0]) == created[0]
    check_paging(partial(api.list_ro_crate_entities, wf), all_ids)
    listing = api.list_ro_crate_entities(wf, sort_by="entity_type")
    assert ids(listing)[0] == linked.id
    fails(404, api.list_ro_crate_entities, MISSING)

    assert "file_id" in fails(422, api.create_ro_crate_entity, entity(9, file_id=foreign.id))
    fails(404, api.create_ro_crate_entity, entity(9, file_id=MISSING))
    fails(404, api.create_ro_crate_entity, entity(9, workflow_id=MISSING))

    updated = api.update_ro_crate_entity(all_ids[0], entity(0, metadata={"name": "y"}))
    assert updated.metadata == {"name": "y"} and updated.id == all_ids[0]
    check_unknown_ids(
        "RO-Crate entity",
        api.get_ro_crate_entity,
        lambda i: api.update_ro_crate_entity(i, entity(0)),
        api.delete_ro_crate_entity,
    )

    # deleting the file leaves the entity, without its file
    api.delete_file(file.id or 0)
    assert linked.id and api.get_ro_crate_entity(linked.id).file_id is None
    assert str(all_ids[0]) in api.delete_ro_crate_entity(all_ids[0]).message
    fails(404, api.get_ro_crate_entity, all_ids[0])
    deleted = api.delete_ro_crate_entities(wf)
    assert deleted.deleted_count == 3 and deleted.message
    assert api.list_ro_crate_entities(wf).total_count == 0


BAD_BODIES: dict[str, dict[str, object]] = {
    "files": {"name": "f", "path": "p"},
    "user_data": {"name": "u"},
    "resource_requirements": {"name": "r"},
    "results": {
        "job_id": 1,
        "run_id": 1,
        "compute_node_id": 1,
        "return_code": 0,
        "status": "completed",
        "exec_time_minutes": 1.0,
        "completion_time": "now",
    },
    "events": {"timestamp": 1, "data": {}},
    "compute_nodes": {
        "hostname": "h",
        "pid": 1,
        "start_time": "now",
        "num_cpus": 1,
        "num_gpus": 0,
        "memory_gb": 1.0,
        "num_nodes": 1,
        "compute_node_type": "local",
    },
    "scheduled_compute_nodes": {
        "scheduler_id": 1,
        "scheduler_config_id": 1,
        "scheduler_type": "slurm",
        "status": "pending",
    },
    "local_schedulers": {"num_cpus": 1},
    "slurm_schedulers": {"account": "a", "nodes": 1, "walltime": "01:00:00"},
    "failure_handlers": {"name": "f", "rules": "[]"},
    "slurm_stats": {"job_id": 1, "run_id": 1, "attempt_id": 1},
    "ro_crate_entities": {"entity_id": "e", "entity_type": "File", "metadata": "{}"},
}
"""Create bodies that lack only ``workflow_id``."""


def test_bodies_without_workflow_are_refused(torc_server: ServerProcess) -> None:
    for path, body in BAD_BODIES.items():
        reply = httpx.post(f"{torc_server.url}/{path}", json=body)
        assert reply.status_code == 422, path
        assert "field 'workflow_id': Field required" in reply.json()["errorMessage"], path
        reply = httpx.post(f"{torc_server.url}/{path}", json={**body, "workflow_id": "one"})
        assert reply.status_code == 422, path


def test_page_size_is_limited(api: TorcApi) -> None:
    wf = new_workflow(api)
    assert "limit" in fails(422, api.list_files, wf, limit=10_001)
    assert "offset" in fails(422, api.list_events, wf, offset=-1)
    assert api.list_files(wf, limit=10_000).total_count == 0


def test_deleting_a_workflow_deletes_its_records(api: TorcApi, torc_server: ServerProcess) -> None:
    wf, kept = new_workflow(api), new_workflow(api, "kept")
    file = api.create_file(m.FileModel(workflow_id=wf, name="f", path="f"))
    data = api.create_user_data(m.UserDataModel(workflow_id=wf, name="u", data=1))
    rr = api.create_resource_requirements(m.ResourceRequirementsModel(workflow_id=wf, name="r"))
    j = job(api, wf, "j", output_file_ids=[file.id], resource_requirements_id=rr.id)
    res = api.create_result(result(wf, j))
    event = api.create_event(m.EventModel(workflow_id=wf, timestamp=1, data={}))
    handler = api.create_failure_handler(
        m.FailureHandlerModel(workflow_id=wf, name="h", rules="[]")
    )
    crate = api.create_ro_crate_entity(
        m.RoCrateEntityModel(workflow_id=wf, entity_id="#x", entity_type="File", metadata={})
    )
    survivor = api.create_file(m.FileModel(workflow_id=kept, name="f", path="f"))
    before = rows_of_workflow(torc_server.database, wf)
    owned = (
        "file",
        "user_data",
        "resource_requirements",
        "job",
        "job_output_file",
        "result",
        "event",
        "failure_handler",
        "ro_crate_entity",
    )
    assert all(before[table] > 0 for table in owned), before
    api.delete_workflow(wf)
    assert set(rows_of_workflow(torc_server.database, wf).values()) == {0}
    for get, record in [
        (api.get_file, file),
        (api.get_user_data, data),
        (api.get_resource_requirements, rr),
        (api.get_result, res),
        (api.get_event, event),
        (api.get_failure_handler, handler),
        (api.get_ro_crate_entity, crate),
    ]:
        fails(404, get, rid(record))
    assert survivor.id is not None and api.get_file(survivor.id) == survivor
    fails(404, api.list_files, wf)
