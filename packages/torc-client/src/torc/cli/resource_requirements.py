"""``torc resource-requirements``: named CPU, GPU, node, memory and runtime needs that
jobs refer to (every workflow has a "default" one)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import choose_workflow, cli, emit
from torc.cli.groups import new_group
from torc.cli.records import (
    NewName,
    WorkflowIdArg,
    add_delete,
    add_get,
    add_list,
    add_update,
    created_text,
)

app = new_group()
COLUMNS = ["id", "name", "num_cpus", "num_gpus", "num_nodes", "memory", "runtime"]
Cpus = Annotated[int, typer.Option("--num-cpus", help="Number of CPUs.")]
Gpus = Annotated[int, typer.Option("--num-gpus", help="Number of GPUs.")]
Nodes = Annotated[int, typer.Option("--num-nodes", help="Number of nodes.")]


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the resource requirements.")],
    workflow_id: WorkflowIdArg = None,
    num_cpus: Cpus = 1,
    num_gpus: Gpus = 0,
    num_nodes: Nodes = 1,
    memory: Annotated[
        str, typer.Option("--memory", "-m", help='Amount of memory, e.g. "20g".')
    ] = "1m",
    runtime: Annotated[
        str,
        typer.Option("--runtime", "-r", help='Maximum runtime, ISO 8601 duration (e.g. "P0DT1H").'),
    ] = "P0DT1M",
) -> None:
    """Create new resource requirements."""
    model = m.ResourceRequirementsModel(
        workflow_id=choose_workflow(ctx, workflow_id),
        name=name,
        num_cpus=num_cpus,
        num_gpus=num_gpus,
        num_nodes=num_nodes,
        memory=memory,
        runtime=runtime,
    )
    record = cli(ctx).api.create_resource_requirements(model)
    fields = [("ID", "id"), ("Workflow ID", "workflow_id"), ("Name", "name")]
    emit(ctx, record, text=created_text("created resource requirements", record, fields))


add_list(
    app,
    TorcApi.list_resource_requirements,
    key="resource_requirements",
    columns=COLUMNS,
    doc="List resource requirements.",
)
add_get(app, "resource requirement", TorcApi.get_resource_requirements)


def _count(option: str, what: str) -> Any:
    return Annotated[int | None, typer.Option(option, help=f"Number of {what}.")]


add_update(
    app,
    "resource requirement",
    TorcApi.get_resource_requirements,
    TorcApi.update_resource_requirements,
    {
        "name": (NewName, None),
        "num_cpus": (_count("--num-cpus", "CPUs"), None),
        "num_gpus": (_count("--num-gpus", "GPUs"), None),
        "num_nodes": (_count("--num-nodes", "nodes"), None),
        "memory": (Annotated[str | None, typer.Option("--memory", help='e.g. "20g".')], None),
        "runtime": (
            Annotated[str | None, typer.Option("--runtime", help='ISO 8601, e.g. "PT1H".')],
            None,
        ),
    },
)
add_delete(app, "resource requirement", TorcApi.delete_resource_requirement)
