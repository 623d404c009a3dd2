"""Failure causes detected end to end: a real server, a real runner, real jobs running
out of memory (the kernel's OOM killer in a job cgroup; the monitor's peak), out of time,
or failing for no known reason; and ``check-resource-utilization --include-failed``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import torc_models as m
from tests.conftest import ServerProcess
from tests.runner.test_runner import jobs, run, workflow
from torc.api import TorcApi
from torc.recovery.diagnosis import Diagnosis, diagnose
from torc.runner.cgroups import CgroupUnavailable, find_hierarchy

ITEMS = [("hog", 400), ("fits", 8)]
HOG = "python3 -c \"b = bytearray({mib} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); {then}\""


def cgroups_unavailable() -> str | None:
    """Why this machine cannot run jobs in their own memory cgroups, or None."""
    try:
        root = find_hierarchy().root
        probe = root / f"torc_probe_{os.getpid()}"
        probe.mkdir()
        probe.rmdir()
    except (CgroupUnavailable, OSError) as exc:
        return f"cannot create memory cgroups here: {exc}"
    return None


def requirements(api: TorcApi, w: int, name: str, **fields: str) -> int:
    rr = api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=w, name=name, **fields)
    )
    assert rr.id is not None
    return rr.id


def torc(server: ServerProcess, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    env["XDG_CONFIG_HOME"] = str(cwd / ".config")
    command = ["torc", "--url", server.url, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def by_name(api: TorcApi, w: int) -> dict[str, Diagnosis]:
    return {d.job_name: d for d in diagnose(api, w)}


@pytest.mark.skipif(cgroups_unavailable() is not None, reason=cgroups_unavailable() or "")
def test_job_cgroup_oom_kill_is_diagnosed(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    """``torc workflows run --job-cgroups``: the job over its 64 MiB is killed by the
    kernel in its own cgroup, and the result says so; the job within its limit is not."""
    w = workflow(api)
    small = requirements(api, w, "small", memory="64m", runtime="PT5M")
    commands = {name: HOG.format(mib=mib, then="print(len(b))") for name, mib in ITEMS}
    ids = {j.name: j.id for j in jobs(api, w, commands, resource_requirements_id=small)}
    hog, fits = ids["hog"], ids["fits"]
    api.initialize_jobs(w)
    done = torc(torc_server, "workflows", "run", str(w), "--job-cgroups", "--output-dir",
                str(tmp_path / "out"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    results = {r.job_id: r for r in api.list_results(w).items}
    assert {r.job_id: r.oom_killed for r in results.values()} == {hog: True, fits: False}
    (diagnosis,) = diagnose(api, w)
    assert diagnosis.job_name == "hog" and diagnosis.kind == "oom"
    assert diagnosis.likely_oom and not diagnosis.likely_timeout
    assert diagnosis.evidence == "cgroup oom_kill"
    assert diagnosis.memory_bytes == 64 * 2**20 and diagnosis.return_code == 137
    leftovers = list(find_hierarchy().root.glob("torc_runner_*"))
    assert not leftovers, f"the runner left its cgroups: {leftovers}"


def test_peak_over_the_requirement_without_cgroups(api: TorcApi, tmp_path: Path) -> None:
    config = {"enabled": True, "granularity": "summary", "sample_interval_seconds": 0.1}
    w = workflow(api, resource_monitor_config=config)
    small = requirements(api, w, "small", memory="50m", runtime="PT5M")
    hog = HOG.format(mib=200, then="import time, sys; time.sleep(1.5); sys.exit(1)")
    jobs(api, w, {"hog": hog}, resource_requirements_id=small)
    assert run(api, w, tmp_path / "out") == {"failed": 1}
    (diagnosis,) = diagnose(api, w)
    assert diagnosis.kind == "oom" and diagnosis.return_code == 1
    assert diagnosis.evidence.startswith("peak ") and diagnosis.evidence.endswith("over its 50 MiB")
    assert diagnosis.peak_memory_bytes is not None and diagnosis.peak_memory_bytes > 150 * 2**20


def test_timeout_unknown_and_sigkill(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    w = workflow(api)
    short = requirements(api, w, "short", memory="100m", runtime="PT2S")
    jobs(api, w, {"slow": "sleep 30"}, resource_requirements_id=short)
    jobs(api, w, {"bug": "exit 3", "killed": "kill -9 $$", "fine": "true"})
    assert run(api, w, tmp_path / "out") == {"terminated": 1, "failed": 2, "completed": 1}
    found = by_name(api, w)
    assert sorted(found) == ["bug", "killed", "slow"]
    slow, bug, killed = found["slow"], found["bug"], found["killed"]
    assert slow.kind == "timeout" and slow.status == "terminated"
    assert slow.evidence.endswith("of its 2 s limit"), slow.evidence
    assert not slow.likely_oom and slow.runtime_seconds == 2
    assert bug.kind == "unknown" and bug.evidence == "no known cause"
    assert killed.kind == "oom" and killed.evidence == "exit code 137"

    report = torc(torc_server, "-f", "json", "reports", "check-resource-utilization", str(w),
                  "--include-failed", cwd=tmp_path)  # fmt: skip
    assert report.returncode == 0, report.stderr
    failed = {row["job_name"]: row for row in json.loads(report.stdout)["failed_jobs"]}
    assert sorted(failed) == ["bug", "killed", "slow"]
    assert failed["slow"]["likely_timeout"] and not failed["slow"]["likely_oom"]
    assert failed["killed"]["likely_oom"] and not failed["killed"]["likely_timeout"]
    assert not failed["bug"]["likely_oom"] and not failed["bug"]["likely_timeout"]
    assert failed["killed"]["return_code"] == 137
    text = torc(torc_server, "reports", "check-resource-utilization", str(w), "--include-failed",
                cwd=tmp_path)  # fmt: skip
    assert text.returncode == 0 and "3 failed job(s):" in text.stdout, text.stderr
