"""What this machine offers (CPUs, memory, GPUs) and what running jobs hold of it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

import psutil

GIB = 1024**3


@dataclass
class Capacity:
    cpus: int
    memory_bytes: int
    gpus: int

    def fits(self, need: Capacity) -> bool:
        return (
            need.cpus <= self.cpus
            and need.memory_bytes <= self.memory_bytes
            and need.gpus <= self.gpus
        )

    def minus(self, other: Capacity) -> Capacity:
        return Capacity(
            self.cpus - other.cpus, self.memory_bytes - other.memory_bytes, self.gpus - other.gpus
        )

    def plus(self, other: Capacity) -> Capacity:
        return Capacity(
            self.cpus + other.cpus, self.memory_bytes + other.memory_bytes, self.gpus + other.gpus
        )


def count_gpus() -> int:
    """GPUs that ``nvidia-smi`` lists; 0 without NVIDIA drivers."""
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        listing = subprocess.run(
            ["nvidia-smi", "--list-gpus"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in listing.splitlines() if line.startswith("GPU "))


def detect(
    num_cpus: int | None = None, memory_gb: float | None = None, num_gpus: int | None = None
) -> Capacity:
    """The machine's resources, each overridable (``--num-cpus`` etc.)."""
    return Capacity(
        cpus=num_cpus if num_cpus is not None else (psutil.cpu_count() or 1),
        memory_bytes=int(memory_gb * GIB)
        if memory_gb is not None
        else psutil.virtual_memory().total,
        gpus=num_gpus if num_gpus is not None else count_gpus(),
    )
