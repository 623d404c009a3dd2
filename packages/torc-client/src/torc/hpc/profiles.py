"""The known HPC profiles (built-in plus the configuration's custom ones), lookup by name
and detection of the cluster this process runs on.

Custom profiles come after the built-in ones and replace a built-in of the same name, so
a site can correct a built-in profile without waiting for a release. Detection prefers
an environment-variable match to a hostname match (the variable is set on purpose, a
hostname pattern may be loose) and a custom profile to a built-in one.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Mapping

from torc.config import Config, load_config
from torc.hpc.custom import apply_overrides, custom_profiles
from torc.hpc.kestrel import kestrel_profile
from torc.hpc.model import HpcProfile, Partition, ProfileError

__all__ = [
    "HpcProfile",
    "Partition",
    "ProfileError",
    "builtin_profiles",
    "detect_profile",
    "get_profile",
    "hostnames",
    "known_profiles",
    "matches_env",
    "matches_hostname",
    "qualified_hostname",
]


def builtin_profiles() -> list[HpcProfile]:
    return [kestrel_profile()]


def known_profiles(config: Config | None = None) -> list[HpcProfile]:
    """Built-in profiles, then custom ones (replacing built-ins of the same name), with
    the overrides applied. Raises :class:`ProfileError` or ``ConfigError`` (both
    ``ValueError``) naming the file and key of a malformed entry."""
    config = load_config() if config is None else config
    by_name = {p.name: p for p in builtin_profiles()}
    for profile in custom_profiles(config):
        by_name.pop(profile.name, None)
        by_name[profile.name] = profile
    return apply_overrides(list(by_name.values()), config)


def get_profile(name: str, config: Config | None = None) -> HpcProfile:
    profiles = known_profiles(config)
    for profile in profiles:
        if profile.name == name:
            return profile
    known = ", ".join(p.name for p in profiles)
    raise ProfileError(
        f"unknown HPC profile '{name}' (known profiles: {known}); "
        "custom profiles go in [client.hpc.custom_profiles.<name>] of the configuration"
    )


def matches_env(profile: HpcProfile, environ: Mapping[str, str]) -> bool:
    if not profile.detect_env_var:
        return False
    name, _, value = profile.detect_env_var.partition("=")
    return environ.get(name.strip()) == value.strip()


def qualified_hostname() -> str:
    """This machine's fully qualified name when the resolver knows one, else its short
    name (``getfqdn`` alone may answer ``localhost``)."""
    short = socket.gethostname()
    fqdn = socket.getfqdn()
    same_host = fqdn.partition(".")[0] == short.partition(".")[0]
    return fqdn if same_host and "." in fqdn else short


def hostnames() -> list[str]:
    """This machine's names for detection: the short one and the qualified one."""
    names = [socket.gethostname()]
    qualified = qualified_hostname()
    if qualified not in names:
        names.append(qualified)
    return names


def matches_hostname(profile: HpcProfile, names: list[str]) -> bool:
    """Whether the profile's pattern matches one of the names in full."""
    if not profile.detect_hostname:
        return False
    pattern = re.compile(profile.detect_hostname)
    return any(pattern.fullmatch(name) for name in names)


def detect_profile(
    config: Config | None = None,
    environ: Mapping[str, str] = os.environ,
    hostname: str | None = None,
) -> HpcProfile | None:
    """The profile of the current system, or ``None``. ``hostname`` replaces this
    machine's names (for tests and for asking about another machine)."""
    profiles = known_profiles(config)
    ordered = sorted(profiles, key=lambda p: p.name in {b.name for b in builtin_profiles()})
    for profile in ordered:
        if matches_env(profile, environ):
            return profile
    if not any(p.detect_hostname for p in ordered):
        return None
    names = [hostname] if hostname is not None else hostnames()
    for profile in ordered:
        if matches_hostname(profile, names):
            return profile
    return None


def detected_names(
    profiles: list[HpcProfile],
    environ: Mapping[str, str] = os.environ,
    names: Callable[[], list[str]] = hostnames,
) -> set[str]:
    """The names of every profile that matches this system (the ``Detected`` column)."""
    found = {p.name for p in profiles if matches_env(p, environ)}
    with_pattern = [p for p in profiles if p.detect_hostname and p.name not in found]
    if with_pattern:
        machine = names()
        found |= {p.name for p in with_pattern if matches_hostname(p, machine)}
    return found
