"""What ``torc-server run`` uses: flag or environment variable > config file > default.

The command line parser already merged flags with their ``TORC_SERVER__*`` variables (an
option nobody gave arrives as None), so this module only has to fill the gaps from the
config files and the defaults, and to read the listen address the ways the manual writes it.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from torc_server.config_files import ConfigError, ServerConfig

DEFAULT_HOST = "127.0.0.1"
"""Only this machine can connect unless the operator says otherwise (``--host``)."""
DEFAULTS: dict[str, Any] = {
    "port": 8080,
    "database": "torc.db",
    "threads": 8,
    "completion_check_interval_secs": 30.0,
    "logging.json_logs": False,
}
BASE_PATH = "/torc-service/v1"


@dataclass(frozen=True)
class RunOptions:
    host: str
    port: int
    database: str
    threads: int
    completion_check_interval_secs: float
    log_dir: Path | None
    json_logs: bool


def listen_address(value: str) -> tuple[str, int | None]:
    """``--host``/``--url`` as the manual uses them: a host name or address
    (``0.0.0.0``), or a URL ``http://HOST[:PORT][/...]`` whose host is bound and whose
    port, if it has one, is used as ``--port``. Raises ValueError for what cannot be bound."""
    if "://" not in value:
        if not value.strip():
            raise ValueError("the listen address is empty")
        return value.strip(), None
    parts = urlsplit(value)
    if parts.scheme == "https":
        raise ValueError(f"{value}: TLS is not supported yet; serve http:// behind a reverse proxy")
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"{value}: expected a host, an address or http://HOST[:PORT]")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{value}: the port is not a number from 0 to 65535") from None
    return parts.hostname, port


def resolve(flags: dict[str, Any], files: ServerConfig) -> RunOptions:
    """Flags (None where not given) over the config files over the defaults. Raises
    ValueError (ConfigError for a file's value) naming the setting."""
    host, port = listen_on(flags, files)
    log_dir = _pick(flags, files, "logging.log_dir")
    return RunOptions(
        host=host,
        port=port,
        database=_pick(flags, files, "database"),
        threads=_pick(flags, files, "threads"),
        completion_check_interval_secs=_pick(flags, files, "completion_check_interval_secs"),
        log_dir=Path(log_dir).expanduser().absolute() if log_dir is not None else None,
        json_logs=_pick(flags, files, "logging.json_logs"),
    )


def _pick(flags: dict[str, Any], files: ServerConfig, key: str) -> Any:
    for value in (flags.get(key), files.get(key)):
        if value is not None:
            return value
    return DEFAULTS.get(key)


def listen_on(flags: dict[str, Any], files: ServerConfig) -> tuple[str, int]:
    """The host and port. A port inside a URL counts as a port given beside it."""
    flag_port = flags.get("port")
    if flags.get("url") is not None:
        host, url_port = listen_address(flags["url"])
        if url_port is not None and flag_port is not None and url_port != flag_port:
            raise ValueError(f"--url {flags['url']} and --port {flag_port} disagree on the port")
        return host, _first(flag_port, url_port, files.get("port"), DEFAULTS["port"])
    if files.get("url") is not None:
        try:
            host, url_port = listen_address(files.get("url"))
        except ValueError as exc:
            raise ConfigError(f"{files.where('url')}: {exc}") from None
        return host, _first(flag_port, files.get("port"), url_port, DEFAULTS["port"])
    return DEFAULT_HOST, _first(flag_port, files.get("port"), DEFAULTS["port"])


def _first(*values: int | None) -> int:
    return next(value for value in values if value is not None)


def is_loopback(address: str) -> bool:
    """Whether an address (or the name ``localhost``) is reachable only from this host."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def client_url(bound_host: str, port: int) -> str:
    """The API URL to give clients: a wildcard address is reached by this host's name."""
    wildcard = bound_host in ("0.0.0.0", "::")
    host = socket.gethostname() if wildcard else bound_host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{BASE_PATH}"
