"""The server's settings, kept free of the web and database stacks: the command line
builds them, and reports a bad one, before those load."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from torc_server.snapshot import DEFAULT_KEEP, DEFAULT_PATH, SnapshotPolicy

DEFAULT_RUNNER_TIMEOUT = 120.0
"""Seconds of silence after which a job runner is dead (TORC_RUNNER_TIMEOUT_SECS)."""
DEFAULT_CREDENTIAL_CACHE_TTL = 60.0
DEFAULT_BULK_BODY_MB = 200
"""TORC_MAX_REQUEST_BODY_MB default: bulk uploads of ~100,000 jobs fit."""


@dataclass
class Settings:
    database: str = "torc.db"
    completion_check_interval_secs: float = 30.0
    threads: int = 8
    max_request_body_mb: int = DEFAULT_BULK_BODY_MB
    """Body limit of the bulk endpoints (POST /bulk_jobs, /bulk_files, /bulk_user_data)."""
    snapshot: SnapshotPolicy = field(default_factory=SnapshotPolicy)
    runner_timeout_secs: float = DEFAULT_RUNNER_TIMEOUT
    """A job runner not heard from for this long is dead (TORC_RUNNER_TIMEOUT_SECS)."""
    auth_file: Path | None = None
    """htpasswd file of users; None disables authentication (every request is anonymous)."""
    require_auth: bool = False
    """With ``auth_file``: refuse requests without valid credentials (else they run anonymously)."""
    enforce_access_control: bool = False
    """Owner-or-group rule on every workflow-scoped operation; the admin group's powers."""
    admin_users: tuple[str, ...] = ()
    """Members of the system ``admin`` group, synced at every start."""
    credential_cache_ttl_secs: float = DEFAULT_CREDENTIAL_CACHE_TTL
    """Seconds a successful password check is remembered; 0 checks every request."""
    tls_cert: Path | None = None
    """PEM certificate (chain) served over HTTPS; None serves plain HTTP."""
    tls_key: Path | None = None
    """PEM private key of ``tls_cert``."""

    def with_environment(self, environ: Mapping[str, str] = os.environ) -> Settings:
        """These settings plus the environment-only knobs; raises ValueError naming a bad
        one. A relative snapshot path resolves against the current (launch) directory
        here, before a daemon changes to ``/``."""
        path = Path(environ.get("TORC_SERVER_SNAPSHOT_PATH") or DEFAULT_PATH)
        keep = positive_int(environ, "TORC_SERVER_SNAPSHOT_KEEP", DEFAULT_KEEP)
        body_mb = positive_int(environ, "TORC_MAX_REQUEST_BODY_MB", DEFAULT_BULK_BODY_MB)
        snapshot = SnapshotPolicy(path.expanduser().absolute(), keep)
        runner_timeout = positive_int(
            environ, "TORC_RUNNER_TIMEOUT_SECS", int(DEFAULT_RUNNER_TIMEOUT)
        )
        return replace(
            self,
            max_request_body_mb=body_mb,
            snapshot=snapshot,
            runner_timeout_secs=runner_timeout,
        )


def positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name}={raw!r} must be a whole number of at least 1")
    return int(raw)
