"""Who the user is: the login name, for workflow ownership and basic authentication."""

from __future__ import annotations

import getpass
import os


def login_name() -> str:
    """``$LOGNAME``/``$USER``/..., else the passwd entry of this process's user.

    A user with no passwd entry (some containers) is named by the numeric user ID, as
    ``ps`` shows it, rather than a made-up name that other users could share."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return str(os.getuid())
