"""A two-node cluster on this one machine (``SLURM_TEST_NODES=2``, see
scripts/slurm/README.md): a job spans both nodes, and a job on the second node reaches the
test's servers on 127.0.0.1 (the nodes share the host's network)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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
