"""Resource limits for running jobs on the local machine (tag ``local_schedulers``)."""

from __future__ import annotations

import torc_models as m
from torc_server import crud
from torc_server.crud_routes import register_crud
from torc_server.errors import Unprocessable
from torc_server.resources import T, local_schedulers
from torc_server.units import memory_bytes

LOCAL = T["local_scheduler"]


def checked(body: m.LocalSchedulerModel) -> m.LocalSchedulerModel:
    if body.memory is not None:
        memory_bytes(body.memory)
    if body.num_cpus is not None and body.num_cpus < 1:
        raise Unprocessable(f"num_cpus must be at least 1, got {body.num_cpus}")
    return body


register_crud(
    local_schedulers,
    create="create_local_scheduler",
    get="get_local_scheduler",
    update="update_local_scheduler",
    delete="delete_local_scheduler",
    delete_all="delete_local_schedulers",
    list_="list_local_schedulers",
    check=checked,
    where=lambda memory, num_cpus: crud.filters(LOCAL, memory=memory, num_cpus=num_cpus),
)
