"""``torc slurm create | update | list | get | delete``: a workflow's Slurm scheduler
records (the sbatch settings of its allocations: account, partition, nodes, walltime...).

The short flags are the seed's, which differ between create and update: ``create`` has
``-n`` = ``--name`` and ``-N`` = ``--nodes``, ``update`` the reverse, and only ``create``
has ``-W`` for ``--walltime``. Values are checked here, before the server sees them: a
walltime in a format sbatch takes, memory and scratch sizes as sbatch writes them, extra
options that split like a shell command line. In ``update`` an empty value clears an
optional field (``--gres ''``).
"""

from __future__ import annotations

import re
import shlex
from typing import Annotated, Any

import typer

import torc_models as m
from torc.api import TorcApi
from torc.cli.common import CliError, choose_workflow, cli, emit
from torc.cli.groups import new_group
from torc.cli.records import WorkflowIdArg, add_delete, add_get, add_list, created_text
from torc.spec.checks import walltime_seconds

COLUMNS = ["id", "name", "account", "partition", "nodes", "walltime", "mem", "gres", "qos"]
COLUMNS += ["tmp", "ntasks_per_node", "extra"]
FIELDS = [("ID", "id"), ("Workflow ID", "workflow_id"), ("Name", "name"), ("Account", "account")]
FIELDS += [("Nodes", "nodes"), ("Walltime", "walltime")]
SIZE = re.compile(r"^\d+[KMGT]?$", re.IGNORECASE)
OPTIONAL = ("gres", "mem", "partition", "qos", "tmp", "extra")
"""Fields an empty value clears in ``update``."""

Account = Annotated[str, typer.Option("--account", "-a", help="HPC account.")]
Gres = Annotated[
    str | None,
    typer.Option(
        "--gres", "-g", help="Request nodes that have at least this number of GPUs. Ex: 'gpu:2'"
    ),
]
Mem = Annotated[
    str | None,
    typer.Option(
        "--mem", "-m", help="Request nodes that have at least this amount of memory. Ex: '180G'"
    ),
]
Qos = Annotated[str | None, typer.Option("--qos", "-q", help="Controls priority of the jobs.")]
Tmp = Annotated[
    str | None,
    typer.Option(
        "--tmp", "-t", help="Request nodes that have at least this amount of storage scratch space."
    ),
]
Extra = Annotated[
    str | None,
    typer.Option(
        "--extra",
        "-e",
        help="Add extra Slurm parameters, for example --extra='--reservation=my-reservation'.",
    ),
]
Tasks = Annotated[
    int | None, typer.Option("--ntasks-per-node", help="Tasks per node (sbatch --ntasks-per-node).")
]
WALLTIME_HELP = "Slurm job walltime: HH:MM:SS, D-HH:MM:SS, MM or MM:SS (sbatch --time)."


def check(values: dict[str, Any]) -> dict[str, Any]:
    """The given fields, checked; raises CliError naming the option."""
    walltime = values.get("walltime")
    if walltime is not None:
        try:
            seconds = walltime_seconds(walltime)
        except ValueError:
            raise CliError(
                f"invalid --walltime '{walltime}': use HH:MM:SS or D-HH:MM:SS (e.g. 04:00:00)"
            ) from None
        if seconds <= 0:
            raise CliError(f"--walltime must be longer than zero, not '{walltime}'")
    for key in ("nodes", "ntasks_per_node"):
        value = values.get(key)
        if value is not None and value < 1:
            raise CliError(f"--{key.replace('_', '-')} must be at least 1, not {value}")
    for key in ("mem", "tmp"):
        value = values.get(key)
        if value and not SIZE.match(value):
            raise CliError(f"invalid --{key} '{value}': use a number with K, M, G or T (e.g. 180G)")
    extra = values.get("extra")
    if extra:
        try:
            shlex.split(extra)
        except ValueError as exc:
            raise CliError(f"invalid --extra '{extra}': {exc}") from None
    for key in ("name", "account"):
        if key in values and values[key] is not None and not values[key].strip():
            raise CliError(f"--{key} must not be empty")
    return values


def register(target: typer.Typer) -> None:
    """Put the commands first in ``target`` (the ``torc slurm`` group), in the seed's order."""
    target.registered_commands[:0] = app.registered_commands


app = new_group()


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Name of config.")],
    account: Account,
    workflow_id: WorkflowIdArg = None,
    gres: Gres = None,
    mem: Mem = None,
    nodes: Annotated[
        int, typer.Option("--nodes", "-N", help="Number of nodes to use for each job.")
    ] = 1,
    partition: Annotated[
        str | None,
        typer.Option(
            "--partition", "-p", help="HPC partition. Default is determined by the scheduler."
        ),
    ] = None,
    qos: Annotated[
        str, typer.Option("--qos", "-q", help="Controls priority of the jobs.")
    ] = "normal",
    tmp: Tmp = None,
    walltime: Annotated[str, typer.Option("--walltime", "-W", help=WALLTIME_HELP)] = "04:00:00",
    extra: Extra = None,
    ntasks_per_node: Tasks = None,
) -> None:
    """Add a Slurm config to the database."""
    values = check(
        {"name": name, "account": account, "gres": gres, "mem": mem, "nodes": nodes,
         "partition": partition, "qos": qos or None, "tmp": tmp, "walltime": walltime,
         "extra": extra, "ntasks_per_node": ntasks_per_node}
    )  # fmt: skip
    chosen = choose_workflow(ctx, workflow_id)
    record = cli(ctx).api.create_slurm_scheduler(
        m.SlurmSchedulerModel(workflow_id=chosen, **values)
    )
    emit(ctx, record, text=created_text("created Slurm scheduler", record, FIELDS))


@app.command()
def update(
    ctx: typer.Context,
    scheduler_id: Annotated[int, typer.Argument(metavar="SCHEDULER_ID", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", "-N", help="Name of config.")] = None,
    account: Annotated[str | None, typer.Option("--account", "-a", help="HPC account.")] = None,
    gres: Gres = None,
    mem: Mem = None,
    nodes: Annotated[
        int | None, typer.Option("--nodes", "-n", help="Number of nodes to use for each job.")
    ] = None,
    partition: Annotated[
        str | None, typer.Option("--partition", "-p", help="HPC partition.")
    ] = None,
    qos: Qos = None,
    tmp: Tmp = None,
    walltime: Annotated[str | None, typer.Option("--walltime", help=WALLTIME_HELP)] = None,
    extra: Annotated[
        str | None, typer.Option("--extra", "-e", help="Add extra Slurm parameters.")
    ] = None,
    ntasks_per_node: Tasks = None,
) -> None:
    """Modify a Slurm config in the database.

    Only the options given change; an empty value clears an optional field (--gres '').
    """
    given = {"name": name, "account": account, "gres": gres, "mem": mem, "nodes": nodes,
             "partition": partition, "qos": qos, "tmp": tmp, "walltime": walltime,
             "extra": extra, "ntasks_per_node": ntasks_per_node}  # fmt: skip
    changes = check({key: value for key, value in given.items() if value is not None})
    for key in OPTIONAL:
        if changes.get(key) == "":
            changes[key] = None
    api = cli(ctx).api
    current = api.get_slurm_scheduler(scheduler_id)
    record = api.update_slurm_scheduler(scheduler_id, current.model_copy(update=changes))
    emit(ctx, record, text=created_text("updated Slurm scheduler", record, FIELDS))


add_list(
    app,
    TorcApi.list_slurm_schedulers,
    key="slurm_schedulers",
    columns=COLUMNS,
    doc="Show the current Slurm configs in the database.",
    paging="plain",
)
add_get(app, "Slurm config", TorcApi.get_slurm_scheduler)
add_delete(app, "Slurm config", TorcApi.delete_slurm_scheduler)
