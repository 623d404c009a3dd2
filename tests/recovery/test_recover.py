"""``torc recover`` end to end: a real server, real runners and real jobs that run out of
memory or time or fail for no known reason, recovered and rerun to completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import torc_models as m
from tests.conftest import ServerProcess
from tests.runner.test_runner import jobs, run, workflow
from tests.server.driver import job_statuses
from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions

MONITOR = {"enabled": True, "granularity": "summary", "sample_interval_seconds": 0.1}
HOG_MIB = 200
# Needs HOG_MIB of memory. Nothing enforces memory limits on a local runner, so the job
# does what the OOM killer does to a job over its cgroup limit: it reads its own memory
# requirement from the server and dies by SIGKILL (exit 137) when it is under the need.
HOG = f"""\
import os, signal, time
from torc.api import TorcApi
from torc_models.units import memory_bytes
api = TorcApi(os.environ["TORC_API_URL"])
job = api.get_job(int(os.environ["TORC_JOB_ID"]))
limit = memory_bytes(api.get_resource_requirements(job.resource_requirements_id).memory)
block = bytearray({HOG_MIB} * 1024 * 1024)
block[::4096] = b"x" * len(block[::4096])
time.sleep(0.5)  # let the monitor see the peak
if limit < len(block):
    os.kill(os.getpid(), signal.SIGKILL)
"""
TINY_PROFILE = """\
[client.hpc.custom_profiles.tiny]
display_name = "Tiny"

[[client.hpc.custom_profiles.tiny.partitions]]
name = "small"
cpus_per_node = 4
memory_mb = 200
max_walltime_secs = 3600
"""


def torc(
    server: ServerProcess, *args: str, cwd: Path, expect: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    clean.update(HOME=str(cwd), XDG_CONFIG_HOME=str(cwd / ".config"), **env)
    command = ["torc", "--url", server.url, *args]
    result = subprocess.run(
        command, cwd=cwd, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == expect, f"{args}: {result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result


def requirements(api: TorcApi, w: int, name: str, **fields: Any) -> int:
    rr = api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=w, name=name, **fields)
    )
    assert rr.id is not None
    return rr.id


def rerun(api: TorcApi, w: int, output: Path) -> dict[str, str]:
    """What ``torc run <id>`` does for an initialized workflow: run what is ready."""
    JobRunner(api, w, RunnerOptions(output_dir=output, poll_interval=0.5)).run()
    return job_statuses(api, w)


def test_oom_raises_memory_from_the_peak_and_the_rerun_completes(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    script = tmp_path / "hog.py"
    script.write_text(HOG)
    w = workflow(api, resource_monitor_config=MONITOR)
    small = requirements(api, w, "small", memory="100m", runtime="PT5M")
    hog, fine = jobs(
        api,
        w,
        {"hog": f"{sys.executable} {script}", "fine": "true"},
        resource_requirements_id=small,
    )
    after = jobs(api, w, {"after": "true"}, depends_on_job_ids=[hog.id])[0]
    run(api, w, tmp_path / "out")
    assert job_statuses(api, w) == {"hog": "failed", "fine": "completed", "after": "canceled"}

    dry = torc(torc_server, "recover", str(w), "--dry-run", cwd=tmp_path).stdout
    assert "Job" in dry and "OOM detected, increasing memory 100m -> " in dry
    assert "Dry run" in dry and api.get_job(hog.id or 0).resource_requirements_id == small

    out = torc(torc_server, "recover", str(w), cwd=tmp_path).stdout
    lines = out.splitlines()
    assert lines[0] == "Diagnosing failures..." and lines[1] == "Applying recovery heuristics..."
    assert f"Job {hog.id} (hog): OOM detected, increasing memory 100m -> " in out
    assert "  Applied fixes: 1 OOM, 0 timeout" in lines
    assert "Resetting 1 job(s) for retry..." in lines and "  Reset 1 job(s)" in lines
    assert f"Recovery complete for workflow {w}" in lines
    assert "  - 1 job(s) had memory increased" in lines
    assert lines[-1] == f"Reset 1 job(s). Run `torc run {w}` to rerun them."

    # the shared requirement stays as it was for the job that did not fail
    moved = api.get_job(hog.id or 0).resource_requirements_id
    assert moved != small and api.get_job(fine.id or 0).resource_requirements_id == small
    raised = api.get_resource_requirements(moved or 0)
    memory = raised.memory or ""
    assert raised.name == "small_recovery" and memory.endswith("m")
    assert int(memory[:-1]) >= HOG_MIB * 1.2  # sized from the peak, not 150m
    assert api.get_resource_requirements(small).memory == "100m"
    assert job_statuses(api, w) == {"hog": "ready", "fine": "completed", "after": "blocked"}

    shown = json.loads(
        torc(torc_server, "-f", "json", "jobs", "get", str(hog.id), cwd=tmp_path).stdout
    )
    assert len(shown["resource_history"]) == 1
    assert f"memory 100m -> {raised.memory}" in shown["resource_history"][0]
    assert "peak" in shown["resource_history"][0]
    plain = json.loads(
        torc(torc_server, "-f", "json", "jobs", "get", str(after.id), cwd=tmp_path).stdout
    )
    assert "resource_history" not in plain

    assert rerun(api, w, tmp_path / "out") == {
        "hog": "completed",
        "fine": "completed",
        "after": "completed",
    }


def test_timeout_raises_runtime(torc_server: ServerProcess, api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api)
    short = requirements(api, w, "short", memory="100m", runtime="PT4S")
    slow = jobs(api, w, {"slow": "sleep 5"}, resource_requirements_id=short)[0]
    run(api, w, tmp_path / "out")
    assert job_statuses(api, w) == {"slow": "terminated"}

    report = json.loads(torc(torc_server, "-f", "json", "recover", str(w), cwd=tmp_path).stdout)
    (entry,) = report["jobs"]
    assert entry["kind"] == "timeout" and entry["action"] == "raise"
    assert entry["changes"] == {"runtime": {"old": "PT4S", "new": "PT6S"}}
    assert report["reset_job_ids"] == [slow.id] and not report["uses_slurm"]
    rr = api.get_resource_requirements(short)  # the only user: raised in place
    assert rr.runtime == "PT6S" and rr.memory == "100m"
    assert rerun(api, w, tmp_path / "out") == {"slow": "completed"}


def test_unknown_failures_dry_run_and_hooks(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    marker = tmp_path / "fixed"
    w = workflow(api)
    flaky = jobs(api, w, {"flaky": f"test -f {marker}"})[0]
    run(api, w, tmp_path / "out")
    assert job_statuses(api, w) == {"flaky": "failed"}

    out = torc(torc_server, "recover", str(w), cwd=tmp_path).stdout
    assert "  1 job(s) with unknown failure cause (skipped, use --retry-unknown to include)" in out
    assert "No recoverable jobs found. 1 job(s) failed with unknown causes." in out
    assert "  Use --retry-unknown to retry jobs with unknown failure causes." in out
    assert "Applied fixes" not in out

    dry = torc(torc_server, "recover", str(w), "--retry-unknown", "--dry-run", cwd=tmp_path)
    assert "Dry run: would reset 1 job(s)" in dry.stdout
    assert job_statuses(api, w) == {"flaky": "failed"}

    failing = torc(
        torc_server, "recover", str(w), "--recovery-hook", "false", cwd=tmp_path, expect=1
    )
    assert f"recovery hook 'false {w}' failed with exit code 1" in failing.stderr
    assert job_statuses(api, w) == {"flaky": "failed"}

    hook = tmp_path / "fix.sh"
    hook.write_text(f'echo "$1 $TORC_WORKFLOW_ID" > {tmp_path}/hook_args\ntouch {marker}\n')
    out = torc(torc_server, "recover", str(w), "--recovery-hook", f"sh {hook}", cwd=tmp_path).stdout
    assert f"Job {flaky.id} (flaky): unknown failure cause (exit code 1)" in out
    assert (tmp_path / "hook_args").read_text().split() == [str(w), str(w)]
    assert rerun(api, w, tmp_path / "out") == {"flaky": "completed"}


def test_raise_beyond_the_largest_partition_is_skipped(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    config = tmp_path / "tiny.toml"
    config.write_text(TINY_PROFILE)
    w = workflow(api)
    rr = requirements(api, w, "big", memory="150m", runtime="PT5M")
    killed = jobs(api, w, {"killed": "kill -9 $$"}, resource_requirements_id=rr)[0]
    run(api, w, tmp_path / "out")
    args = ("recover", str(w), "--profile", "tiny")
    out = torc(torc_server, *args, cwd=tmp_path, TORC_CONFIG=str(config)).stdout
    assert (
        f"Job {killed.id} (killed): OOM detected, but memory 225m exceeds what fits: the "
        "largest partition of HPC profile 'tiny' for it (small) has 200 MB of memory per node; "
        "skipping" in out
    )
    assert "skipping" in out and "No recoverable jobs found" in out
    assert api.get_resource_requirements(rr).memory == "150m"
    assert job_statuses(api, w) == {"killed": "failed"}
