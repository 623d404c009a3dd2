"""What ``torc-server run`` uses: flag or environment variable > config file > default.

The command line parser already merged flags with their environment variables (an option
nobody gave arrives as None), so this module only has to fill the gaps from the config
files and the defaults, to read the listen address the ways the manual writes it, and to
refuse combinations that would leave the server less protected than asked for.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from torc_server.config_files import ConfigError, ServerConfig
from torc_server.settings import DEFAULT_CREDENTIAL_CACHE_TTL

DEFAULT_HOST = "127.0.0.1"
"""Only this machine can connect unless the operator says otherwise (``--host``)."""
DEFAULTS: dict[str, Any] = {
    "port": 8080,
    "database": "torc.db",
    "threads": 8,
    "completion_check_interval_secs": 30.0,
    "logging.json_logs": False,
    "require_auth": False,
    "enforce_access_control": False,
    "admin_users": [],
    "credential_cache_ttl_secs": DEFAULT_CREDENTIAL_CACHE_TTL,
    "https": False,
}
BASE_PATH = "/torc-service/v1"
AUTH_FILE_HINT = "--auth-file FILE (or TORC_AUTH_FILE, or auth_file in the [server] section)"
TLS_FILES_HINT = "--tls-cert FILE and --tls-key FILE (or tls_cert and tls_key in [server])"


@dataclass(frozen=True)
class RunOptions:
    host: str
    port: int
    database: str
    threads: int
    completion_check_interval_secs: float
    log_dir: Path | None
    json_logs: bool
    auth_file: Path | None = None
    require_auth: bool = False
    enforce_access_control: bool = False
    admin_users: tuple[str, ...] = ()
    credential_cache_ttl_secs: float = DEFAULT_CREDENTIAL_CACHE_TTL
    tls: TlsFiles | None = None
    """The certificate and key when serving HTTPS, None for plain HTTP."""


class TlsFiles(NamedTuple):
    cert: Path
    key: Path


class Listen(NamedTuple):
    host: str
    port: int
    https: bool
    """Whether the address was an ``https://`` URL (which asks for TLS)."""


def listen_address(value: str) -> tuple[str, int | None, bool]:
    """``--host``/``--url`` as the manual uses them: a host name or address
    (``0.0.0.0``), or a URL ``http[s]://HOST[:PORT][/...]`` whose host is bound and whose
    port, if it has one, is used as ``--port``; the third item says whether it was https.
    Raises ValueError for what cannot be bound."""
    if "://" not in value:
        if not value.strip():
            raise ValueError("the listen address is empty")
        return value.strip(), None, False
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value}: expected a host, an address or http[s]://HOST[:PORT]")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{value}: the port is not a number from 0 to 65535") from None
    return parts.hostname, port, parts.scheme == "https"


def resolve(flags: dict[str, Any], files: ServerConfig) -> RunOptions:
    """Flags (None where not given) over the config files over the defaults. Raises
    ValueError (ConfigError for a file's value) naming the setting."""
    where = listen_on(flags, files)
    log_dir = _pick(flags, files, "logging.log_dir")
    auth_file = _path(_pick(flags, files, "auth_file"))
    require_auth = bool(_pick(flags, files, "require_auth"))
    check_auth(require_auth, auth_file)
    cache_ttl = float(_pick(flags, files, "credential_cache_ttl_secs"))
    if cache_ttl < 0:  # a file's value is checked when it is read
        raise ValueError(
            f"--credential-cache-ttl-secs must be at least 0 (0 turns the cache off), "
            f"got {cache_ttl:g}"
        )
    return RunOptions(
        host=where.host,
        port=where.port,
        database=_pick(flags, files, "database"),
        threads=_pick(flags, files, "threads"),
        completion_check_interval_secs=_pick(flags, files, "completion_check_interval_secs"),
        log_dir=_path(log_dir),
        json_logs=_pick(flags, files, "logging.json_logs"),
        auth_file=auth_file,
        require_auth=require_auth,
        enforce_access_control=bool(_pick(flags, files, "enforce_access_control")),
        admin_users=tuple(_pick(flags, files, "admin_users")),
        credential_cache_ttl_secs=cache_ttl,
        tls=tls_files(
            _https_asked_by(flags, files, where),
            cert=_path(_pick(flags, files, "tls_cert")),
            key=_path(_pick(flags, files, "tls_key")),
        ),
    )


def _https_asked_by(flags: dict[str, Any], files: ServerConfig, where: Listen) -> str | None:
    """What turned HTTPS on, as the error for missing files names it; None if nothing."""
    if flags.get("https"):
        return "--https"
    if where.https:
        url = flags.get("url")
        return f"--url {url}" if url is not None else files.where("url")
    if files.get("https"):
        return files.where("https")
    return None


def _pick(flags: dict[str, Any], files: ServerConfig, key: str) -> Any:
    for value in (flags.get(key), files.get(key)):
        if value is not None:
            return value
    return DEFAULTS.get(key)


def _path(value: str | Path | None) -> Path | None:
    """Absolute now, while the launch directory is current (a daemon changes to ``/``)."""
    return Path(value).expanduser().absolute() if value is not None else None


def check_auth(require_auth: bool, auth_file: Path | None) -> None:
    """Requiring credentials needs the users to check them against."""
    if require_auth and auth_file is None:
        raise ValueError(
            f"--require-auth needs {AUTH_FILE_HINT}: without a user list no request could be let in"
        )


def tls_files(asked_by: str | None, cert: Path | None, key: Path | None) -> TlsFiles | None:
    """HTTPS is on when asked for (``asked_by`` names how: ``--https``, an ``https://``
    URL, ``https = true``) or when both a certificate and its key are given; asking
    without both is a ValueError naming what asked."""
    if (cert is None) != (key is None):
        given, missing = ("--tls-cert", "--tls-key") if key is None else ("--tls-key", "--tls-cert")
        raise ValueError(f"{given} needs {missing} as well (a certificate and its private key)")
    if cert is None or key is None:
        if asked_by is not None:
            raise ValueError(f"{asked_by} needs {TLS_FILES_HINT}")
        return None
    return TlsFiles(cert, key)


def listen_on(flags: dict[str, Any], files: ServerConfig) -> Listen:
    """The host and port. A port inside a URL counts as a port given beside it."""
    flag_port = flags.get("port")
    if flags.get("url") is not None:
        host, url_port, https = listen_address(flags["url"])
        if url_port is not None and flag_port is not None and url_port != flag_port:
            raise ValueError(f"--url {flags['url']} and --port {flag_port} disagree on the port")
        return Listen(host, _first(flag_port, url_port, files.get("port"), DEFAULTS["port"]), https)
    if files.get("url") is not None:
        try:
            host, url_port, https = listen_address(files.get("url"))
        except ValueError as exc:
            raise ConfigError(f"{files.where('url')}: {exc}") from None
        return Listen(host, _first(flag_port, files.get("port"), url_port, DEFAULTS["port"]), https)
    return Listen(DEFAULT_HOST, _first(flag_port, files.get("port"), DEFAULTS["port"]), False)


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


def client_url(bound_host: str, port: int, https: bool = False) -> str:
    """The API URL to give clients: a wildcard address is reached by this host's name."""
    wildcard = bound_host in ("0.0.0.0", "::")
    host = socket.gethostname() if wildcard else bound_host
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if https else 'http'}://{host}:{port}{BASE_PATH}"


def parse_admin_users(text: str) -> list[str]:
    """``alice,bob`` (spaces allowed) as TORC_ADMIN_USERS writes the list."""
    return [name.strip() for name in text.split(",") if name.strip()]
