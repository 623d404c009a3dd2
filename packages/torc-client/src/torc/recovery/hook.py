"""Running a ``--recovery-hook``: a shell command given the workflow ID as its last
argument and as ``TORC_WORKFLOW_ID`` (``bash fix.sh`` runs as ``bash fix.sh 42``)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys


class HookError(Exception):
    """The hook could not run or exited non-zero; recovery stops."""


def hook_command(command: str, workflow_id: int) -> str:
    return f"{command} {shlex.quote(str(workflow_id))}"


def run_hook(
    command: str, workflow_id: int, *, api_url: str | None = None, to_stderr: bool = False
) -> None:
    """Run the hook in the current directory, its output passed through (``to_stderr``:
    its stdout goes to stderr, e.g. when stdout carries JSON); raises :class:`HookError`
    unless it exits 0. ``api_url`` is exported as ``TORC_API_URL`` so that ``torc``
    commands in the hook reach the same server."""
    env = {**os.environ, "TORC_WORKFLOW_ID": str(workflow_id)}
    if api_url:
        env["TORC_API_URL"] = api_url
    full = hook_command(command, workflow_id)
    try:
        stdout = sys.stderr if to_stderr else None
        finished = subprocess.run(full, shell=True, env=env, check=False, stdout=stdout)
    except OSError as exc:
        raise HookError(f"recovery hook {full!r} could not run: {exc}") from None
    if finished.returncode != 0:
        raise HookError(
            f"recovery hook {full!r} failed with exit code {finished.returncode}; "
            "recovery stopped: no job was reset"
        )
