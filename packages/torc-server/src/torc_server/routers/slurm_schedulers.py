"""Slurm allocation settings used to launch job runners (tag ``slurm_schedulers``)."""

from __future__ import annotations

import re

import torc_models as m
from torc_server.crud_routes import register_crud
from torc_server.errors import Unprocessable
from torc_server.resources import slurm_schedulers

WALLTIME = re.compile(r"^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|UNLIMITED|INFINITE)$", re.IGNORECASE)
"""The time formats sbatch accepts: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S."""


def checked(body: m.SlurmSchedulerModel) -> m.SlurmSchedulerModel:
    if not WALLTIME.match(body.walltime):
        raise Unprocessable(
            f"invalid walltime {body.walltime!r}: use HH:MM:SS or D-HH:MM:SS (e.g. 04:00:00)"
        )
    if body.nodes < 1:
        raise Unprocessable(f"nodes must be at least 1, got {body.nodes}")
    if body.ntasks_per_node is not None and body.ntasks_per_node < 1:
        raise Unprocessable(f"ntasks_per_node must be at least 1, got {body.ntasks_per_node}")
    return body


register_crud(
    slurm_schedulers,
    create="create_slurm_scheduler",
    get="get_slurm_scheduler",
    update="update_slurm_scheduler",
    delete="delete_slurm_scheduler",
    delete_all="delete_slurm_schedulers",
    list_="list_slurm_schedulers",
    check=checked,
)
