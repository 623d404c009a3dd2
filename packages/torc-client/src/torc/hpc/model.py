"""The data an HPC profile is made of: partitions and the profile that groups them.

Kept apart from loading and matching so that the built-in profiles, the custom ones read
from the configuration and the ones generated from ``sinfo`` all share one shape, and so
that ``torc slurm generate`` can import them without pulling in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ProfileError(ValueError):
    """An unknown profile or partition, or a malformed custom profile; the message says
    which and what to do."""


@dataclass(frozen=True)
class Partition:
    """One Slurm partition's per-node limits, as the matcher and the tables see them."""

    name: str
    cpus_per_node: int
    memory_mb: int
    max_walltime_secs: int
    gpus_per_node: int = 0
    gpu_type: str | None = None
    gpu_memory_gb: int | None = None
    shared: bool = False
    min_nodes: int | None = None
    requires_explicit_request: bool = False
    description: str | None = None

    @property
    def is_gpu(self) -> bool:
        return self.gpus_per_node > 0

    @property
    def is_debug(self) -> bool:
        """Debug partitions are for quick tests: the matcher uses them only as a last resort."""
        return "debug" in self.name.lower()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cpus_per_node": self.cpus_per_node,
            "memory_mb": self.memory_mb,
            "max_walltime_secs": self.max_walltime_secs,
            "gpus_per_node": self.gpus_per_node,
            "gpu_type": self.gpu_type,
            "gpu_memory_gb": self.gpu_memory_gb,
            "shared": self.shared,
            "min_nodes": self.min_nodes,
            "requires_explicit_request": self.requires_explicit_request,
            "description": self.description,
        }


@dataclass(frozen=True)
class HpcProfile:
    """A cluster: its partitions, how to recognise it and its default Slurm account."""

    name: str
    display_name: str
    partitions: tuple[Partition, ...]
    description: str | None = None
    detect_env_var: str | None = None
    """``NAME=value``: the profile is detected when that variable has that value."""
    detect_hostname: str | None = None
    """A regular expression the whole hostname must match."""
    default_account: str | None = None

    def partition(self, name: str) -> Partition:
        for partition in self.partitions:
            if partition.name == name:
                return partition
        known = ", ".join(p.name for p in self.partitions) or "none"
        raise ProfileError(
            f"profile '{self.name}' has no partition '{name}' (known partitions: {known})"
        )

    @property
    def detection(self) -> str:
        """How the profile is detected, in words (for ``torc hpc show``)."""
        ways = []
        if self.detect_env_var:
            ways.append(f"Environment variable {self.detect_env_var}")
        if self.detect_hostname:
            ways.append(f"Hostname matches {self.detect_hostname}")
        return "; ".join(ways) or "None (select it with --profile)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "display_name": self.display_name,
            "description": self.description,
            "detect_env_var": self.detect_env_var,
            "detect_hostname": self.detect_hostname,
            "default_account": self.default_account,
            "partitions": [p.as_dict() for p in self.partitions],
        }
