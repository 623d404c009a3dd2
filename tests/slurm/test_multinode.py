"""A two-node cluster on this one machine (``SLURM_TEST_NODES=2``, see
scripts/slurm/README.md): a job spans both nodes, and a job on the second node reaches the
test's servers on 127.0.0.1 (the nodes share the host's network). Then torc on it: one
runner per node (``start_one_worker_per_node``), and one runner holding both nodes for a
job with ``num_nodes: 2``, with every other job as a job step of its own."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ServerProcess
from tests.slurm.test_allocations import (
    allocations,
    torc,
    wait_for_allocations_to_end,
    wait_until_complete,
)
from tests.slurm_cluster import (
    SlurmCluster,
    cluster_facts,
    sacct_steps,
    sbatch,
    slurm_job_state,
    start_cluster,
    start_session_cluster,
    wait_for_slurm_job,
)

pytestmark = pytest.mark.slurm


@pytest.fixture(scope="module")
def two_nodes(slurm_cluster: SlurmCluster) -> Iterator[SlurmCluster]:
    """The session's cluster if it has two nodes or more (TORC_TEST_SLURM_NODES), else the
    cluster restarted with two nodes (~7 s: slurmctld and slurmd restart; jobs that run
    survive it, but other pytest sessions using the cluster meanwhile see it go away) and
    back as the session had it afterwards."""
    if len(slurm_cluster.nodes) >= 2:
        yield slurm_cluster
        return
    start_cluster(nodes="2")
    yield cluster_facts()
    start_session_cluster()


@pytest.fixture
def server(tmp_path: Path, two_nodes: SlurmCluster) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "torc.db", "--completion-check-interval-secs", "0.5")
    yield process
    process.stop()


def test_two_nodes_are_up(two_nodes: SlurmCluster) -> None:
    assert two_nodes.nodes[:2] == (two_nodes.node, f"{two_nodes.node}-2")


def test_job_step_spans_two_nodes(two_nodes: SlurmCluster, tmp_path: Path) -> None:
    output = tmp_path / "hosts.txt"
    job_id = sbatch(
        "-N", "2", "--account", two_nodes.account, "-o", str(output), "--wrap", "srun hostname"
    )
    wait_for_slurm_job(job_id, {"COMPLETED"}, timeout=45)
    hostnames = output.read_text().split()
    assert len(set(hostnames)) == 2
    assert set(hostnames) <= set(two_nodes.nodes)

    steps = {str(step["step"]["id"]): step for step in sacct_steps(job_id)}
    assert steps["batch"]["nodes"]["range"] == two_nodes.node
    assert steps["0"]["state"] == "COMPLETED"
    assert sorted(steps["0"]["nodes"]["list"]) == sorted(hostnames)
    assert steps["0"]["tasks"]["count"] == 2


def test_second_node_reaches_localhost(two_nodes: SlurmCluster, tmp_path: Path) -> None:
    second = two_nodes.nodes[1]
    script = tmp_path / "connect.sh"
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        script.write_text(f"#!/bin/bash\nexec 3<>/dev/tcp/127.0.0.1/{port}\nhostname >&3\n")
        job_id = sbatch(
            *("-w", second, "--account", two_nodes.account),
            *("-o", str(tmp_path / "out.txt"), str(script)),
        )
        server.settimeout(0.25)
        deadline = time.monotonic() + 45
        while True:
            try:
                connection, _ = server.accept()
                break
            except TimeoutError:
                state = slurm_job_state(job_id)
                assert state in {"PENDING", "CONFIGURING", "RUNNING", None}, state
                assert time.monotonic() < deadline, f"job {job_id} did not connect"
        with connection:
            connection.settimeout(45)
            received = connection.makefile().readline().strip()
    assert received == second
    wait_for_slurm_job(job_id, {"COMPLETED"}, timeout=45)


def submit(server: ServerProcess, tmp_path: Path, spec: str) -> int:
    """``torc submit`` of the spec (its start action schedules the allocation)."""
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    submitted = torc(server, tmp_path, "-f", "json", "submit", str(path))
    return int(json.loads(submitted.stdout)["workflow_id"])


def create(server: ServerProcess, tmp_path: Path, spec: str) -> int:
    """The spec's workflow, created and initialized, not yet scheduled."""
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    created = torc(server, tmp_path, "-f", "json", "workflows", "create", str(path))
    workflow_id = int(json.loads(created.stdout)["id"])
    torc(server, tmp_path, "workflows", "initialize", str(workflow_id))
    return workflow_id


def test_one_worker_per_node_runs_jobs_on_both_nodes(
    server: ServerProcess, two_nodes: SlurmCluster, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    workflow_id = submit(
        server,
        tmp_path,
        f"""\
name: per_node
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: job{{i}}
    command: sleep 1 && hostname > {out}/{{i}}.txt
    parameters:
      i: "1:10"
slurm_schedulers:
  - name: both
    account: {two_nodes.account}
    nodes: 2
    walltime: "00:10:00"
actions:
  - trigger_type: on_workflow_start
    action_type: schedule_nodes
    scheduler: both
    scheduler_type: slurm
    num_allocations: 1
    start_one_worker_per_node: true
""",
    )
    api = server.api()
    wait_until_complete(api, workflow_id)
    assert {r.return_code for r in api.list_results(workflow_id).items} == {0}
    (record,) = allocations(api, workflow_id)
    assert wait_for_allocations_to_end(api, workflow_id) == ["COMPLETED"]
    runners = api.list_compute_nodes(workflow_id, scheduled_compute_node_id=record.id).items
    assert sorted(node.hostname for node in runners) == sorted(two_nodes.nodes[:2])
    assert {node.num_nodes for node in runners} == {1}  # each holds its own node
    assert not any(node.is_active for node in runners)
    assert allocations(api, workflow_id)[0].status == "complete"  # after the last runner
    ran_on = {path.read_text().strip() for path in out.glob("*.txt")}
    assert ran_on == set(two_nodes.nodes[:2])


def test_one_runner_holds_both_nodes_for_a_two_node_job(
    server: ServerProcess, two_nodes: SlurmCluster, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    workflow_id = create(
        server,
        tmp_path,
        f"""\
name: whole_allocation
compute_node_wait_for_new_jobs_seconds: 3
jobs:
  - name: spread
    command: srun --nodes=2 --ntasks=2 hostname > {out}/spread.txt
    resource_requirements: {{num_cpus: 1, num_nodes: 2, memory: 10m, runtime: PT5M}}
  - name: single{{i}}
    command: hostname > {out}/single{{i}}.txt
    resource_requirements: {{num_cpus: 1, memory: 10m, runtime: PT5M}}
    parameters:
      i: "1:2"
slurm_schedulers:
  - name: both
    account: {two_nodes.account}
    nodes: 2
    walltime: "00:10:00"
""",
    )
    torc(server, tmp_path, "slurm", "schedule-nodes", str(workflow_id), "-p", "1", "--job-steps")
    api = server.api()
    wait_until_complete(api, workflow_id)
    assert {r.return_code for r in api.list_results(workflow_id).items} == {0}
    (record,) = allocations(api, workflow_id)
    assert wait_for_allocations_to_end(api, workflow_id) == ["COMPLETED"]
    (runner,) = api.list_compute_nodes(workflow_id).items
    assert (runner.hostname, runner.num_nodes) == (two_nodes.node, 2)
    assert sorted((out / "spread.txt").read_text().split()) == sorted(two_nodes.nodes[:2])
    for i in (1, 2):  # single-node jobs run on the runner's node, whose resources it counts
        assert (out / f"single{i}.txt").read_text().strip() == two_nodes.node

    steps = [step for step in sacct_steps(record.scheduler_id) if step["step"]["name"] != "extern"]
    by_name = {step["step"]["name"]: step for step in steps}
    for name in ("single1", "single2"):  # one step of its own per single-node job
        assert by_name[name]["state"] == "COMPLETED"
        assert by_name[name]["nodes"]["range"] == two_nodes.node
    spread = by_name["hostname"]  # the two-node job's own srun, not wrapped in another
    assert spread["tasks"]["count"] == 2 and spread["nodes"]["count"] == 2
    assert len(steps) == 4, [step["step"]["name"] for step in steps]  # batch + the three
