"""The built-in profile of NREL's Kestrel, from the manual's partition table.

Where the manual contradicts itself the choice is the one that lets real jobs match:
the table gives ``gpu-h100`` 2 CPUs per node while the node specifications say 128 cores,
so it gets 128 (a 2-CPU limit would reject every realistic GPU job). Its memory stays at
the table's 240 GB, the conservative reading, since the specifications' "2 TB" would let
the matcher promise memory that the partition's nodes might not all have.
"""

from __future__ import annotations

from torc.hpc.model import HpcProfile, Partition

GB = 1024
HOUR = 3600
STANDARD_MEMORY_MB = 240 * GB
STANDARD_CPUS = 104


def _standard(
    name: str,
    hours: int,
    description: str,
    *,
    memory_mb: int = STANDARD_MEMORY_MB,
    shared: bool = False,
    min_nodes: int | None = None,
) -> Partition:
    """A partition of standard 104-core CPU nodes."""
    return Partition(
        name=name,
        cpus_per_node=STANDARD_CPUS,
        memory_mb=memory_mb,
        max_walltime_secs=hours * HOUR,
        shared=shared,
        min_nodes=min_nodes,
        description=description,
    )


def kestrel_profile() -> HpcProfile:
    return HpcProfile(
        name="kestrel",
        display_name="NREL Kestrel",
        description="NREL Kestrel HPC system (Intel Sapphire Rapids CPU nodes, H100 GPU nodes)",
        detect_env_var="NREL_CLUSTER=kestrel",
        partitions=(
            _standard("debug", 1, "Quick testing"),
            _standard("short", 4, "Short jobs"),
            _standard("standard", 48, "General workloads"),
            _standard("long", 240, "Extended jobs"),
            _standard("medmem", 48, "Medium memory", memory_mb=480 * GB),
            _standard("bigmem", 48, "High memory", memory_mb=2048 * GB),
            _standard("shared", 48, "Shared node access", shared=True),
            _standard("hbw", 48, "High-bandwidth memory", min_nodes=10),
            _standard("nvme", 48, "NVMe local storage"),
            Partition(
                name="gpu-h100",
                cpus_per_node=128,
                memory_mb=STANDARD_MEMORY_MB,
                max_walltime_secs=48 * HOUR,
                gpus_per_node=4,
                gpu_type="H100",
                gpu_memory_gb=80,
                description="GPU compute",
            ),
        ),
    )
