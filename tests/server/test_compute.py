"""Compute nodes, scheduler allocations, local and Slurm schedulers, Slurm statistics and
remote workers end to end, through a real server and the typed client."""

from __future__ import annotations

from functools import partial

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


def node(wf: int, hostname: str = "h1", **fields: object) -> m.ComputeNodeModel:
    values = {
        "workflow_id": wf,
        "hostname": hostname,
        "pid": 100,
        "start_time": "2026-11-23T12:00:00Z",
        "num_cpus": 8,
        "memory_gb": 16.0,
        "num_gpus": 0,
        "num_nodes": 1,
        "compute_node_type": "local",
        "is_active": True,
        **fields,
    }
    return m.ComputeNodeModel.model_validate(values)


def test_compute_nodes(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    n1 = api.create_compute_node(node(wf, scheduler={"scheduled_compute_node_id": 5, "x": 1}))
    n2 = api.create_compute_node(node(wf, "h2", scheduler={"scheduled_compute_node_id": 6}))
    n3 = api.create_compute_node(node(wf, "h2", compute_node_type="slurm", scheduler=None))
    n4 = api.create_compute_node(node(wf, scheduler={"scheduled_compute_node_id": "5"}))
    n5 = api.create_compute_node(node(wf, "h3", is_active=False, scheduler={"other": 5}))
    api.create_compute_node(node(other, scheduler={"scheduled_compute_node_id": 5}))
    assert n1.scheduler == {"scheduled_compute_node_id": 5, "x": 1} and n3.scheduler is None
    assert api.get_compute_node(rid(n1)) == n1
    all_ids = [rid(n) for n in (n1, n2, n3, n4, n5)]

    listing = partial(api.list_compute_nodes, wf)
    check_paging(listing, all_ids)
    assert ids(listing(hostname="h2")) == [n2.id, n3.id]
    assert ids(listing(is_active=False)) == [n5.id]
    assert ids(listing(is_active=True, hostname="h1")) == [n1.id, n4.id]
    assert ids(listing(scheduled_compute_node_id=5)) == [n1.id, n4.id]
    assert ids(listing(scheduled_compute_node_id=6)) == [n2.id]
    assert ids(listing(scheduled_compute_node_id=7)) == []
    page = listing(scheduled_compute_node_id=5, offset=1, limit=1)
    assert (ids(page), page.total_count, page.has_more) == ([n4.id], 2, False)
    assert ids(listing(sort_by="hostname", reverse_sort=True))[0] == n5.id

    finished = n1.model_copy(update={"is_active": False, "duration_seconds": 12.5})
    updated = api.update_compute_node(rid(n1), finished)
    assert (updated.is_active, updated.duration_seconds) == (False, 12.5)
    assert ids(listing(is_active=False)) == [n1.id, n5.id]

    assert "num_cpus" in fails(422, api.create_compute_node, node(wf, num_cpus=-1))
    assert "scheduler" in fails(422, api.create_compute_node, node(wf, scheduler=[1, 2]))
    fails(404, api.create_compute_node, node(MISSING))
    fails(422, api.update_compute_node, rid(n1), node(other))
    check_unknown_ids(
        "compute node",
        api.get_compute_node,
        lambda i: api.update_compute_node(i, n1),
        api.delete_compute_node,
    )
    fails(404, api.list_compute_nodes, MISSING)

    assert api.delete_compute_node(rid(n5)).hostname == "h3"
    fails(404, api.get_compute_node, rid(n5))
    assert api.delete_compute_nodes(wf).count == 4
    assert listing().total_count == 0
    assert api.list_compute_nodes(other).total_count == 1


def allocation(wf: int, scheduler_id: int, **fields: object) -> m.ScheduledComputeNodesModel:
    values = {
        "workflow_id": wf,
        "scheduler_id": scheduler_id,
        "scheduler_config_id": 1,
        "scheduler_type": "slurm",
        "status": "pending",
        **fields,
    }
    return m.ScheduledComputeNodesModel.model_validate(values)


def test_scheduled_compute_nodes(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    a1 = api.create_scheduled_compute_node(allocation(wf, 1001))
    a2 = api.create_scheduled_compute_node(allocation(wf, 1002, scheduler_config_id=2))
    a3 = api.create_scheduled_compute_node(allocation(wf, 1003, status="active"))
    assert api.get_scheduled_compute_node(rid(a1)) == a1

    listing = partial(api.list_scheduled_compute_nodes, wf)
    check_paging(listing, [rid(a1), rid(a2), rid(a3)])
    assert ids(listing(scheduler_id="1002")) == [a2.id]
    assert ids(listing(scheduler_config_id="1")) == [a1.id, a3.id]
    assert ids(listing(status="active")) == [a3.id]
    assert ids(listing(status="pending", scheduler_config_id="2")) == [a2.id]
    assert ids(listing(sort_by="scheduler_id", reverse_sort=True)) == [a3.id, a2.id, a1.id]
    assert "scheduler_id" in fails(422, listing, scheduler_id="abc")

    done = api.update_scheduled_compute_node(rid(a1), a1.model_copy(update={"status": "complete"}))
    assert done.status == "complete" and ids(listing(status="complete")) == [a1.id]
    fails(422, api.update_scheduled_compute_node, rid(a1), allocation(other, 1))
    fails(404, api.create_scheduled_compute_node, allocation(MISSING, 1))
    check_unknown_ids(
        "scheduled compute node",
        api.get_scheduled_compute_node,
        lambda i: api.update_scheduled_compute_node(i, a1),
        api.delete_scheduled_compute_node,
    )

    assert api.delete_scheduled_compute_node(rid(a3)).scheduler_id == 1003
    assert api.delete_scheduled_compute_nodes(wf).count == 2
    assert listing().total_count == 0


def test_local_schedulers(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")

    def local(**fields: object) -> m.LocalSchedulerModel:
        return m.LocalSchedulerModel.model_validate({"workflow_id": wf, **fields})

    s1 = api.create_local_scheduler(local(name="default", memory="16g", num_cpus=8))
    s2 = api.create_local_scheduler(local(name="small", memory="2g", num_cpus=2))
    s3 = api.create_local_scheduler(local())
    assert (s3.name, s3.memory, s3.num_cpus) == (None, None, None)
    assert api.get_local_scheduler(rid(s1)) == s1

    listing = partial(api.list_local_schedulers, wf)
    check_paging(listing, [rid(s1), rid(s2), rid(s3)])
    assert ids(listing(memory="2g")) == [s2.id]
    assert ids(listing(num_cpus=8)) == [s1.id]
    assert ids(listing(sort_by="num_cpus", reverse_sort=True))[0] == s1.id

    assert "'lots'" in fails(422, api.create_local_scheduler, local(memory="lots"))
    assert "num_cpus" in fails(422, api.create_local_scheduler, local(num_cpus=0))
    fails(404, api.create_local_scheduler, local(workflow_id=MISSING))
    bigger = api.update_local_scheduler(rid(s2), s2.model_copy(update={"num_cpus": 4}))
    assert bigger.num_cpus == 4 and ids(listing(num_cpus=4)) == [s2.id]
    fails(422, api.update_local_scheduler, rid(s2), s2.model_copy(update={"memory": "2q"}))
    fails(422, api.update_local_scheduler, rid(s2), s2.model_copy(update={"workflow_id": other}))
    check_unknown_ids(
        "local scheduler",
        api.get_local_scheduler,
        lambda i: api.update_local_scheduler(i, s1),
        api.delete_local_scheduler,
    )

    assert api.delete_local_scheduler(rid(s3)).id == s3.id
    assert api.delete_local_schedulers(wf).count == 2
    assert listing().total_count == 0


def test_slurm_schedulers(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")

    def slurm(**fields: object) -> m.SlurmSchedulerModel:
        values = {"workflow_id": wf, "account": "proj", "nodes": 1, "walltime": "01:00:00"}
        return m.SlurmSchedulerModel.model_validate({**values, **fields})

    made = [
        api.create_slurm_scheduler(slurm(name="short", partition="debug", walltime="30:00")),
        api.create_slurm_scheduler(slurm(name="long", walltime="2-00:00:00", gres="gpu:2")),
        api.create_slurm_scheduler(slurm(name="wide", nodes=4, extra="--constraint=cpu")),
    ]
    assert made[1].gres == "gpu:2" and made[2].extra == "--constraint=cpu"
    assert api.get_slurm_scheduler(rid(made[0])) == made[0]
    listing = partial(api.list_slurm_schedulers, wf)
    check_paging(listing, [rid(s) for s in made])
    assert ids(listing(sort_by="name")) == [made[1].id, made[0].id, made[2].id]
    assert api.list_slurm_schedulers(other).total_count == 0

    assert "walltime" in fails(422, api.create_slurm_scheduler, slurm(walltime="soon"))
    assert "nodes" in fails(422, api.create_slurm_scheduler, slurm(nodes=0))
    fails(404, api.create_slurm_scheduler, slurm(workflow_id=MISSING))
    longer = made[0].model_copy(update={"walltime": "04:00:00", "qos": "high"})
    assert api.update_slurm_scheduler(rid(made[0]), longer).qos == "high"
    assert api.get_slurm_scheduler(rid(made[0])).walltime == "04:00:00"
    fails(422, api.update_slurm_scheduler, rid(made[0]), slurm(walltime="1 hour"))
    check_unknown_ids(
        "Slurm scheduler",
        api.get_slurm_scheduler,
        lambda i: api.update_slurm_scheduler(i, longer),
        api.delete_slurm_scheduler,
    )

    assert api.delete_slurm_scheduler(rid(made[2])).name == "wide"
    assert api.delete_slurm_schedulers(wf).count == 2
    assert listing().total_count == 0


def test_slurm_stats(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    j1 = rid(api.create_job(m.JobModel(workflow_id=wf, name="a", command="true")))
    j2 = rid(api.create_job(m.JobModel(workflow_id=wf, name="b", command="true")))
    foreign = rid(api.create_job(m.JobModel(workflow_id=other, name="c", command="true")))

    def stats(
        job_id: int, run_id: int = 1, attempt_id: int = 1, **fields: object
    ) -> m.SlurmStatsModel:
        values = {"workflow_id": wf, "job_id": job_id, "run_id": run_id, "attempt_id": attempt_id}
        return m.SlurmStatsModel.model_validate({**values, **fields})

    s1 = api.create_slurm_stats(stats(j1, max_rss_bytes=2048, slurm_job_id="12345"))
    s2 = api.create_slurm_stats(stats(j1, attempt_id=2))
    s3 = api.create_slurm_stats(stats(j2, run_id=2, node_list="n[1-2]"))
    assert (s1.max_rss_bytes, s1.slurm_job_id, s3.node_list) == (2048, "12345", "n[1-2]")

    listing = partial(api.list_slurm_stats, wf)
    check_paging(listing, [rid(s1), rid(s2), rid(s3)])
    assert ids(listing(job_id=j1)) == [s1.id, s2.id]
    assert ids(listing(run_id=2)) == [s3.id]
    assert ids(listing(attempt_id=2)) == [s2.id]
    assert ids(listing(job_id=j1, attempt_id=1)) == [s1.id]
    fails(404, api.list_slurm_stats, MISSING)

    assert "job_id" in fails(422, api.create_slurm_stats, stats(foreign))
    assert "job" in fails(404, api.create_slurm_stats, stats(MISSING))
    fails(404, api.create_slurm_stats, stats(j1, workflow_id=MISSING))
    api.delete_job(j1)  # statistics go with their job
    assert ids(listing()) == [s3.id]


def test_remote_workers(api: TorcApi) -> None:
    wf, other = new_workflow(api), new_workflow(api, "other")
    assert api.list_remote_workers(wf) == []
    added = api.create_remote_workers(wf, ["node2", "alice@node1:2222", "node2", " [::1]:22 "])
    assert [w.worker for w in added] == ["node2", "alice@node1:2222", "[::1]:22"]
    assert all(w.workflow_id == wf for w in added)
    again = api.create_remote_workers(wf, ["node2", "node3"])  # duplicates are ignored
    assert [w.worker for w in again] == ["node2", "node3"]
    stored = api.list_remote_workers(wf)
    assert [w.worker for w in stored] == ["[::1]:22", "alice@node1:2222", "node2", "node3"]
    assert api.list_remote_workers(other) == []
    assert api.create_remote_workers(other, []) == []

    for bad in ["", "two words", "user@", "host:port", "a@b@c"]:
        assert "worker" in fails(422, api.create_remote_workers, wf, [bad]), bad
    assert len(api.list_remote_workers(wf)) == 4  # a bad address adds nothing
    fails(404, api.create_remote_workers, MISSING, ["node1"])
    fails(404, api.list_remote_workers, MISSING)

    removed = api.delete_remote_worker(wf, "alice@node1:2222")
    assert (removed.workflow_id, removed.worker) == (wf, "alice@node1:2222")
    assert "alice@node1:2222" in fails(404, api.delete_remote_worker, wf, "alice@node1:2222")
    fails(404, api.delete_remote_worker, other, "node2")
    fails(404, api.delete_remote_worker, MISSING, "node2")
    assert len(api.list_remote_workers(wf)) == 3


def test_deleting_a_workflow_deletes_its_compute_records(
    api: TorcApi, torc_server: ServerProcess
) -> None:
    wf = new_workflow(api)
    job_id = rid(api.create_job(m.JobModel(workflow_id=wf, name="a", command="true")))
    n = api.create_compute_node(node(wf))
    a = api.create_scheduled_compute_node(allocation(wf, 1))
    local = api.create_local_scheduler(m.LocalSchedulerModel(workflow_id=wf, name="l"))
    slurm = api.create_slurm_scheduler(
        m.SlurmSchedulerModel(workflow_id=wf, account="a", nodes=1, walltime="1:00:00")
    )
    api.create_slurm_stats(m.SlurmStatsModel(workflow_id=wf, job_id=job_id, run_id=1, attempt_id=1))
    api.create_remote_workers(wf, ["node1"])
    before = rows_of_workflow(torc_server.database, wf)
    assert all(before[t] == 1 for t in ("compute_node", "slurm_stats", "remote_worker"))
    api.delete_workflow(wf)
    assert set(rows_of_workflow(torc_server.database, wf).values()) == {0}
    fails(404, api.get_compute_node, rid(n))
    fails(404, api.get_scheduled_compute_node, rid(a))
    fails(404, api.get_local_scheduler, rid(local))
    fails(404, api.get_slurm_scheduler, rid(slurm))
    fails(404, api.list_slurm_stats, wf)
    fails(404, api.list_remote_workers, wf)
    # a new workflow does not inherit anything (IDs are never reused)
    fresh = new_workflow(api)
    assert fresh != wf and api.list_compute_nodes(fresh).total_count == 0
