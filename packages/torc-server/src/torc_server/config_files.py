"""The ``[server]`` and ``[server.logging]`` sections of torc's layered configuration files.

``torc config`` (in torc-client) writes these files. The server reads them itself with
tomllib because it does not depend on the client; the layering is the client's:
/etc/torc/config.toml < $XDG_CONFIG_HOME/torc/config.toml (default ~/.config) <
./torc.toml, a later file winning key by key. Flags and their environment variables beat
every file; ``torc-server run`` applies them. Other sections belong to other programs and
are left alone.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torc_server.logs import parse_level

SETTINGS: dict[str, type] = {
    "url": str,
    "port": int,
    "threads": int,
    "database": str,
    "completion_check_interval_secs": float,
    "log_level": str,
    "https": bool,
    "tls_cert": str,
    "tls_key": str,
    "auth_file": str,
    "require_auth": bool,
    "enforce_access_control": bool,
    "admin_users": list,
    "credential_cache_ttl_secs": float,
    "logging.log_dir": str,
    "logging.json_logs": bool,
}
"""Every key of the ``[server]`` section (dotted below it) and its TOML type; an int is
accepted where a float is expected."""


class ConfigError(ValueError):
    """A configuration file or variable the server cannot use; the message names it."""


def config_paths(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """The files ``torc config`` writes, lowest precedence first."""
    config_home = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [
        Path("/etc/torc/config.toml"),
        config_home / "torc" / "config.toml",
        Path.cwd() / "torc.toml",
    ]


@dataclass
class ServerConfig:
    """The merged ``[server]`` settings and the file each one came from."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """The value of a dotted key below ``[server]``, or None when no file sets it."""
        return self.values.get(key)

    def where(self, key: str) -> str:
        return f"server.{key} in {self.sources[key]}"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in table.items():
        if isinstance(value, Mapping):
            items += _flatten(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _checked(key: str, value: Any, path: Path) -> Any:
    if key not in SETTINGS:
        close = difflib.get_close_matches(key, list(SETTINGS), n=1)
        hint = f" (did you mean 'server.{close[0]}'?)" if close else ""
        raise ConfigError(f"{path}: unknown setting 'server.{key}'{hint}")
    expected = SETTINGS[key]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(
            f"{path}: 'server.{key}' must be {expected.__name__}, "
            f"got {type(value).__name__} {value!r}"
        )
    return value


def _check_range(config: ServerConfig) -> None:
    checks = (
        ("port", lambda v: 0 <= v <= 65535, "a port from 0 to 65535"),
        ("threads", lambda v: v >= 1, "at least 1"),
        ("completion_check_interval_secs", lambda v: v >= 0.01, "at least 0.01"),
        ("credential_cache_ttl_secs", lambda v: v >= 0, "at least 0 (0 turns the cache off)"),
        ("admin_users", _names, 'a list of user names, like ["alice", "bob"]'),
        ("log_level", lambda v: parse_level(v) is not None, "error, warn, info, debug or trace"),
    )
    for key, ok, expected in checks:
        value = config.get(key)
        if value is not None and not ok(value):
            raise ConfigError(f"{config.where(key)} must be {expected}, got {value!r}")


def _names(value: list[Any]) -> bool:
    return all(isinstance(name, str) and name.strip() for name in value)


def load(paths: list[Path] | None = None) -> ServerConfig:
    """Merge the ``[server]`` section of every existing file; raises ConfigError naming the
    file and key of the first problem."""
    config = ServerConfig()
    for path in config_paths() if paths is None else paths:
        try:
            text = path.read_text()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
        try:
            section = tomllib.loads(text).get("server", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        if not isinstance(section, Mapping):
            raise ConfigError(f"{path}: 'server' must be a table ([server])")
        for key, value in _flatten(section):
            config.values[key] = _checked(key, value, path)
            config.sources[key] = str(path)
    _check_range(config)
    return config
