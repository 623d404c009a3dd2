"""``torc hpc``: HPC system profiles and partition information.

Thin: profiles, detection and matching live in :mod:`torc.hpc`; this module turns a
malformed profile or a bad ``--memory``/``--walltime`` into a one-line :class:`CliError`
and prints the manual's tables (``Known HPC profiles:``, ``Partitions for kestrel:``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from torc.cli.common import CliError, cli, console, emit, print_json
from torc.cli.groups import new_group
from torc.hpc.matching import Need, matching_partitions
from torc.hpc.model import HpcProfile, Partition
from torc.hpc.profiles import detect_profile, detected_names, get_profile, known_profiles

app = new_group()
NameArg = Annotated[
    str | None,
    typer.Argument(
        help='Profile name (e.g., "kestrel"). If not specified, tries to detect current system.'
    ),
]


@app.callback()
def hpc() -> None:
    """HPC system profiles and partition information."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Profile and input errors (``ValueError`` s that name the problem) as CLI errors."""
    try:
        yield
    except ValueError as exc:
        raise CliError(str(exc)) from None


def print_rows(heading: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """The manual's layout: a heading line, a blank line, then the table."""
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for title in headers:
        table.add_column(title)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    typer.echo(f"{heading}\n")
    console().print(table)


def resolve(ctx: typer.Context, name: str | None) -> HpcProfile:
    """The named profile, else the detected one, else an error saying how to choose."""
    config = cli(ctx).config
    with user_errors():
        if name is not None:
            return get_profile(name, config)
        found = detect_profile(config)
        if found is None:
            known = ", ".join(p.name for p in known_profiles(config))
            raise CliError(f"no HPC system detected; give a profile name (known: {known})")
    return found


def gpus_cell(partition: Partition) -> str:
    if not partition.is_gpu:
        return "-"
    return (
        f"{partition.gpus_per_node} ({partition.gpu_type})"
        if partition.gpu_type
        else str(partition.gpus_per_node)
    )


def notes_cell(partition: Partition) -> str:
    notes = [partition.description] if partition.description else []
    if partition.min_nodes:
        notes.append(f"min {partition.min_nodes} nodes")
    if partition.requires_explicit_request:
        notes.append("explicit request only")
    return "; ".join(notes)


def partition_row(partition: Partition) -> list[str]:
    from torc.hpc.units import format_memory, format_walltime

    return [
        partition.name,
        str(partition.cpus_per_node),
        format_memory(partition.memory_mb),
        format_walltime(partition.max_walltime_secs),
        gpus_cell(partition),
        "yes" if partition.shared else "no",
        notes_cell(partition),
    ]


PARTITION_HEADERS = ["Name", "CPUs/Node", "Mem/Node", "Max Walltime", "GPUs", "Shared", "Notes"]


@app.command("list")
def list_profiles(ctx: typer.Context) -> None:
    """List known HPC system profiles."""
    with user_errors():
        profiles = known_profiles(cli(ctx).config)
    detected = detected_names(profiles, os.environ)
    rows = [
        {
            "name": p.name,
            "display_name": p.display_name,
            "partitions": len(p.partitions),
            "detected": p.name in detected,
        }
        for p in profiles
    ]
    if cli(ctx).json:
        print_json({"profiles": rows})
        return
    cells = [
        [p.name, p.display_name, str(len(p.partitions)), "✓" if p.name in detected else ""]
        for p in profiles
    ]
    print_rows("Known HPC profiles:", ["Name", "Display Name", "Partitions", "Detected"], cells)


@app.command()
def detect(ctx: typer.Context) -> None:
    """Detect the current HPC system."""
    with user_errors():
        found = detect_profile(cli(ctx).config)
    data = {"detected": found is not None, "name": found.name if found else None}
    data["display_name"] = found.display_name if found else None
    text = (
        f"Detected HPC system: {found.display_name} ({found.name})"
        if found
        else "No HPC system detected (see `torc hpc list` for the known profiles)"
    )
    emit(ctx, data, text=text)


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='Profile name (e.g., "kestrel").')],
) -> None:
    """Show details of an HPC profile."""
    profile = resolve(ctx, name)
    detected = profile.name in detected_names([profile], os.environ)
    lines = [
        f"{profile.display_name} ({profile.name})",
        *([f"Description: {profile.description}"] if profile.description else []),
        f"Detection: {profile.detection}",
        f"Detected: {'yes' if detected else 'no'}",
        *([f"Default account: {profile.default_account}"] if profile.default_account else []),
        f"Partitions: {len(profile.partitions)} (see `torc hpc partitions {profile.name}`)",
    ]
    data: dict[str, Any] = {**profile.as_dict(), "detected": detected}
    emit(ctx, data, text="\n".join(lines))


@app.command()
def partitions(
    ctx: typer.Context,
    name: NameArg = None,
    gpu: Annotated[bool, typer.Option("--gpu", help="Filter to GPU partitions only.")] = False,
    cpu: Annotated[bool, typer.Option("--cpu", help="Filter to CPU-only partitions.")] = False,
    shared: Annotated[bool, typer.Option("--shared", help="Filter to shared partitions.")] = False,
) -> None:
    """Show partitions for an HPC profile."""
    if gpu and cpu:
        raise CliError("--gpu and --cpu exclude each other")
    profile = resolve(ctx, name)
    chosen = [
        p
        for p in profile.partitions
        if (not gpu or p.is_gpu) and (not cpu or not p.is_gpu) and (not shared or p.shared)
    ]
    if cli(ctx).json:
        print_json({"profile": profile.name, "partitions": [p.as_dict() for p in chosen]})
        return
    rows = [partition_row(p) for p in chosen]
    print_rows(f"Partitions for {profile.name}:", PARTITION_HEADERS, rows)


@app.command()
def match(
    ctx: typer.Context,
    name: NameArg = None,
    cpus: Annotated[int, typer.Option("--cpus", help="Number of CPUs required.", min=1)] = 1,
    memory: Annotated[
        str, typer.Option("--memory", help='Memory required (e.g., "100g", "512m", or MB).')
    ] = "1g",
    walltime: Annotated[
        str,
        typer.Option("--walltime", help='Wall time required (e.g., "4:00:00", "2h", "30m").'),
    ] = "1:00:00",
    gpus: Annotated[int, typer.Option("--gpus", help="Number of GPUs required.", min=0)] = 0,
    nodes: Annotated[int, typer.Option("--nodes", help="Number of nodes required.", min=1)] = 1,
    profile_option: Annotated[
        str | None,
        typer.Option(
            "--profile", help="Profile name (if not specified, tries to detect current system)."
        ),
    ] = None,
) -> None:
    """Find partitions matching resource requirements."""
    from torc.hpc.units import parse_memory_mb, parse_walltime_secs

    if name and profile_option and name != profile_option:
        raise CliError(f"two profiles given: '{name}' and --profile '{profile_option}'")
    profile = resolve(ctx, name or profile_option)
    with user_errors():
        need = Need(cpus, parse_memory_mb(memory), parse_walltime_secs(walltime), gpus, nodes)
    found = matching_partitions(profile, need)
    if cli(ctx).json:
        best = found[0].name if found else None
        data = {"profile": profile.name, "requirements": vars(need), "best": best}
        print_json({**data, "partitions": [p.as_dict() for p in found]})
    elif not found:
        typer.echo(
            f"No partition found for job in {profile.name} (see `torc hpc partitions "
            f"{profile.name}` for the limits)"
        )
    else:
        heading = f"Partitions for {profile.name} matching the requirements (best first):"
        print_rows(heading, PARTITION_HEADERS, [partition_row(p) for p in found])
        typer.echo(f"Best match: {found[0].name}")
    if not found:
        raise typer.Exit(1)


@app.command()
def generate(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Profile name (defaults to cluster name or hostname)."),
    ] = None,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="Human-readable display name.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Output file path (prints to stdout if not given)."),
    ] = None,
    skip_stdby: Annotated[
        bool,
        typer.Option("--skip-stdby", help="Skip standby partitions (names ending in -stdby)."),
    ] = False,
) -> None:
    """Generate an HPC profile configuration from the current Slurm cluster."""
    from torc.hpc.from_cluster import profile_from_cluster
    from torc.hpc.toml_text import profile_toml

    with user_errors():
        profile = profile_from_cluster(name, display_name, skip_stdby=skip_stdby)
    text = profile_toml(profile)
    if output is not None:
        try:
            output.write_text(text)
        except OSError as exc:
            raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
        typer.echo(
            f"Wrote profile '{profile.name}' ({len(profile.partitions)} partitions) to {output}",
            err=True,
        )
    if cli(ctx).json:
        print_json(profile.as_dict())
    elif output is None:
        typer.echo(text, nl=False)
