"""A profile of the live Slurm cluster, read from ``sinfo`` and ``scontrol`` (``torc hpc
generate``).

``sinfo -e`` gives one row per distinct node configuration of each partition; when a
partition mixes node sizes, the profile takes the smallest (fewest CPUs, then least
memory), so a job the matcher places there fits on any of its nodes. GPUs come from the
GRES column (``gpu:a100:4``, ``gpu:2``, ``gpu:h100:4(S:0-1)``), sharing from
``OverSubscribe`` (``YES`` or ``FORCE``) and ``min_nodes`` from ``MinNodes`` when above 1.
A partition without a time limit gets :data:`UNLIMITED_WALLTIME_SECS`.
Only read-only Slurm commands run here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from torc.hpc.model import HpcProfile, Partition, ProfileError
from torc.hpc.profiles import qualified_hostname
from torc.spec.checks import walltime_seconds

SINFO_FORMAT = "%R|%c|%m|%l|%G|%D"
UNLIMITED_WALLTIME_SECS = 365 * 86400
"""Stand-in for an ``infinite`` time limit: a year, longer than any job asks for."""
STANDBY_SUFFIX = "-stdby"


class ClusterError(ProfileError):
    """Slurm's commands are missing or fail; the message says which."""


@dataclass(frozen=True)
class NodeConfig:
    """One ``sinfo`` row: a group of identical nodes of one partition."""

    partition: str
    cpus: int
    memory_mb: int
    time_limit_secs: int
    gpus: int
    gpu_type: str | None
    nodes: int


def run_slurm(*args: str) -> str:
    if shutil.which(args[0]) is None:
        raise ClusterError(f"{args[0]} not found: torc hpc generate must run on a Slurm cluster")
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClusterError(f"{' '.join(args)} failed: {exc}") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise ClusterError(f"{' '.join(args)} failed: {detail[0]}")
    return done.stdout


def parse_gres(gres: str) -> tuple[int, str | None]:
    """``"gpu:a100:4(S:0-1),nvme:1"`` -> ``(4, "a100")``; no GPUs -> ``(0, None)``."""
    count, kind = 0, None
    for item in gres.split(","):
        fields = re.sub(r"\(.*?\)", "", item.strip()).split(":")
        if fields[0] != "gpu" or len(fields) < 2:
            continue
        number = fields[-1]
        if not number.isdigit():
            continue
        count += int(number)
        if len(fields) >= 3 and kind is None:
            kind = fields[1]
    return count, kind


def parse_time_limit(text: str) -> int:
    """Slurm's ``1:00:00``, ``2-00:00:00``, ``infinite`` -> seconds."""
    seconds = walltime_seconds(text)
    return UNLIMITED_WALLTIME_SECS if seconds == float("inf") else int(seconds)


def _number(text: str, what: str, line: str) -> int:
    digits = text.strip().rstrip("+")
    if not digits.isdigit():
        raise ClusterError(f"sinfo gave {what} {text!r}, not a number, in line {line!r}")
    return int(digits)


def parse_sinfo(text: str) -> list[NodeConfig]:
    """Rows of ``sinfo -h -e -o`` :data:`SINFO_FORMAT`."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) != 6:
            raise ClusterError(f"unexpected sinfo line {line!r}")
        name, cpus, memory, limit, gres, nodes = (f.strip() for f in fields)
        try:
            limit_secs = parse_time_limit(limit)
        except ValueError:
            raise ClusterError(f"sinfo gave time limit {limit!r} for {name}") from None
        gpus, gpu_type = parse_gres(gres)
        rows.append(
            NodeConfig(
                partition=name,
                cpus=_number(cpus, "CPUs", line),
                memory_mb=_number(memory, "memory", line),
                time_limit_secs=limit_secs,
                gpus=gpus,
                gpu_type=gpu_type,
                nodes=_number(nodes, "node count", line),
            )
        )
    return rows


def parse_scontrol(text: str) -> dict[str, dict[str, str]]:
    """``scontrol show partition -o`` (one partition per line) -> name -> settings."""
    found = {}
    for line in text.splitlines():
        settings = dict(
            item.split("=", 1) for item in line.split() if "=" in item and not item.startswith("=")
        )
        if "PartitionName" in settings:
            found[settings["PartitionName"]] = settings
    return found


def _partition(configs: list[NodeConfig], settings: dict[str, str]) -> Partition:
    smallest = min(configs, key=lambda c: (c.cpus, c.memory_mb, c.gpus))
    shared = settings.get("OverSubscribe", "NO").upper().startswith(("YES", "FORCE"))
    min_nodes = settings.get("MinNodes", "0")
    return Partition(
        name=smallest.partition,
        cpus_per_node=smallest.cpus,
        memory_mb=smallest.memory_mb,
        max_walltime_secs=max(c.time_limit_secs for c in configs),
        gpus_per_node=smallest.gpus,
        gpu_type=smallest.gpu_type,
        shared=shared,
        min_nodes=int(min_nodes) if min_nodes.isdigit() and int(min_nodes) > 1 else None,
    )


def partitions_from(
    sinfo_text: str, scontrol_text: str, *, skip_stdby: bool = False
) -> tuple[Partition, ...]:
    """The partitions, in ``sinfo``'s order; nodes without CPUs or memory are left out."""
    by_name: dict[str, list[NodeConfig]] = {}
    for row in parse_sinfo(sinfo_text):
        if skip_stdby and row.partition.endswith(STANDBY_SUFFIX):
            continue
        if row.cpus > 0 and row.memory_mb > 0 and row.time_limit_secs > 0:
            by_name.setdefault(row.partition, []).append(row)
    settings = parse_scontrol(scontrol_text)
    return tuple(_partition(rows, settings.get(name, {})) for name, rows in by_name.items())


def hostname_pattern(hostname: str) -> str:
    """A regex for this machine's siblings: ``login1.hpc.example.edu`` ->
    ``.*\\.hpc\\.example\\.edu``; a name without a domain: ``kl1`` -> ``kl\\d*``."""
    host, _, domain = hostname.partition(".")
    if domain:
        return r".*\." + re.escape(domain)
    return re.escape(host.rstrip("0123456789") or host) + r"\d*"


def cluster_name() -> str | None:
    """Slurm's ``ClusterName``, if ``scontrol show config`` gives one."""
    try:
        text = run_slurm("scontrol", "show", "config")
    except ClusterError:
        return None
    match = re.search(r"^ClusterName\s*=\s*(\S+)", text, re.MULTILINE)
    return match[1] if match else None


def profile_from_cluster(
    name: str | None = None,
    display_name: str | None = None,
    *,
    skip_stdby: bool = False,
    hostname: str | None = None,
) -> HpcProfile:
    """Query the cluster and build its profile (requires ``sinfo`` and ``scontrol``)."""
    sinfo_text = run_slurm("sinfo", "-h", "-e", "-o", SINFO_FORMAT)
    scontrol_text = run_slurm("scontrol", "show", "partition", "-o")
    partitions = partitions_from(sinfo_text, scontrol_text, skip_stdby=skip_stdby)
    if not partitions:
        raise ClusterError("sinfo lists no usable partitions on this cluster")
    hostname = hostname or qualified_hostname()
    name = name or cluster_name() or hostname.partition(".")[0]
    return HpcProfile(
        name=name,
        display_name=display_name or name.capitalize(),
        partitions=partitions,
        detect_hostname=hostname_pattern(hostname),
    )
