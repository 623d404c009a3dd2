"""``torc admin``: server administration, i.e. reloading the password file and the worker
tokens that let job runners on other machines work on one workflow."""

from __future__ import annotations

from typing import Annotated

import typer

from torc.access import tokens
from torc.cli.common import CliError, cli, emit, emit_page
from torc.cli.groups import new_group

app = new_group()
TOKEN_COLUMNS = [
    "id",
    "workflow_id",
    "name",
    "created_by",
    "created_at",
    "expires_at",
    "revoked_at",
]


@app.command("reload-auth")
def reload_auth(ctx: typer.Context) -> None:
    """Re-read the server's htpasswd file, so added or changed users apply at once."""
    reply = cli(ctx).api.reload_auth()
    emit(ctx, reply, text=reply.message)


@app.command("create-token")
def create_token(
    ctx: typer.Context,
    workflow: Annotated[
        int, typer.Option("--workflow", "-w", help="The workflow the token may work on.")
    ],
    expires: Annotated[
        str,
        typer.Option("--expires", help="Lifetime: 30s, 15m, 12h, 7d, 2w or plain seconds."),
    ] = tokens.DEFAULT_EXPIRES,
    name: Annotated[str | None, typer.Option("--name", "-n", help="What the token is for.")] = None,
) -> None:
    """Mint a worker token for one workflow; its secret is printed once, alone on stdout."""
    try:
        token = tokens.mint(cli(ctx).api, workflow, expires=expires, name=name)
    except ValueError as exc:
        raise CliError(f"--expires: {exc}") from None
    if cli(ctx).json:
        emit(ctx, token)
        return
    typer.echo(token.token)
    typer.echo(
        f"Worker token {token.id} for workflow {token.workflow_id}, expires {token.expires_at}. "
        "It is shown only this once: keep it secret.\n"
        f"Use it with: TORC_TOKEN=<token> torc workflows run {token.workflow_id}",
        err=True,
    )


@app.command("list-tokens")
def list_tokens(
    ctx: typer.Context,
    workflow: Annotated[
        int | None, typer.Option("--workflow", "-w", help="Only this workflow's tokens.")
    ] = None,
) -> None:
    """List worker tokens (never their secrets)."""
    emit_page(ctx, tokens.all_tokens(cli(ctx).api, workflow), TOKEN_COLUMNS)


@app.command("revoke-token")
def revoke_token(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="ID of the token.")]
) -> None:
    """Revoke a worker token: requests carrying it are refused from now on."""
    token = cli(ctx).api.revoke_worker_token(token_id)
    emit(ctx, token, text=f"Revoked worker token {token_id}")
