"""Layered configuration: built-in defaults < /etc/torc/config.toml < the user's
~/.config/torc/config.toml < ./torc.toml < ``TORC_<SECTION>__<KEY>`` variables < flags.

Flags are applied by the commands themselves; this module merges everything below them
and can say which file or variable set each value.
"""

from __future__ import annotations

import copy
import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_URL = "http://localhost:8080/torc-service/v1"
DEFAULTS: dict[str, Any] = {
    "client": {
        "api_url": DEFAULT_URL,
        "format": "table",
        "log_level": "info",
        "username": None,
        "ca_cert": None,
        "run": {
            "poll_interval": 5.0,
            "output_dir": "output",
            "max_parallel_jobs": None,
            "num_cpus": None,
            "memory_gb": None,
            "num_gpus": None,
            "job_cgroups": False,
        },
        "hpc": {"profile_overrides": {}, "custom_profiles": {}},
    },
    "server": {
        "log_level": "info",
        "https": False,
        "url": "127.0.0.1",
        "port": 8080,
        "threads": 8,
        "database": None,
        "auth_file": None,
        "require_auth": False,
        "enforce_access_control": False,
        "admin_users": [],
        "completion_check_interval_secs": 30.0,
        "logging": {"log_dir": None, "json_logs": False},
    },
    "dash": {
        "host": "127.0.0.1",
        "port": 8090,
        "api_url": DEFAULT_URL,
        "torc_bin": "torc",
        "torc_server_bin": "torc-server",
        "standalone": False,
        "server_port": 0,
        "database": None,
        "completion_check_interval_secs": 5,
    },
}
# Types for keys whose default is None (so environment strings can be converted).
NONE_DEFAULT_TYPES: dict[str, type] = {
    "client.username": str, "client.ca_cert": str, "client.run.max_parallel_jobs": int,
    "client.run.num_cpus": int, "client.run.memory_gb": float, "client.run.num_gpus": int,
    "server.database": str,
    "server.auth_file": str, "server.logging.log_dir": str, "dash.database": str,
}  # fmt: skip
FREE_FORM = ("client.hpc.profile_overrides", "client.hpc.custom_profiles")
ENV_PREFIX = "TORC_"


class ConfigError(ValueError):
    """A configuration file or variable is malformed; the message names it."""


def config_paths() -> list[tuple[str, Path]]:
    """The files merged, lowest precedence first; ``TORC_CONFIG`` replaces the user file."""
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = os.environ.get("TORC_CONFIG") or config_home / "torc" / "config.toml"
    return [
        ("system", Path("/etc/torc/config.toml")),
        ("user", Path(user)),
        ("local", Path.cwd() / "torc.toml"),
    ]


@dataclass
class Config:
    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    """Dotted key -> where its value came from (file path or variable name)."""

    def get(self, dotted: str) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            node = node[part]
        return node


def _walk(tree: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and dotted not in FREE_FORM:
            items += _walk(value, dotted + ".")
        else:
            items.append((dotted, value))
    return items


KNOWN = {dotted: value for dotted, value in _walk(DEFAULTS)}


def _expected_type(dotted: str) -> type | None:
    default = KNOWN[dotted]
    if default is None:
        return NONE_DEFAULT_TYPES.get(dotted)
    return type(default)


def _suggest(dotted: str) -> str:
    close = difflib.get_close_matches(dotted, list(KNOWN), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_value(dotted: str, value: Any, where: str) -> Any:
    if dotted not in KNOWN:
        raise ConfigError(f"{where}: unknown setting '{dotted}'{_suggest(dotted)}")
    expected = _expected_type(dotted)
    if value is None or expected is None:
        return value
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: '{dotted}' must be {expected.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def _assign(values: dict[str, Any], dotted: str, value: Any) -> None:
    node = values
    *parents, last = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _from_env_string(dotted: str, raw: str, name: str) -> Any:
    expected = _expected_type(dotted) or str
    try:
        if expected is bool:
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1", "yes")
        if expected is list:
            return [item.strip() for item in raw.split(",") if item.strip()]
        return expected(raw)
    except ValueError:
        raise ConfigError(f"{name}: '{raw}' is not a valid {expected.__name__}") from None


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    config = Config(copy.deepcopy(DEFAULTS))
    for _, path in config_paths():
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        for dotted, value in _walk(data):
            value = check_value(dotted, value, str(path))
            if dotted in FREE_FORM:  # tables of named entries (HPC profiles) add up by name
                for name in value:
                    config.sources[f"{dotted}.{name}"] = str(path)
                value = {**config.get(dotted), **value}
            _assign(config.values, dotted, value)
            config.sources[dotted] = str(path)
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        dotted = name[len(ENV_PREFIX) :].lower().replace("__", ".")
        if dotted not in KNOWN:
            raise ConfigError(f"{name}: unknown setting '{dotted}'{_suggest(dotted)}")
        _assign(config.values, dotted, _from_env_string(dotted, raw, name))
        config.sources[dotted] = name
    return config


def default_toml() -> str:
    """The defaults as a commented TOML file, for ``torc config init``."""
    lines = ["# torc configuration (see `torc config show` for the effective values)", ""]
    section = None
    for dotted, value in KNOWN.items():
        if dotted in FREE_FORM:
            continue
        head, key = dotted.rsplit(".", 1)
        if head != section:
            lines += ["", f"[{head}]"]
            section = head
        if value is None:
            lines.append(f"# {key} =")
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines).strip() + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)
