"""What every handler gets: settings, the database, the background unblocker, the
runner of asynchronous tasks and the authentication and access layers."""

from __future__ import annotations

from dataclasses import dataclass

from torc_server.auth.access import Guard
from torc_server.auth.credentials import Authenticator
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
    auth: Authenticator | None = None
    """The htpasswd users; None when authentication is off."""
    guard: Guard | None = None
    """The access rules; None when neither authentication nor access control is on."""
