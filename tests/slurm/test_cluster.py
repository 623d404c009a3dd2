"""The real Slurm cluster of tests/slurm_cluster.py works: jobs run, are accounted and can be
cancelled, and sbatch --test-only checks a script against the partitions' limits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.slurm_cluster import (
    SlurmCluster,
    sacct_jobs,
    sacct_steps,
    sbatch,
    slurm_job_state,
    wait_for_slurm_job,
)

pytestmark = pytest.mark.slurm


def test_cluster_facts(slurm_cluster: SlurmCluster) -> None:
    assert slurm_cluster.node in slurm_cluster.nodes
    assert {"debug", "short", "long"} <= set(slurm_cluster.partitions)
    assert slurm_cluster.default_partition == "debug"
    assert slurm_cluster.account == "test"
    assert slurm_cluster.cpus >= 1
    assert slurm_cluster.memory_mb > 0


def test_wrap_job_completes_with_output(slurm_cluster: SlurmCluster, tmp_path: Path) -> None:
    output = tmp_path / "out_%j.txt"
    job_id = sbatch(
        "--account", slurm_cluster.account, "-J", "hi", "-o", str(output), "--wrap", "echo hi"
    )
    assert wait_for_slurm_job(job_id, {"COMPLETED"}, timeout=45) == "COMPLETED"
    assert (tmp_path / f"out_{job_id}.txt").read_text() == "hi\n"

    (job,) = sacct_jobs(job_id)
    assert job["account"] == slurm_cluster.account
    assert job["name"] == "hi"
    assert job["exit_code"]["return_code"] == 0
    steps = {step["step"]["name"]: step for step in sacct_steps(job_id)}
    assert steps["batch"]["state"] == "COMPLETED"
    assert steps["batch"]["step"]["id"] == "batch"
    assert str(steps["batch"]["step"]["job_id"]) == job_id
    assert steps["batch"]["nodes"]["range"] in slurm_cluster.nodes


def test_scancel_running_job(slurm_cluster: SlurmCluster, tmp_path: Path) -> None:
    job_id = sbatch(
        "--account", slurm_cluster.account, "-o", str(tmp_path / "sleep.txt"), "--wrap", "sleep 300"
    )
    wait_for_slurm_job(job_id, {"RUNNING"}, timeout=45)
    subprocess.run(["scancel", job_id], check=True, timeout=30)
    assert wait_for_slurm_job(job_id, {"CANCELLED"}, timeout=45) == "CANCELLED"
    assert slurm_job_state(job_id) == "CANCELLED"


def test_unknown_account_is_rejected(slurm_cluster: SlurmCluster) -> None:
    result = subprocess.run(
        ["sbatch", "--account", "no-such-account", "--wrap", "true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Invalid account" in result.stderr


def _test_only(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sbatch", "--test-only", str(script)], capture_output=True, text=True, timeout=30
    )


def test_test_only_validates_a_script(slurm_cluster: SlurmCluster, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    header = f"#!/bin/bash\n#SBATCH --account={slurm_cluster.account}\n#SBATCH --partition=short\n"
    script.write_text(header + "#SBATCH --time=00:30:00\n#SBATCH --mem=100M\necho never runs\n")
    result = _test_only(script)
    assert result.returncode == 0, result.stderr
    # "sbatch: Job 12 to start at 2026-12-02T07:00:00 using 1 processors on nodes vm in
    # partition short"
    assert "to start at" in result.stderr
    assert "in partition short" in result.stderr

    # the same script over short's MaxTime (04:00:00), and over the node's memory (which
    # --test-only words differently from a real submission's "Memory specification can
    # not be satisfied")
    script.write_text(header + "#SBATCH --time=05:00:00\n#SBATCH --mem=100M\necho no\n")
    result = _test_only(script)
    assert result.returncode != 0
    assert "time limit" in result.stderr.lower()
    too_much = slurm_cluster.memory_mb * 2
    script.write_text(header + f"#SBATCH --time=00:30:00\n#SBATCH --mem={too_much}M\necho no\n")
    result = _test_only(script)
    assert result.returncode != 0
    assert "Requested node configuration is not available" in result.stderr
