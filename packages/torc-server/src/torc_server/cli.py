"""``torc-server``: run the REST server."""

from __future__ import annotations

import logging
import os
import socket
from typing import Annotated

import typer
import uvicorn

from torc_server.app import create_app
from torc_server.context import Settings

app = typer.Typer(help="The torc REST server.", no_args_is_help=True, add_completion=False)


@app.callback()
def _group() -> None:
    """The torc REST server: all workflow state and the job lifecycle."""


def _bind(host: str, port: int) -> socket.socket:
    """Bind before serving so that ``--port 0`` can report the port the OS picked."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections queue until uvicorn starts accepting
    return sock


@app.command()
def run(
    host: Annotated[str, typer.Option("--host", "-u", help="Address to listen on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option("--port", "-p", help="Port (0 picks a free one).")] = 8080,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "-d",
            help="SQLite file, ':memory:' or postgresql:// URL [default: $DATABASE_URL, ./torc.db]",
        ),
    ] = None,
    completion_check_interval_secs: Annotated[
        float, typer.Option(help="Seconds between background passes over finished jobs.")
    ] = 30.0,
    threads: Annotated[int, typer.Option(help="Database connections and worker threads.")] = 8,
    log_level: Annotated[str, typer.Option(help="error, warn, info, debug or trace.")] = "info",
) -> None:
    """Serve the API; prints ``TORC_SERVER_PORT=<port>`` once listening."""
    level = {"warn": "warning", "trace": "debug"}.get(log_level.lower(), log_level.lower())
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    try:
        sock = _bind(host, port)
    except OSError as exc:
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    print(f"TORC_SERVER_PORT={sock.getsockname()[1]}", flush=True)
    settings = Settings(
        database=database or os.environ.get("DATABASE_URL") or "torc.db",
        completion_check_interval_secs=completion_check_interval_secs,
        threads=threads,
    )
    config = uvicorn.Config(create_app(settings), log_level=level, access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def main() -> None:
    app(prog_name="torc-server")


if __name__ == "__main__":
    main()
