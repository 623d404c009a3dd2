"""Built-in and custom profiles: loading ``[client.hpc]`` through ``TORC_CONFIG``,
one-line errors that name the file and the key, overrides and detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hpc.helpers import RESEARCH_TOML, WriteConfig
from torc.config import Config, load_config
from torc.hpc.model import ProfileError
from torc.hpc.profiles import detect_profile, get_profile, known_profiles

PARTITION = """
[[client.hpc.custom_profiles.mine.partitions]]
name = "work"
cpus_per_node = 8
memory_mb = 16000
max_walltime_secs = 3600
"""


def test_builtin_kestrel(isolated: Path) -> None:
    kestrel = get_profile("kestrel", load_config({}))
    assert kestrel.display_name == "NREL Kestrel"
    assert kestrel.detect_env_var == "NREL_CLUSTER=kestrel"
    assert kestrel.partition("gpu-h100").gpus_per_node == 4
    assert kestrel.partition("hbw").min_nodes == 10
    with pytest.raises(ProfileError, match=r"no partition 'gpu'.*debug, short"):
        kestrel.partition("gpu")


def test_research_profile_loads(research: Config, research_file: Path) -> None:
    assert [p.name for p in known_profiles(research)] == ["kestrel", "research"]
    profile = get_profile("research", research)
    assert profile.display_name == "Research Cluster"
    assert profile.default_account == "my_project"
    assert [p.name for p in profile.partitions] == ["batch", "short", "gpu", "himem"]
    gpu = profile.partition("gpu")
    assert (gpu.gpus_per_node, gpu.gpu_type, gpu.shared) == (4, "A100", False)
    assert research.sources["client.hpc.custom_profiles.research"] == str(research_file)


def test_unknown_profile_names_the_known_ones(research: Config) -> None:
    with pytest.raises(ProfileError, match=r"unknown HPC profile 'nope'.*kestrel, research"):
        get_profile("nope", research)


def test_override_sets_default_account(write_config: WriteConfig) -> None:
    config = write_config('[client.hpc.profile_overrides.kestrel]\ndefault_account = "acct"\n')
    assert get_profile("kestrel", config).default_account == "acct"


def test_custom_profile_replaces_builtin(write_config: WriteConfig) -> None:
    config = write_config(PARTITION.replace("mine", "kestrel"))
    kestrel = get_profile("kestrel", config)
    assert [p.name for p in kestrel.partitions] == ["work"]
    assert kestrel.display_name == "kestrel"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            PARTITION.replace("memory_mb = 16000", 'memory_mb = "16 GB"'),
            r"custom_profiles\.mine\.partitions\[1\]\.memory_mb must be an integer, got str",
        ),
        (
            PARTITION.replace("cpus_per_node", "cpus"),
            r"unknown key client\.hpc\.custom_profiles\.mine\.partitions\[1\]\.cpus",
        ),
        (
            PARTITION.replace("max_walltime_secs = 3600", ""),
            r"partitions\[1\] lacks the required key 'max_walltime_secs'",
        ),
        (
            PARTITION.replace("cpus_per_node = 8", "cpus_per_node = 0"),
            r"partitions\[1\]\.cpus_per_node must be positive",
        ),
        (
            PARTITION.replace("cpus_per_node = 8", "cpus_per_node = true"),
            r"cpus_per_node must be an integer, got bool",
        ),
        ("[client.hpc.custom_profiles.mine]\ndisplay_name = 'x'\n", r"mine has no partitions"),
        (
            "[client.hpc.custom_profiles.mine]\ndetect_hostname = '('\n" + PARTITION,
            r"mine\.detect_hostname is not a valid regular expression",
        ),
        (
            "[client.hpc.custom_profiles.mine]\ndetect_env_var = 'CLUSTER'\n" + PARTITION,
            r"detect_env_var must look like NAME=value",
        ),
        (
            "[client.hpc.custom_profiles.mine]\ncolour = 'red'\n" + PARTITION,
            r"unknown key client\.hpc\.custom_profiles\.mine\.colour",
        ),
        (
            "[client.hpc.profile_overrides.kestral]\ndefault_account = 'a'\n",
            r"profile_overrides\.kestral overrides unknown profile",
        ),
        (
            "[client.hpc.profile_overrides.kestrel]\naccount = 'a'\n",
            r"unknown key client\.hpc\.profile_overrides\.kestrel\.account",
        ),
    ],
)
def test_bad_custom_profiles(write_config: WriteConfig, text: str, message: str) -> None:
    config = write_config(text, "bad.toml")
    with pytest.raises(ProfileError, match=message) as caught:
        known_profiles(config)
    assert str(caught.value).startswith(str(Path.cwd() / "bad.toml") + ": ")


def test_profiles_add_up_across_files(
    write_config: WriteConfig, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user file (TORC_CONFIG) and ./torc.toml each add their own profiles."""
    (isolated / "torc.toml").write_text(PARTITION.replace("mine", "local"))
    config = write_config(RESEARCH_TOML)
    assert [p.name for p in known_profiles(config)] == ["kestrel", "research", "local"]
    assert config.sources["client.hpc.custom_profiles.local"] == str(isolated / "torc.toml")


def test_detection_by_environment_variable(research: Config) -> None:
    found = detect_profile(research, environ={"NREL_CLUSTER": "kestrel"}, hostname="x")
    assert found is not None and found.name == "kestrel"
    found = detect_profile(research, environ={"CLUSTER_NAME": "research"}, hostname="x")
    assert found is not None and found.name == "research"
    assert detect_profile(research, environ={"CLUSTER_NAME": "other"}, hostname="x") is None


def test_detection_by_hostname(write_config: WriteConfig) -> None:
    config = write_config(
        '[client.hpc.custom_profiles.mine]\ndetect_hostname = ".*\\\\.research\\\\.edu"\n'
        + PARTITION
    )
    found = detect_profile(config, environ={}, hostname="login01.research.edu")
    assert found is not None and found.name == "mine"
    assert detect_profile(config, environ={}, hostname="login01.research.edu.evil") is None
    assert detect_profile(config, environ={}, hostname="research.edu") is None
