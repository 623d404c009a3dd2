"""The custom profile of the manual's tutorial and ``torc`` run as a user runs it.

``torc`` runs as a child process with a private HOME and working directory, no ``TORC_``
variable and no ``NREL_CLUSTER`` from the machine, so only the configuration file a test
names (through ``TORC_CONFIG``) is read and no real cluster is detected by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from torc.config import Config

RESEARCH_TOML = """\
# Custom HPC Profile for ResearchCluster
[client.hpc.custom_profiles.research]
display_name = "Research Cluster"
description = "University Research HPC System"
detect_env_var = "CLUSTER_NAME=research"
default_account = "my_project"

# Batch partition - general purpose
[[client.hpc.custom_profiles.research.partitions]]
name = "batch"
cpus_per_node = 48
memory_mb = 192000          # 192 GB in MB
max_walltime_secs = 259200  # 72 hours in seconds
shared = false

# Short partition - quick jobs
[[client.hpc.custom_profiles.research.partitions]]
name = "short"
cpus_per_node = 48
memory_mb = 192000
max_walltime_secs = 14400   # 4 hours
shared = true               # Allows sharing nodes

# GPU partition
[[client.hpc.custom_profiles.research.partitions]]
name = "gpu"
cpus_per_node = 32
memory_mb = 256000          # 256 GB
max_walltime_secs = 172800  # 48 hours
gpus_per_node = 4
gpu_type = "A100"
shared = false

# High memory partition
[[client.hpc.custom_profiles.research.partitions]]
name = "himem"
cpus_per_node = 48
memory_mb = 1048576         # 1024 GB (1 TB)
max_walltime_secs = 172800  # 48 hours
shared = false
"""
WriteConfig = Callable[..., Config]
"""The ``write_config`` fixture: ``write_config(text, name="custom.toml") -> Config``."""
DETECTION_VARIABLES = ("NREL_CLUSTER", "CLUSTER_NAME")


def torc_env(home: Path, config: Path | None = None, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TORC_") and key not in (*DETECTION_VARIABLES, "COLUMNS")
    }
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    if config is not None:
        env["TORC_CONFIG"] = str(config)
    return {**env, **extra}


def run_torc(
    cwd: Path, *args: str, config: Path | None = None, expect: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    """``torc <args>`` in ``cwd`` (also its HOME); fails the test on another exit code."""
    result = subprocess.run(
        [shutil.which("torc") or "torc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=torc_env(cwd, config, **env),
        timeout=120,
        check=False,
    )
    assert result.returncode == expect, (
        f"torc {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result
