"""What every handler gets: settings, the database and the background unblocker."""

from __future__ import annotations

from dataclasses import dataclass

from torc_server.db.engine import Database
from torc_server.unblocker import Unblocker


@dataclass
class Settings:
    database: str = "torc.db"
    completion_check_interval_secs: float = 30.0
    threads: int = 8
    max_request_body_mb: int = 100


@dataclass
class ServerContext:
    settings: Settings
    db: Database
    unblocker: Unblocker
