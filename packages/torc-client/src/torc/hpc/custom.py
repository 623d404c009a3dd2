"""Custom profiles and overrides from ``[client.hpc]`` of the configuration files.

The configuration loader keeps these tables free-form, so they are checked here, key by
key: a typo or a wrong type is reported with the file and the full dotted key (for
example ``.../config.toml: client.hpc.custom_profiles.research.partitions[2].memory_mb
must be an integer, got str '192 GB'``) rather than surfacing later as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from torc.config import Config
from torc.hpc.model import HpcProfile, Partition, ProfileError

CUSTOM_KEY = "client.hpc.custom_profiles"
OVERRIDES_KEY = "client.hpc.profile_overrides"

PROFILE_KEYS: dict[str, type] = {
    "display_name": str,
    "description": str,
    "detect_env_var": str,
    "detect_hostname": str,
    "default_account": str,
    "partitions": list,
}
PARTITION_KEYS: dict[str, type] = {
    "name": str,
    "cpus_per_node": int,
    "memory_mb": int,
    "max_walltime_secs": int,
    "gpus_per_node": int,
    "gpu_type": str,
    "gpu_memory_gb": int,
    "shared": bool,
    "min_nodes": int,
    "requires_explicit_request": bool,
    "description": str,
}
REQUIRED_PARTITION_KEYS = ("name", "cpus_per_node", "memory_mb", "max_walltime_secs")
POSITIVE_KEYS = ("cpus_per_node", "memory_mb", "max_walltime_secs", "min_nodes")
OVERRIDE_KEYS: dict[str, type] = {"default_account": str}
TYPE_NAMES = {str: "a string", int: "an integer", bool: "a boolean", list: "an array"}


def _tables(config: Config, dotted: str) -> Mapping[str, Any]:
    """The free-form table at ``dotted``; empty when the configuration has none."""
    try:
        value = config.get(dotted)
    except (KeyError, TypeError):
        return {}
    return value if isinstance(value, Mapping) else {}


def _where(config: Config, dotted: str) -> str:
    return config.sources.get(dotted) or config.sources.get(CUSTOM_KEY) or "configuration"


def _check_table(table: Any, schema: Mapping[str, type], where: str, dotted: str) -> dict[str, Any]:
    """The table with each key known and of its type; else a ProfileError naming it."""
    if not isinstance(table, Mapping):
        raise ProfileError(f"{where}: {dotted} must be a table, got {type(table).__name__}")
    for key, value in table.items():
        if key not in schema:
            known = ", ".join(schema)
            raise ProfileError(f"{where}: unknown key {dotted}.{key} (known keys: {known})")
        expected = schema[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ProfileError(
                f"{where}: {dotted}.{key} must be {TYPE_NAMES[expected]}, "
                f"got {type(value).__name__} {value!r}"
            )
    return dict(table)


def _partition(table: Any, where: str, dotted: str) -> Partition:
    values = _check_table(table, PARTITION_KEYS, where, dotted)
    for key in REQUIRED_PARTITION_KEYS:
        if key not in values:
            raise ProfileError(f"{where}: {dotted} lacks the required key '{key}'")
    for key in POSITIVE_KEYS:
        if key in values and values[key] <= 0:
            raise ProfileError(f"{where}: {dotted}.{key} must be positive, got {values[key]}")
    for key in ("gpus_per_node", "gpu_memory_gb"):
        if values.get(key, 0) < 0:
            raise ProfileError(f"{where}: {dotted}.{key} must not be negative")
    return Partition(**values)


def _profile(name: str, table: Any, where: str) -> HpcProfile:
    dotted = f"{CUSTOM_KEY}.{name}"
    values = _check_table(table, PROFILE_KEYS, where, dotted)
    if "partitions" not in values:
        raise ProfileError(
            f"{where}: {dotted} has no partitions (add [[{dotted}.partitions]] tables)"
        )
    partitions = tuple(
        _partition(item, where, f"{dotted}.partitions[{index}]")
        for index, item in enumerate(values.pop("partitions"), start=1)
    )
    names = [p.name for p in partitions]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ProfileError(f"{where}: {dotted} defines partition {duplicates[0]!r} twice")
    env_var = values.get("detect_env_var")
    if env_var is not None and ("=" not in env_var or env_var.startswith("=")):
        raise ProfileError(
            f"{where}: {dotted}.detect_env_var must look like NAME=value, got {env_var!r}"
        )
    pattern = values.get("detect_hostname")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(
                f"{where}: {dotted}.detect_hostname is not a valid regular expression "
                f"({exc}): {pattern!r}"
            ) from None
    values.setdefault("display_name", name)
    return HpcProfile(name=name, partitions=partitions, **values)


def custom_profiles(config: Config) -> list[HpcProfile]:
    """The profiles of ``[client.hpc.custom_profiles]``, in the order the files give them."""
    tables = _tables(config, CUSTOM_KEY)
    return [
        _profile(name, table, _where(config, f"{CUSTOM_KEY}.{name}"))
        for name, table in tables.items()
    ]


def apply_overrides(profiles: list[HpcProfile], config: Config) -> list[HpcProfile]:
    """``[client.hpc.profile_overrides.<name>]`` applied (only ``default_account`` exists).

    An override of a profile that does not exist is an error: it is almost always a typo
    and would otherwise be silently ignored.
    """
    overrides = _tables(config, OVERRIDES_KEY)
    by_name = {p.name: p for p in profiles}
    for name, table in overrides.items():
        dotted = f"{OVERRIDES_KEY}.{name}"
        where = config.sources.get(dotted) or config.sources.get(OVERRIDES_KEY) or "configuration"
        values = _check_table(table, OVERRIDE_KEYS, where, dotted)
        if name not in by_name:
            known = ", ".join(by_name)
            raise ProfileError(f"{where}: {dotted} overrides unknown profile (known: {known})")
        by_name[name] = replace(by_name[name], **values)
    return list(by_name.values())
