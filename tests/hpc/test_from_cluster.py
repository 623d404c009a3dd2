"""``torc hpc generate``: parsing ``sinfo``/``scontrol`` output (offline, from text such
clusters print), the TOML it writes loading back as a custom profile, and the real test
cluster of tests/slurm_cluster.py (read only: ``sinfo`` and ``scontrol show``)."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.hpc.helpers import WriteConfig, run_torc
from tests.slurm_cluster import SlurmCluster
from torc.hpc.from_cluster import (
    UNLIMITED_WALLTIME_SECS,
    hostname_pattern,
    parse_gres,
    partitions_from,
)
from torc.hpc.model import HpcProfile
from torc.hpc.profiles import get_profile
from torc.hpc.toml_text import profile_toml
from torc.hpc.units import parse_walltime_secs

SINFO = """\
compute|64|256000|2-00:00:00|(null)|100
compute|128|512000|2-00:00:00|(null)|10
gpu|32|128000|1-00:00:00|gpu:a100:4(S:0-1)|8
gpu-stdby|32|128000|1-00:00:00|gpu:a100:4|8
debug|64|256000|1:00:00|gpu:2|2
forever|8|1000|infinite|(null)|1
"""
SCONTROL = """\
PartitionName=compute AllowGroups=ALL MinNodes=0 MaxTime=2-00:00:00 OverSubscribe=NO
PartitionName=gpu AllowGroups=ALL MinNodes=2 MaxTime=1-00:00:00 OverSubscribe=FORCE:4
PartitionName=debug AllowGroups=ALL MinNodes=1 OverSubscribe=EXCLUSIVE
PartitionName=forever OverSubscribe=YES
"""


@pytest.mark.parametrize(
    ("gres", "gpus"),
    [
        ("(null)", (0, None)),
        ("gpu:2", (2, None)),
        ("gpu:a100:4", (4, "a100")),
        ("gpu:h100:4(S:0-1)", (4, "h100")),
        ("nvme:1,gpu:v100:2(IDX:0-1)", (2, "v100")),
        ("mps:100", (0, None)),
    ],
)
def test_parse_gres(gres: str, gpus: tuple[int, str | None]) -> None:
    assert parse_gres(gres) == gpus


def test_partitions_from_sinfo_and_scontrol() -> None:
    found = {p.name: p for p in partitions_from(SINFO, SCONTROL)}
    assert list(found) == ["compute", "gpu", "gpu-stdby", "debug", "forever"]
    compute = found["compute"]  # mixed nodes: the smallest
    assert (compute.cpus_per_node, compute.memory_mb, compute.max_walltime_secs) == (
        64,
        256000,
        172800,
    )
    gpu = found["gpu"]
    assert (gpu.gpus_per_node, gpu.gpu_type, gpu.shared, gpu.min_nodes) == (4, "a100", True, 2)
    assert (found["debug"].gpus_per_node, found["debug"].shared) == (2, False)
    assert found["forever"].max_walltime_secs == UNLIMITED_WALLTIME_SECS
    assert found["forever"].shared
    skipped = partitions_from(SINFO, SCONTROL, skip_stdby=True)
    assert "gpu-stdby" not in [p.name for p in skipped]


def test_hostname_pattern() -> None:
    assert hostname_pattern("login1.hpc.example.edu") == r".*\.hpc\.example\.edu"
    assert hostname_pattern("kl1") == r"kl\d*"


def test_toml_loads_back(write_config: WriteConfig) -> None:
    profile = HpcProfile(
        name="mycluster",
        display_name='My "Research" Cluster',
        partitions=partitions_from(SINFO, SCONTROL),
        detect_hostname=hostname_pattern("login1.mycluster.edu"),
    )
    text = profile_toml(profile)
    assert 'detect_hostname = ".*\\\\.mycluster\\\\.edu"' in text
    assert tomllib.loads(text)["client"]["hpc"]["custom_profiles"]["mycluster"]
    config = write_config(text)
    assert get_profile("mycluster", config) == profile


@pytest.mark.slurm
def test_generate_on_the_test_cluster(slurm_cluster: SlurmCluster, tmp_path: Path) -> None:
    """The TOML written from the live cluster loads back through TORC_CONFIG."""
    check_generated_profile(slurm_cluster, tmp_path)


def check_generated_profile(cluster: SlurmCluster, tmp_path: Path) -> None:
    target = tmp_path / "cluster.toml"
    result = run_torc(tmp_path, "hpc", "generate", "--name", "testcluster", "-o", str(target))
    assert f"to {target}" in result.stderr
    result = run_torc(tmp_path, "-f", "json", "hpc", "partitions", "testcluster", config=target)
    partitions = {p["name"]: p for p in json.loads(result.stdout)["partitions"]}
    assert list(partitions) == list(cluster.partitions)
    gres = subprocess.run(["sinfo", "-h", "-o", "%G"], capture_output=True, text=True).stdout
    for name, partition in partitions.items():
        assert (partition["gpus_per_node"] > 0) == ("gpu:" in gres)
        assert partition["cpus_per_node"] == cluster.cpus
        assert partition["memory_mb"] == cluster.memory_mb
        assert partition["max_walltime_secs"] == parse_walltime_secs(cluster.max_times[name])
    table = run_torc(tmp_path, "hpc", "partitions", "testcluster", config=target).stdout
    assert "Partitions for testcluster:" in table
    for name in cluster.partitions:
        assert f"│ {name} " in table
    detected = run_torc(tmp_path, "-f", "json", "hpc", "detect", config=target).stdout
    assert json.loads(detected)["name"] == "testcluster"  # by the hostname pattern
