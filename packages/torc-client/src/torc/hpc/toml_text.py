"""A profile as the TOML of ``[client.hpc.custom_profiles.<name>]`` (``torc hpc
generate``), so that it can be pasted into a configuration file and loads back with
:func:`torc.hpc.profiles.known_profiles`.

Written by hand because the standard library reads TOML but does not write it; the
values are only strings, integers and booleans, whose TOML spelling is simple.
"""

from __future__ import annotations

import json
import re

from torc.hpc.model import HpcProfile, Partition
from torc.hpc.units import format_memory, format_walltime

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else json.dumps(name)


def _value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def _partition_lines(table: str, partition: Partition) -> list[str]:
    lines = [f"[[{table}.partitions]]"]
    for key, value in partition.as_dict().items():
        if value is None or (key == "gpus_per_node" and value == 0):
            continue
        line = f"{key} = {_value(value)}"
        if key == "memory_mb":
            line += f"  # {format_memory(value)}"
        elif key == "max_walltime_secs":
            line += f"  # {format_walltime(value)}"
        lines.append(line)
    return lines


def profile_toml(profile: HpcProfile) -> str:
    table = f"client.hpc.custom_profiles.{_key(profile.name)}"
    lines = [f"[{table}]", f"display_name = {_value(profile.display_name)}"]
    for key in ("description", "detect_env_var", "detect_hostname", "default_account"):
        value = getattr(profile, key)
        if value is not None:
            lines.append(f"{key} = {_value(value)}")
    for partition in profile.partitions:
        lines += ["", *_partition_lines(table, partition)]
    return "\n".join(lines) + "\n"
