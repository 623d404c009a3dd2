"""``torc ping``: is the server up, and do my credentials get me in?"""

from __future__ import annotations

import json

import typer

from torc.cli.common import cli


def ping(ctx: typer.Context) -> None:
    """Check that the server answers (and accepts the credentials given)."""
    reply = cli(ctx).api.ping()
    typer.echo(json.dumps(reply.model_dump(mode="json", exclude_none=True)))
