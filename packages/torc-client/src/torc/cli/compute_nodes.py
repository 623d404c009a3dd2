"""``torc compute-nodes``: the job runners that served a workflow and what they offered."""

from __future__ import annotations

from typing import Annotated

import typer

from torc.api import TorcApi
from torc.cli.groups import new_group
from torc.cli.records import add_get, add_list

app = new_group()
COLUMNS = ["id", "hostname", "compute_node_type", "num_cpus", "memory_gb", "num_gpus"]
COLUMNS += ["is_active", "start_time", "duration_seconds"]

add_get(app, "compute node", TorcApi.get_compute_node)


add_list(
    app,
    TorcApi.list_compute_nodes,
    key="compute_nodes",
    columns=COLUMNS,
    doc="List compute nodes for a workflow.",
    paging="short",
    filters={
        "scheduled_compute_node_id": (
            Annotated[
                int | None,
                typer.Option(
                    "--scheduled-compute-node", help="Only nodes of this scheduled compute node."
                ),
            ],
            None,
        )
    },
)
