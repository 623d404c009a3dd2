"""``torc slurm generate`` for the built-in Kestrel profile (no Kestrel needed): schedulers,
walltimes, staged actions and allocation counts of a three-stage workflow, the options,
and the errors; one complete output is compared with a golden file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.slurm_generate.helpers import GOLDEN, THREE_STAGES, by_name, kestrel, write_spec
from torc.slurm.sizing import GenerateError
from torc.slurm.spec_file import dump, read_spec_file
from torc.spec import expand_spec
from torc.workflows.plan import plan_for_spec


def test_golden_output(tmp_path: Path) -> None:
    text = dump(kestrel(write_spec(tmp_path)).data, "yaml")
    golden = GOLDEN / "three_stages_kestrel.yaml"
    if os.environ.get("TORC_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_one_scheduler_per_resource_requirement(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path))
    schedulers = by_name(generated.schedulers)
    assert schedulers == {
        "small_scheduler": {
            "name": "small_scheduler",
            "account": "proj",
            "nodes": 1,
            "walltime": "00:30:00",  # 20 minutes x 1.5
            "mem": "4g",
            "ntasks_per_node": 2,
        },
        "cpu_scheduler": {
            "name": "cpu_scheduler",
            "account": "proj",
            "nodes": 1,
            "walltime": "01:30:00",
            "mem": "208g",  # 13 jobs of 8 CPUs and 16g share a 104-core, 240 GB node
            "ntasks_per_node": 104,
        },
        "highmem_scheduler": {
            "name": "highmem_scheduler",
            "account": "proj",
            "nodes": 1,
            "walltime": "48:00:00",  # 40 h x 1.5 = 60 h, capped at bigmem's 48 h
            "mem": "1000g",
            "ntasks_per_node": 52,
        },
    }
    assert "partition" not in generated.schedulers[0]  # Kestrel routes by resources
    jobs = {job["name"]: job["scheduler"] for job in generated.data["jobs"]}
    assert jobs == {
        "prepare": "small_scheduler",
        "analyze_{i:02d}": "cpu_scheduler",  # the parameterized entry, once
        "aggregate": "highmem_scheduler",
    }


def test_actions_are_staged_by_dependencies(tmp_path: Path) -> None:
    actions = kestrel(write_spec(tmp_path)).actions
    staged = [
        (a["trigger_type"], a["scheduler"], a.get("jobs"), a.get("job_name_regexes"))
        for a in actions
    ]
    assert staged == [
        ("on_workflow_start", "small_scheduler", None, None),
        ("on_jobs_ready", "cpu_scheduler", None, ["^analyze_.+$"]),  # the sweep, in one line
        ("on_jobs_ready", "highmem_scheduler", ["aggregate"], None),
    ]
    assert [a["num_allocations"] for a in actions] == [1, 3, 1]  # 30 jobs, 13 per node
    assert {(a["action_type"], a["scheduler_type"]) for a in actions} == {
        ("schedule_nodes", "slurm")
    }


def test_a_sweep_is_named_job_by_job_when_its_regex_would_match_more(tmp_path: Path) -> None:
    text = THREE_STAGES.replace("  - name: aggregate\n", "  - name: analyze_all\n")
    actions = kestrel(write_spec(tmp_path, text)).actions
    assert actions[1]["jobs"] == [f"analyze_{i:02d}" for i in range(1, 31)]
    assert "job_name_regexes" not in actions[1]
    assert actions[2]["jobs"] == ["analyze_all"]


def test_the_output_is_a_valid_spec_whose_plan_requests_each_stage(tmp_path: Path) -> None:
    spec_file = read_spec_file(write_spec(tmp_path))
    generated = kestrel(spec_file.path)
    plan = plan_for_spec(expand_spec(spec_file.rebuild(generated.data)))
    assert [[a.text() for a in stage.allocations] for stage in plan.stages] == [
        ["small_scheduler (slurm) - 1 allocation(s)"],
        ["cpu_scheduler (slurm) - 3 allocation(s)"],
        ["highmem_scheduler (slurm) - 1 allocation(s)"],
    ]
    original = spec_file.data
    assert {
        k: v for k, v in generated.data.items() if k not in ("jobs", "slurm_schedulers", "actions")
    } == {k: v for k, v in original.items() if k != "jobs"}


def test_group_by_partition(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path), group_by="partition")
    schedulers = by_name(generated.schedulers)
    assert list(schedulers) == ["short_scheduler", "bigmem_scheduler"]
    # small and cpu both fit "short": the scheduler takes the larger of each need
    assert schedulers["short_scheduler"]["walltime"] == "01:30:00"
    assert schedulers["short_scheduler"]["mem"] == "208g"
    assert schedulers["bigmem_scheduler"]["walltime"] == "48:00:00"
    jobs = {job["name"]: job["scheduler"] for job in generated.data["jobs"]}
    assert set(jobs.values()) == {"short_scheduler", "bigmem_scheduler"}
    starts = [(a["trigger_type"], a["scheduler"], a["num_allocations"]) for a in generated.actions]
    assert starts == [
        ("on_workflow_start", "short_scheduler", 1),
        ("on_jobs_ready", "short_scheduler", 3),
        ("on_jobs_ready", "bigmem_scheduler", 1),
    ]


def test_max_partition_time(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path), strategy="max-partition-time")
    walltimes = {s["name"]: s["walltime"] for s in generated.schedulers}
    assert walltimes == {
        "small_scheduler": "04:00:00",
        "cpu_scheduler": "04:00:00",
        "highmem_scheduler": "48:00:00",
    }
    # 4 one-hour runs per slot: 13 x 4 = 52 jobs per allocation, so 1 for 30 jobs
    assert [a["num_allocations"] for a in generated.actions] == [1, 1, 1]


@pytest.mark.parametrize(
    ("multiplier", "expected"), [(1.0, "01:01:00"), (2.0, "02:00:00"), (3.9, "03:54:00")]
)
def test_walltime_multiplier(tmp_path: Path, multiplier: float, expected: str) -> None:
    generated = kestrel(write_spec(tmp_path), multiplier=multiplier)
    assert by_name(generated.schedulers)["cpu_scheduler"]["walltime"] == expected


def test_walltime_is_capped_at_the_partition_limit(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path), multiplier=5.0)
    walltimes = {s["name"]: s["walltime"] for s in generated.schedulers}
    assert walltimes["cpu_scheduler"] == "04:00:00"  # short's limit, not 5 h
    assert walltimes["highmem_scheduler"] == "48:00:00"


def test_a_multiplier_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GenerateError, match=r"at least 1\.0"):
        kestrel(write_spec(tmp_path), multiplier=0.5)


def test_single_allocation(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path), single_allocation=True)
    assert by_name(generated.schedulers)["cpu_scheduler"]["nodes"] == 3
    analyze = generated.actions[1]
    assert analyze["num_allocations"] == 1
    assert analyze["start_one_worker_per_node"] is True
    assert "start_one_worker_per_node" not in generated.actions[0]


def test_no_actions(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path), actions=False)
    assert "actions" not in generated.data
    assert len(generated.data["slurm_schedulers"]) == 3
    assert all("scheduler" in job for job in generated.data["jobs"])


EXISTING = (
    THREE_STAGES.replace(
        "  - name: aggregate\n",
        "  - name: aggregate\n    scheduler: cpu_scheduler\n",
    )
    + """\
slurm_schedulers:
  - name: cpu_scheduler
    account: mine
    partition: bigmem
    walltime: "10:00:00"
actions:
  - trigger_type: on_jobs_ready
    action_type: schedule_nodes
    jobs: [aggregate]
    scheduler: cpu_scheduler
    scheduler_type: slurm
  - trigger_type: on_workflow_complete
    action_type: run_commands
    commands: [echo done]
"""
)


def test_existing_schedulers_are_kept_without_force(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path, EXISTING))
    names = [s["name"] for s in generated.data["slurm_schedulers"]]
    assert names == ["cpu_scheduler", "small_scheduler", "cpu_scheduler_2"]
    assert generated.data["slurm_schedulers"][0]["account"] == "mine"
    jobs = {job["name"]: job["scheduler"] for job in generated.data["jobs"]}
    assert jobs["aggregate"] == "cpu_scheduler"  # as the spec says
    assert jobs["analyze_{i:02d}"] == "cpu_scheduler_2"
    assert (generated.jobs, generated.kept) == (31, 1)
    assert len(generated.data["actions"]) == 2 + 2  # both of the spec's, two generated


def test_force_replaces_them(tmp_path: Path) -> None:
    generated = kestrel(write_spec(tmp_path, EXISTING), force=True)
    names = [s["name"] for s in generated.data["slurm_schedulers"]]
    assert names == ["small_scheduler", "cpu_scheduler", "highmem_scheduler"]
    jobs = {job["name"]: job["scheduler"] for job in generated.data["jobs"]}
    assert jobs["aggregate"] == "highmem_scheduler"
    kinds = [a["action_type"] for a in generated.data["actions"]]
    assert kinds == ["run_commands", "schedule_nodes", "schedule_nodes", "schedule_nodes"]


def test_no_partition_found(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, THREE_STAGES.replace("memory: 1000g", "memory: 4000g"))
    with pytest.raises(GenerateError) as error:
        kestrel(spec)
    message = str(error.value)
    assert message.startswith(
        "No partition found for job 'aggregate': resource requirements 'highmem' need 52 CPUs, "
        "4000g memory, 1 node, runtime 40h"
    )
    assert "`torc hpc partitions kestrel`" in message


def test_jobs_need_resource_requirements(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "name: bare\njobs:\n  - name: only\n    command: echo\n")
    with pytest.raises(GenerateError, match="job 'only' has no resource_requirements"):
        kestrel(spec)


def test_inline_requirements_and_a_gpu_job(tmp_path: Path) -> None:
    text = """\
name: gpu
jobs:
  - name: train
    command: python train.py
    resource_requirements: {num_cpus: 16, num_gpus: 2, memory: 128g, runtime: PT4H}
"""
    generated = kestrel(write_spec(tmp_path, text))
    (scheduler,) = generated.schedulers
    assert scheduler["name"] == "inline_16cpu_2gpu_1node_128g_PT4H_scheduler"
    assert (scheduler["gres"], scheduler["mem"], scheduler["walltime"]) == (
        "gpu:2",
        "128g",
        "06:00:00",
    )


def test_json_input_gives_json_output(tmp_path: Path) -> None:
    yaml_file = read_spec_file(write_spec(tmp_path))
    path = tmp_path / "workflow.json"
    path.write_text(json.dumps(yaml_file.data))
    spec_file = read_spec_file(path)
    assert spec_file.format == "json"
    generated = kestrel(path)
    assert json.loads(dump(generated.data, "json")) == kestrel(yaml_file.path).data
