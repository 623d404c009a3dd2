"""What every handler gets: settings, the database, the background unblocker and the
runner of asynchronous tasks."""

from __future__ import annotations

from dataclasses import dataclass

from torc_server.db.engine import Database
from torc_server.settings import Settings
from torc_server.tasks import TaskRunner
from torc_server.unblocker import Unblocker

__all__ = ["ServerContext", "Settings"]


@dataclass
class ServerContext:
    settings: Settings
    db: Database
    unblocker: Unblocker
    tasks: TaskRunner
