"""``torc hpc list|detect|show|partitions|match`` run as subprocesses, as a user runs
them, on the built-in Kestrel profile and the tutorial's "research" profile (read from
``TORC_CONFIG``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hpc.helpers import run_torc


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def test_list(home: Path, research_file: Path) -> None:
    out = run_torc(home, "hpc", "list", config=research_file, CLUSTER_NAME="research").stdout
    assert out.startswith("Known HPC profiles:\n")
    assert "Display Name" in out and "Detected" in out
    kestrel_line = next(line for line in out.splitlines() if "kestrel" in line)
    research_line = next(line for line in out.splitlines() if "research " in line)
    assert "NREL Kestrel" in kestrel_line and "✓" not in kestrel_line
    assert "Research Cluster" in research_line and "│ 4 " in research_line
    assert "✓" in research_line
    data = json.loads(run_torc(home, "hpc", "list", "-f", "json", config=research_file).stdout)
    assert data["profiles"][1] == {
        "name": "research",
        "display_name": "Research Cluster",
        "partitions": 4,
        "detected": False,
    }


def test_detect(home: Path) -> None:
    out = run_torc(home, "hpc", "detect", NREL_CLUSTER="kestrel").stdout
    assert out == "Detected HPC system: NREL Kestrel (kestrel)\n"
    assert run_torc(home, "hpc", "detect").stdout.startswith("No HPC system detected")
    data = json.loads(run_torc(home, "-f", "json", "hpc", "detect").stdout)
    assert data == {"detected": False, "name": None, "display_name": None}


def test_show(home: Path, research_file: Path) -> None:
    out = run_torc(home, "hpc", "show", "research", config=research_file).stdout
    assert "Research Cluster (research)" in out
    assert "Description: University Research HPC System" in out
    assert "Detection: Environment variable CLUSTER_NAME=research" in out
    assert "Default account: my_project" in out
    assert "Partitions: 4" in out
    data = json.loads(run_torc(home, "hpc", "show", "kestrel", "-f", "json").stdout)
    assert data["name"] == "kestrel" and len(data["partitions"]) == 10


def test_partitions_of_kestrel(home: Path) -> None:
    out = run_torc(home, "hpc", "partitions", "kestrel").stdout
    assert out.startswith("Partitions for kestrel:\n")
    for title in ("CPUs/Node", "Mem/Node", "Max Walltime", "GPUs", "Shared", "Notes"):
        assert title in out
    debug = next(line for line in out.splitlines() if "debug" in line)
    assert "│ 104 " in debug and "│ 240 GB " in debug and "│ 1h " in debug and "│ - " in debug
    assert "│ 4 (H100) " in out and "│ 2048 GB " in out and "│ 240h " in out
    gpu_only = run_torc(home, "-f", "json", "hpc", "partitions", "kestrel", "--gpu").stdout
    assert [p["name"] for p in json.loads(gpu_only)["partitions"]] == ["gpu-h100"]
    shared = run_torc(home, "-f", "json", "hpc", "partitions", "kestrel", "--shared").stdout
    assert [p["name"] for p in json.loads(shared)["partitions"]] == ["shared"]
    cpu_only = run_torc(home, "-f", "json", "hpc", "partitions", "kestrel", "--cpu").stdout
    assert len(json.loads(cpu_only)["partitions"]) == 9


def test_partitions_detects_the_profile(home: Path, research_file: Path) -> None:
    out = run_torc(home, "hpc", "partitions", config=research_file, CLUSTER_NAME="research")
    assert "Partitions for research:" in out.stdout
    assert "│ 192 GB " in out.stdout and "│ 1024 GB " in out.stdout and "│ 72h " in out.stdout
    failed = run_torc(home, "hpc", "partitions", expect=1)
    assert failed.stderr == "Error: no HPC system detected; give a profile name (known: kestrel)\n"


@pytest.mark.parametrize(
    ("args", "best"),
    [
        (["--cpus", "8", "--memory", "16g", "--walltime", "2h"], "short"),
        (["--cpus", "16", "--memory", "64g", "--walltime", "8h", "--gpus", "2"], "gpu"),
        (["--cpus", "24", "--memory", "512g", "--walltime", "24h"], "himem"),
    ],
)
def test_match_tutorial(home: Path, research_file: Path, args: list[str], best: str) -> None:
    out = run_torc(home, "hpc", "match", "research", *args, config=research_file).stdout
    assert out.endswith(f"Best match: {best}\n")
    data = json.loads(
        run_torc(home, "-f", "json", "hpc", "match", "--profile", "research", *args,
                 config=research_file).stdout
    )  # fmt: skip
    assert data["best"] == best and data["partitions"][0]["name"] == best


def test_match_defaults_and_detection(home: Path) -> None:
    data = json.loads(run_torc(home, "-f", "json", "hpc", "match", NREL_CLUSTER="kestrel").stdout)
    assert data["requirements"] == {
        "cpus": 1,
        "memory_mb": 1024,
        "runtime_secs": 3600,
        "gpus": 0,
        "nodes": 1,
    }
    assert data["best"] == "short"


def test_match_without_a_partition(home: Path) -> None:
    out = run_torc(home, "hpc", "match", "kestrel", "--memory", "3t", expect=1).stdout
    assert out.startswith("No partition found for job in kestrel")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--memory", "lots"], "Error: invalid memory 'lots'"),
        (["--walltime", "soon"], "Error: invalid walltime 'soon'"),
        (["--profile", "other"], "Error: two profiles given: 'kestrel' and --profile 'other'"),
    ],
)
def test_match_bad_input(home: Path, args: list[str], error: str) -> None:
    result = run_torc(home, "hpc", "match", "kestrel", *args, expect=1)
    assert result.stderr.startswith(error) and result.stderr.count("\n") == 1


def test_unknown_profile_and_bad_config(home: Path) -> None:
    result = run_torc(home, "hpc", "show", "nope", expect=1)
    assert result.stderr.startswith("Error: unknown HPC profile 'nope' (known profiles: kestrel)")
    bad = home / "bad.toml"
    bad.write_text(
        "[client.hpc.custom_profiles.x]\n[[client.hpc.custom_profiles.x.partitions]]\n"
        'name = "p"\ncpus_per_node = "many"\nmemory_mb = 1\nmax_walltime_secs = 1\n'
    )
    result = run_torc(home, "hpc", "list", config=bad, expect=1)
    assert result.stderr == (
        f"Error: {bad}: client.hpc.custom_profiles.x.partitions[1].cpus_per_node must be an "
        "integer, got str 'many'\n"
    )


def test_generate_without_slurm(home: Path) -> None:
    result = run_torc(home, "hpc", "generate", expect=1, PATH=str(home))
    assert (
        result.stderr == "Error: sinfo not found: torc hpc generate must run on a Slurm cluster\n"
    )
