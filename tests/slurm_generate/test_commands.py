"""The commands as a user runs them (the ``torc`` console script): ``slurm generate`` (no
server), ``workflows create-slurm`` and ``slurm regenerate`` against a real server, with a
custom profile read through ``TORC_CONFIG``. Nothing here submits to Slurm (see
tests/slurm/test_submit_slurm.py for that)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import torc_models as m
from tests.cli.conftest import Torc
from tests.cli.helpers import Runner
from tests.conftest import ServerProcess
from tests.slurm_generate.helpers import GOLDEN, write_spec
from torc.api import TorcApi

PROFILE = """\
[client.hpc.custom_profiles.minicluster]
display_name = "Mini cluster"

[[client.hpc.custom_profiles.minicluster.partitions]]
name = "debug"
cpus_per_node = 2
memory_mb = 4000
max_walltime_secs = 3600

[[client.hpc.custom_profiles.minicluster.partitions]]
name = "short"
cpus_per_node = 2
memory_mb = 4000
max_walltime_secs = 14400

[[client.hpc.custom_profiles.minicluster.partitions]]
name = "long"
cpus_per_node = 2
memory_mb = 4000
max_walltime_secs = 172800
"""
STAGED = """\
name: staged
resource_requirements:
  - name: one
    num_cpus: 1
    memory: 1g
    runtime: PT10M
  - name: two
    num_cpus: 2
    memory: 2g
    runtime: PT6H
jobs:
  - name: first
    command: echo first
    resource_requirements: one
  - name: middle_{i}
    command: echo {i}
    resource_requirements: one
    depends_on: [first]
    parameters:
      i: "1:3"
  - name: last
    command: echo last
    resource_requirements: two
    depends_on_regexes: ["middle_.*"]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("server") / "torc.db", "--completion-check-interval-secs", "1"
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[TorcApi]:
    client = server.api()
    yield client
    client.close()


@pytest.fixture(scope="module")
def torc(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Torc:
    return Torc(server.url, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def profile_env(torc: Torc) -> dict[str, str]:
    config = torc.home / "minicluster.toml"
    config.write_text(PROFILE)
    return {"TORC_CONFIG": str(config)}


def test_generate_prints_the_golden_output(torc: Torc) -> None:
    spec = write_spec(torc.home)
    result = torc("slurm", "generate", "--account", "proj", "--profile", "kestrel", str(spec))
    assert result.stdout == (GOLDEN / "three_stages_kestrel.yaml").read_text()
    assert result.stderr == ""


def test_generate_writes_json_for_a_json_output(torc: Torc) -> None:
    spec, output = write_spec(torc.home), torc.home / "generated.json"
    args = ["slurm", "generate", "--account", "proj", "--profile", "kestrel", "-o", str(output)]
    result = torc(*args, str(spec))
    assert result.stdout.startswith(f"Wrote {output}: Profile kestrel: 3 Slurm scheduler(s)")
    expected = yaml.safe_load((GOLDEN / "three_stages_kestrel.yaml").read_text())
    assert json.loads(output.read_text()) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "kestrel"], "Error: Missing option '--account'"),
        (["--account", "a", "--profile", "nope"], "Error: unknown HPC profile 'nope'"),
        (["--account", "a"], "Error: no HPC profile matches this system"),
        (
            ["--account", "a", "--profile", "kestrel", "--walltime-multiplier", "0.9"],
            "Error: --walltime-multiplier must be at least 1.0",
        ),
    ],
)
def test_generate_errors(torc: Torc, args: list[str], message: str) -> None:
    spec = write_spec(torc.home)
    result = torc("slurm", "generate", *args, str(spec), expect=1)
    assert result.stderr.startswith(message), result.stderr


def test_no_partition_names_the_job_and_the_profile(
    torc: Torc, profile_env: dict[str, str]
) -> None:
    spec = write_spec(torc.home, STAGED.replace("memory: 2g", "memory: 8g"), "big.yaml")
    args = ["slurm", "generate", "--account", "a", "--profile", "minicluster", str(spec)]
    result = torc(*args, expect=1, env=profile_env)
    assert result.stderr == (
        "Error: No partition found for job 'last': resource requirements 'two' need 2 CPUs, "
        "8g memory, 1 node, runtime 6h. No partition of HPC profile 'minicluster' has that "
        "much (CPUs, memory and GPUs per node, walltime): see them with `torc hpc partitions "
        "minicluster` and lower the requirements\n"
    )


def create_staged(torc: Torc, env: dict[str, str]) -> int:
    spec = write_spec(torc.home, STAGED, "staged.yaml")
    args = ["--account", "acct", "--hpc-profile", "minicluster", str(spec)]
    result = torc("workflows", "create-slurm", *args, env=env)
    first, _, rest = result.stdout.partition(" with ")
    assert first.startswith("Created workflow ") and rest == "5 jobs\n", result.stdout
    return int(first.split()[-1])


def test_create_slurm_records_the_generation(
    torc: Torc, api: TorcApi, profile_env: dict[str, str]
) -> None:
    workflow_id = create_staged(torc, profile_env)
    workflow = api.get_workflow(workflow_id)
    assert (workflow.metadata or {})["slurm_generate"] == {
        "account": "acct",
        "profile": "minicluster",
        "group_by": "resource-requirements",
        "walltime_strategy": "max-job-runtime",
        "walltime_multiplier": 1.5,
        "single_allocation": False,
    }
    schedulers = {s.name or "": s for s in api.list_slurm_schedulers(workflow_id).items}
    assert sorted(schedulers) == ["one_scheduler", "two_scheduler"]
    one, two = schedulers["one_scheduler"], schedulers["two_scheduler"]
    # a custom profile: the partition is named (a plain Slurm uses its default otherwise)
    # two one-CPU jobs per two-CPU node: mem and ntasks_per_node for both
    assert (one.partition, one.walltime, one.mem, one.ntasks_per_node, one.account) == (
        "short",
        "00:15:00",
        "2g",
        2,
        "acct",
    )
    assert (two.partition, two.walltime, two.ntasks_per_node) == ("long", "09:00:00", 2)
    actions = api.get_workflow_actions(workflow_id)
    assert [(a.trigger_type, len(a.job_ids or [])) for a in actions] == [
        ("on_workflow_start", 0),
        ("on_jobs_ready", 3),  # the middle stage: 3 allocations, 2 one-CPU jobs per node
        ("on_jobs_ready", 1),
    ]
    assert [(a.action_config or {}).get("num_allocations") for a in actions] == [1, 2, 1]


def test_regenerate_needs_an_initialized_workflow_or_submit(
    torc: Torc, profile_env: dict[str, str]
) -> None:
    workflow_id = create_staged(torc, profile_env)
    result = torc("slurm", "regenerate", str(workflow_id), expect=1, env=profile_env)
    assert f"workflow {workflow_id} is not initialized" in result.stderr


def test_regenerate_after_the_first_stage(
    torc: Torc, api: TorcApi, profile_env: dict[str, str]
) -> None:
    workflow_id = create_staged(torc, profile_env)
    torc("workflows", "initialize", str(workflow_id))
    runner = Runner(api, workflow_id)
    assert runner.run_ready() == ["first"]
    for i in (1, 2, 3):
        runner.wait_for_status(f"middle_{i}", "ready")
    old = {s.id for s in api.list_slurm_schedulers(workflow_id).items}

    dry = torc("slurm", "regenerate", str(workflow_id), "--dry-run", env=profile_env)
    assert dry.stdout.startswith("Regenerating Slurm schedulers...\nDry run: nothing was changed")
    assert {s.id for s in api.list_slurm_schedulers(workflow_id).items} == old

    result = torc("slurm", "regenerate", str(workflow_id), env=profile_env)
    lines = result.stdout.splitlines()
    assert lines[0] == "Regenerating Slurm schedulers..."
    assert lines[1].startswith("Slurm scheduler one_scheduler_2 (ID ")
    assert lines[1].endswith("for 3 jobs on partition short: walltime 00:15:00, mem 2g")
    assert lines[2] == "  2 allocation(s) for 3 jobs now"
    assert lines[3].startswith("Slurm scheduler two_deferred_scheduler (ID ")
    assert lines[4] == "  1 allocation(s) for 1 job when they become ready"

    schedulers = {s.name: s for s in api.list_slurm_schedulers(workflow_id).items}
    jobs = {j.name: j for j in api.list_jobs(workflow_id).items}
    assert jobs["first"].scheduler_id == schedulers["one_scheduler"].id  # done: left alone
    assert jobs["middle_2"].scheduler_id == schedulers["one_scheduler_2"].id
    assert jobs["last"].scheduler_id == schedulers["two_deferred_scheduler"].id
    actions = api.get_workflow_actions(workflow_id)
    original = [a for a in actions if not a.is_recovery]
    assert len(original) == 3 and all(a.executed for a in original)  # cannot fire again
    recovery = [a for a in actions if a.is_recovery]
    assert [(a.trigger_type, len(a.job_ids or [])) for a in recovery] == [
        ("on_jobs_ready", 3),
        ("on_jobs_ready", 1),
    ]
    pending = api.get_pending_actions(workflow_id)
    assert [a.id for a in pending] == [recovery[0].id]  # the ready jobs' allocations
    assert (pending[0].action_config or {})["scheduler_id"] == schedulers["one_scheduler_2"].id


def test_regenerate_with_nothing_to_do(
    torc: Torc, api: TorcApi, profile_env: dict[str, str]
) -> None:
    workflow_id = create_staged(torc, profile_env)
    torc("workflows", "initialize", str(workflow_id))
    runner = Runner(api, workflow_id)
    runner.run_ready()
    for i in (1, 2, 3):
        runner.wait_for_status(f"middle_{i}", "ready")
    runner.run_ready()
    runner.wait_for_status("last", "ready")
    runner.run_ready()
    assert {j.status for j in api.list_jobs(workflow_id).items} == {m.JobStatus.completed}
    result = torc("slurm", "regenerate", str(workflow_id), env=profile_env)
    assert result.stdout == (
        "Regenerating Slurm schedulers...\n"
        f"Workflow {workflow_id} has no uninitialized, ready or blocked jobs\n"
    )


def test_create_slurm_dry_run_creates_nothing(
    torc: Torc, api: TorcApi, profile_env: dict[str, str]
) -> None:
    before = api.list_workflows(limit=10_000).total_count
    spec = write_spec(torc.home, STAGED, "dry.yaml")
    args = ["--account", "acct", "--hpc-profile", "minicluster", "--dry-run", str(spec)]
    result = torc("workflows", "create-slurm", *args, env=profile_env)
    assert "Validation: PASSED" in result.stdout
    assert "Profile minicluster: 2 Slurm scheduler(s) and 3 action(s) for 5 job(s)" in (
        result.stdout
    )
    assert api.list_workflows(limit=10_000).total_count == before


def test_submit_slurm_checks_for_sbatch_before_creating(
    torc: Torc, api: TorcApi, profile_env: dict[str, str], tmp_path: Path
) -> None:
    farm = tmp_path / "bin"  # every program of PATH but sbatch
    farm.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if directory and os.path.isdir(directory):
            for name in os.listdir(directory):
                link = farm / name
                if name != "sbatch" and not os.path.lexists(link):
                    link.symlink_to(Path(directory, name))
    before = api.list_workflows(limit=10_000).total_count
    spec = write_spec(torc.home, STAGED, "nosbatch.yaml")
    args = ["--account", "acct", "--hpc-profile", "minicluster", str(spec)]
    result = torc("submit-slurm", *args, expect=1, env={**profile_env, "PATH": str(farm)})
    assert (
        result.stderr == "Error: sbatch not found: submit from a machine where Slurm is installed\n"
    )
    assert api.list_workflows(limit=10_000).total_count == before


def test_regenerate_needs_an_account(torc: Torc, api: TorcApi, profile_env: dict[str, str]) -> None:
    spec = write_spec(torc.home, STAGED, "plain.yaml")
    workflow_id = torc.json("workflows", "create", str(spec))["id"]
    torc("workflows", "initialize", str(workflow_id))
    args = ["slurm", "regenerate", str(workflow_id), "--profile", "minicluster"]
    result = torc(*args, expect=1, env=profile_env)
    assert result.stderr.startswith(
        f"Error: workflow {workflow_id} has no Slurm account to reuse"
    ), result.stderr
    ids = ",".join(str(j.id) for j in api.list_jobs(workflow_id).items[:2])
    report = torc.json(
        *args, "--account", "given", "--dry-run", "--include-job-ids", ids, env=profile_env
    )
    assert report["account"] == "given" and report["dry_run"] is True
    names = [s["name"] for s in report["schedulers"]]
    assert names == ["one_scheduler", "one_deferred_scheduler", "two_deferred_scheduler"]
    assert api.list_slurm_schedulers(workflow_id).items == []  # a dry run
