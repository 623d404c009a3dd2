"""The job runner end to end: real processes, real files, a real server."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import torc_models as m
from tests.conftest import ServerProcess
from tests.runner.runner_process import start_runner
from tests.server.driver import job_statuses, wait_for
from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions

S = m.JobStatus


def workflow(api: TorcApi, **fields: object) -> int:
    created = api.create_workflow(m.WorkflowModel(name="wf", user="tester", **fields))
    assert created.id is not None
    return created.id


def jobs(
    api: TorcApi, workflow_id: int, commands: dict[str, str], **fields: object
) -> list[m.JobModel]:
    batch = [
        m.JobModel(workflow_id=workflow_id, name=name, command=command, **fields)
        for name, command in commands.items()
    ]
    return list(api.create_jobs(m.JobsModel(jobs=batch)).jobs or [])


def run(api: TorcApi, workflow_id: int, output: Path, **options: Any) -> dict[str, int]:
    api.initialize_jobs(workflow_id)
    JobRunner(
        api, workflow_id, RunnerOptions(output_dir=output, poll_interval=0.5, **options)
    ).run()
    return Counter(job_statuses(api, workflow_id).values())


def test_diamond_produces_its_files(api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api)
    f = {
        x.name: x.id
        for x in api.create_files(
            m.FilesModel(
                files=[
                    m.FileModel(workflow_id=w, name=n, path=str(tmp_path / f"{n}.txt"))
                    for n in ("a", "b", "c", "d")
                ]
            )
        ).files
        or []
    }
    (tmp_path / "a.txt").write_text("input\n")
    api.create_job(
        m.JobModel(
            workflow_id=w,
            name="pre",
            command=f"cat {tmp_path}/a.txt > {tmp_path}/b.txt",
            input_file_ids=[f["a"]],
            output_file_ids=[f["b"]],
        )
    )
    api.create_job(
        m.JobModel(
            workflow_id=w,
            name="work",
            command=f"tr a-z A-Z < {tmp_path}/b.txt > {tmp_path}/c.txt",
            input_file_ids=[f["b"]],
            output_file_ids=[f["c"]],
        )
    )
    api.create_job(
        m.JobModel(
            workflow_id=w,
            name="post",
            command=f"cat {tmp_path}/b.txt {tmp_path}/c.txt > {tmp_path}/d.txt",
            input_file_ids=[f["b"], f["c"]],
            output_file_ids=[f["d"]],
        )
    )
    assert run(api, w, tmp_path / "out") == {"completed": 3}
    assert (tmp_path / "d.txt").read_text() == "input\nINPUT\n"
    logs = sorted(p.name for p in (tmp_path / "out" / "job_stdio").iterdir())
    assert len(logs) == 6 and all(n.startswith(f"job_wf{w}_j") and "_r1_a1." in n for n in logs)
    assert list((tmp_path / "out").glob(f"job_runner_*_{w}_1.log"))


def test_two_runner_processes_run_each_job_once(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    w = workflow(api)
    marks = tmp_path / "marks"
    marks.mkdir()
    jobs(api, w, {f"j{i}": f"echo {i} >> {marks}/$TORC_JOB_ID" for i in range(1000)})
    api.initialize_jobs(w)
    procs = [start_runner(torc_server.url, w, tmp_path / f"out{i}") for i in range(2)]
    summaries = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        summaries.append(json.loads(out))
    assert sum(s["completed"] for s in summaries) == 1000
    assert all(s["completed"] > 0 for s in summaries), "both runners took work"
    files = list(marks.iterdir())
    assert len(files) == 1000 and all(len(f.read_text().splitlines()) == 1 for f in files)
    assert api.list_results(w).total_count == 1000


def test_packing_never_exceeds_capacity(api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api)
    rr = {
        name: api.create_resource_requirements(
            m.ResourceRequirementsModel(workflow_id=w, name=name, num_cpus=cpus, memory=memory)
        ).id
        for name, cpus, memory in (("one", 1, "1g"), ("two", 2, "3g"), ("big", 3, "1g"))
    }
    log = tmp_path / "spans"
    stamp = f"$(date +%s.%N) >> {log}"
    command = f"echo $TORC_JOB_NAME start {stamp}; sleep 0.2; echo $TORC_JOB_NAME end {stamp}"
    needs = {}
    for i in range(12):
        name = ("one", "two", "big")[i % 3]
        job = api.create_job(
            m.JobModel(
                workflow_id=w, name=f"{name}{i}", command=command, resource_requirements_id=rr[name]
            )
        )
        needs[job.name] = {"one": (1, 1), "two": (2, 3), "big": (3, 1)}[name]
    assert run(api, w, tmp_path / "out", num_cpus=4, memory_gb=4) == {"completed": 12}
    events = []
    for line in log.read_text().splitlines():
        name, kind, stamp = line.split()
        events.append((float(stamp), 0 if kind == "end" else 1, name))
    cpus = memory = 0
    for _, starting, name in sorted(events):
        sign = 1 if starting else -1
        cpus += sign * needs[name][0]
        memory += sign * needs[name][1]
        assert cpus <= 4 and memory <= 4, f"over capacity when {name} started"


def test_runtime_limit_kills_the_job(api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api)
    short = api.create_resource_requirements(
        m.ResourceRequirementsModel(workflow_id=w, name="short", runtime="PT1S")
    )
    jobs(
        api, w, {"slow": f"sleep 30; touch {tmp_path}/finished"}, resource_requirements_id=short.id
    )
    assert run(api, w, tmp_path / "out") == {"terminated": 1}
    assert not (tmp_path / "finished").exists()
    (result,) = api.list_results(w).items
    assert result.status == S.terminated and result.return_code == 137
    assert result.exec_time_minutes < 0.5


def test_sigterm_leaves_nothing_running(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    w = workflow(api)
    jobs(api, w, {f"sleeper{i}": "sleep 60" for i in range(3)})
    jobs(api, w, {"polite": "trap 'exit 3' TERM; sleep 60 & wait"}, supports_termination=True)
    api.initialize_jobs(w)
    proc = start_runner(torc_server.url, w, tmp_path / "out", max_parallel_jobs=4)
    wait_for(
        lambda: Counter(job_statuses(api, w).values()).get("running") == 4,
        timeout=30,
        what="4 running",
    )
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    statuses = job_statuses(api, w)
    assert set(statuses.values()) == {"terminated"}, statuses
    polite = next(r for r in api.list_results(w).items if r.job_id and statuses)
    assert polite is not None
    nodes = api.list_compute_nodes(w).items
    assert nodes and not any(n.is_active for n in nodes)


def test_node_monitoring_summarizes_on_the_compute_node(api: TorcApi, tmp_path: Path) -> None:
    """torc-client 0.35's ``compute_node`` section: the runner samples the whole node and
    leaves peak and average figures on its compute node record."""
    config = {"enabled": True, "sample_interval_seconds": 0.1, "compute_node": {"enabled": True}}
    w = workflow(api, resource_monitor_config=config)
    jobs(api, w, {"wait": "python3 -c 'import time; time.sleep(1)'"})
    assert run(api, w, tmp_path / "out") == {"completed": 1}
    (node,) = api.list_compute_nodes(w).items
    assert node.sample_count is not None and node.sample_count >= 3
    assert node.peak_memory_bytes is not None and node.peak_memory_bytes > 0
    assert node.avg_memory_bytes is not None and 0 < node.avg_memory_bytes <= node.peak_memory_bytes
    assert node.peak_cpu_percent is not None and node.avg_cpu_percent is not None


def test_monitoring_records_peak_memory(api: TorcApi, tmp_path: Path) -> None:
    config = {"enabled": True, "granularity": "time_series", "sample_interval_seconds": 0.1}
    w = workflow(api, resource_monitor_config=config)
    hold = (
        'python3 -c "import time; b = bytearray(200 * 1024 * 1024); '
        "b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)\""
    )
    jobs(api, w, {"holder": hold})
    assert run(api, w, tmp_path / "out") == {"completed": 1}
    (result,) = api.list_results(w).items
    assert result.peak_memory_bytes is not None
    assert abs(result.peak_memory_bytes - 200 * 2**20) / (200 * 2**20) < 0.2
    (database,) = (tmp_path / "out" / "resource_utilization").glob("resource_metrics_*.db")
    with sqlite3.connect(database) as conn:
        samples = conn.execute(
            "SELECT COUNT(*), MAX(memory_bytes) FROM job_resource_samples"
        ).fetchone()
        names = conn.execute("SELECT job_name FROM job_metadata").fetchall()
    assert samples[0] >= 5 and names == [("holder",)]


def test_failure_handler_retries_then_succeeds(api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api)
    rules = json.dumps(
        [
            {
                "exit_codes": [42],
                "max_retries": 3,
                "recovery_script": f"echo $TORC_RETURN_CODE >> {tmp_path}/recovered",
            }
        ]
    )
    handler = api.create_failure_handler(
        m.FailureHandlerModel(workflow_id=w, name="flaky", rules=rules)
    )
    command = 'if [ "$TORC_ATTEMPT_ID" -lt 3 ]; then exit 42; fi; echo ok'
    jobs(api, w, {"flaky": command}, failure_handler_id=handler.id)
    assert run(api, w, tmp_path / "out") == {"completed": 1}
    results = sorted(api.list_results(w).items, key=lambda r: r.attempt_id or 0)
    assert [(r.attempt_id, r.return_code) for r in results] == [(1, 42), (2, 42), (3, 0)]
    assert (tmp_path / "recovered").read_text().split() == ["42", "42"]
    assert len(list((tmp_path / "out" / "job_stdio").glob("*_a*.o"))) == 3


def test_unmatched_failure_is_pending_failed_when_asked(api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api, use_pending_failed=True)
    jobs(api, w, {"broken": "exit 7", "fine": "true"})
    api.initialize_jobs(w)
    JobRunner(api, w, RunnerOptions(output_dir=tmp_path / "out", poll_interval=0.2)).run()
    assert job_statuses(api, w) == {"broken": "pending_failed", "fine": "completed"}


def test_cancel_kills_running_jobs(
    torc_server: ServerProcess, api: TorcApi, tmp_path: Path
) -> None:
    w = workflow(api)
    jobs(api, w, {f"s{i}": "sleep 60" for i in range(2)})
    api.initialize_jobs(w)
    proc = start_runner(torc_server.url, w, tmp_path / "out")
    wait_for(
        lambda: Counter(job_statuses(api, w).values()).get("running") == 2,
        timeout=30,
        what="running",
    )
    api.cancel_workflow(w)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert set(job_statuses(api, w).values()) == {"canceled"}


def test_actions_run_commands(api: TorcApi, tmp_path: Path) -> None:
    w = workflow(api)
    a = jobs(api, w, {"a": "true"})[0]
    for trigger, extra in (
        ("on_workflow_start", {}),
        ("on_jobs_complete", {"job_ids": [a.id]}),
        ("on_workflow_complete", {}),
        ("on_worker_start", {}),
    ):
        api.create_workflow_action(
            w,
            m.WorkflowActionModel(
                workflow_id=w,
                trigger_type=trigger,
                action_type="run_commands",
                action_config={"commands": [f"echo {trigger} >> {tmp_path}/actions"]},
                **extra,
            ),
        )
    assert run(api, w, tmp_path / "out") == {"completed": 1}
    lines = (tmp_path / "actions").read_text().split()
    assert sorted(lines) == sorted(
        ["on_worker_start", "on_workflow_start", "on_jobs_complete", "on_workflow_complete"]
    )


def test_jobs_start_as_a_shell_would_start_them(api: TorcApi, tmp_path: Path) -> None:
    """posix_spawn sets up what subprocess would: default SIGPIPE (a pipeline's writer ends
    when its reader does), stdin from /dev/null, a session of its own, its stdio files,
    its identity in the environment, the runner's working directory."""
    w = workflow(api)
    probe = (
        "grep SigIgn /proc/$$/status; yes | head -n 2; echo stdin=$(cat | wc -c); "
        "echo sid=$(ps -o sid= -p $$) pid=$$; echo job=$TORC_JOB_NAME; pwd; echo oops >&2"
    )
    (job,) = jobs(api, w, {"probe": probe})
    assert run(api, w, tmp_path / "out") == {"completed": 1}
    stdio = tmp_path / "out" / "job_stdio"
    (out,) = stdio.glob(f"job_wf{w}_j{job.id}_r1_a1.o")
    lines = out.read_text().splitlines()
    ignored = int(lines[0].split()[1], 16)
    assert not ignored & (1 << (signal.SIGPIPE - 1)), "SIGPIPE is ignored in the job"
    assert lines[1:3] == ["y", "y"] and lines[3] == "stdin=0"
    session = re.fullmatch(r"sid=\s*(\d+) pid=(\d+)", lines[4])
    assert session is not None and session[1] == session[2], "the job leads its own session"
    assert lines[5] == "job=probe" and lines[6] == str(Path.cwd())
    assert out.with_suffix(".e").read_text() == "oops\n"
