"""What this machine offers (CPUs, memory, GPUs) and what running jobs hold of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

import psutil

GIB = 1024**3


@dataclass
class Capacity:
    cpus: int
    memory_bytes: int
    gpus: int
    nodes: int = 0
    """Whole nodes for multi-node jobs: a runner that holds a multi-node allocation offers
    its node count, a job with ``num_nodes`` > 1 holds that many; single-node jobs hold
    none (they share the runner's own node, which ``cpus`` and ``memory_bytes`` describe)."""

    def fits(self, need: Capacity) -> bool:
        return (
            need.cpus <= self.cpus
            and need.memory_bytes <= self.memory_bytes
            and need.gpus <= self.gpus
            and need.nodes <= self.nodes
        )

    def minus(self, other: Capacity) -> Capacity:
        return self.plus(other.times(-1))

    def times(self, factor: int) -> Capacity:
        return Capacity(
            self.cpus * factor, self.memory_bytes * factor, self.gpus * factor, self.nodes * factor
        )

    def plus(self, other: Capacity) -> Capacity:
        return Capacity(
            self.cpus + other.cpus,
            self.memory_bytes + other.memory_bytes,
            self.gpus + other.gpus,
            self.nodes + other.nodes,
        )


_NVIDIA_LINE = re.compile(r"GPU (\d+):")  # "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-...)"
_AMD_LINE = re.compile(r"GPU\[(\d+)\]")  # "GPU[0]\t\t: Device ID: 0x740c"


def gpu_devices(environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """The GPU vendor ("nvidia", "amd" or "") and the ids of the devices this process may use.

    ``nvidia-smi`` and ``rocm-smi`` list every GPU on the node, ignoring the visible-device
    variables, so a restriction in the runner's own environment (Slurm sets one for its
    allocation) is applied on top: the job runner then hands out only those devices.
    """
    nvidia = _listed("nvidia-smi", ["--list-gpus"], _NVIDIA_LINE)
    if nvidia:
        return "nvidia", _restricted(nvidia, environ.get("CUDA_VISIBLE_DEVICES"))
    amd = _listed("rocm-smi", ["--showid"], _AMD_LINE)
    if amd:
        # ROCr filters first and renumbers; HIP's filter then indexes what ROCr left.
        rocr = _restricted(amd, environ.get("ROCR_VISIBLE_DEVICES"))
        hip = environ.get("HIP_VISIBLE_DEVICES")
        if hip is not None:
            rocr = [rocr[int(i)] for i in device_ids(hip) if i.isdigit() and int(i) < len(rocr)]
        return "amd", rocr
    return "", []


def _listed(program: str, args: list[str], line: re.Pattern[str]) -> list[str]:
    """Device indices a vendor tool prints, in order; none if the tool is missing or fails."""
    if shutil.which(program) is None:
        return []
    try:
        listing = subprocess.run(
            [program, *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = (line.match(text) for text in listing.splitlines())
    return list(dict.fromkeys(match.group(1) for match in found if match))


def device_ids(value: str) -> list[str]:
    """A visible-devices value as ids; CUDA stops at the first invalid entry, such as -1."""
    ids: list[str] = []
    for item in value.split(","):
        item = item.strip()
        if not item or item.startswith("-"):
            break
        if item not in ids:
            ids.append(item)
    return ids


def _restricted(listed: list[str], visible: str | None) -> list[str]:
    """The variable's ids (indices or UUIDs, kept as written) when set, else the listing."""
    return listed if visible is None else device_ids(visible)


def detect(
    num_cpus: int | None = None,
    memory_gb: float | None = None,
    num_gpus: int | None = None,
    num_nodes: int = 1,
) -> Capacity:
    """The machine's resources, each overridable (``--num-cpus`` etc.); ``num_nodes``: the
    nodes this runner holds (more than one only for a runner with a whole allocation)."""
    return Capacity(
        cpus=num_cpus if num_cpus is not None else (psutil.cpu_count() or 1),
        memory_bytes=int(memory_gb * GIB)
        if memory_gb is not None
        else psutil.virtual_memory().total,
        gpus=num_gpus if num_gpus is not None else len(gpu_devices(os.environ)[1]),
        nodes=num_nodes if num_nodes > 1 else 0,
    )
