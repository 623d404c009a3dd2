"""Specs and shortcuts of the generation tests: a three-stage workflow with small, CPU and
high-memory requirements, generated for the built-in Kestrel profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torc.hpc.kestrel import kestrel_profile
from torc.slurm.generate import Generated, GenerateOptions, generate
from torc.slurm.sizing import Sizing
from torc.slurm.spec_file import read_spec_file

GOLDEN = Path(__file__).parent / "golden"

THREE_STAGES = """\
name: three_stages
description: prepare, analyze in parallel, aggregate in memory
resource_requirements:
  - name: small
    num_cpus: 2
    memory: 4g
    runtime: PT20M
  - name: cpu
    num_cpus: 8
    memory: 16g
    runtime: PT1H
  - name: highmem
    num_cpus: 52
    memory: 1000g
    runtime: PT40H
files:
  - name: raw
    path: data/raw.csv
jobs:
  - name: prepare
    command: python prepare.py --output data/raw.csv
    resource_requirements: small
    output_files: [raw]
  - name: analyze_{i:02d}
    command: python analyze.py --part {i}
    resource_requirements: cpu
    input_files: [raw]
    parameters:
      i: "1:30"
  - name: aggregate
    command: python aggregate.py
    resource_requirements: highmem
    depends_on_regexes: ["analyze_.*"]
"""


def write_spec(folder: Path, text: str = THREE_STAGES, name: str = "workflow.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def kestrel(
    path: Path,
    *,
    group_by: str = "resource-requirements",
    strategy: str = "max-job-runtime",
    multiplier: float = 1.5,
    single_allocation: bool = False,
    actions: bool = True,
    force: bool = False,
) -> Generated:
    """``torc slurm generate --account proj --profile kestrel`` of ``path``, in process."""
    options = GenerateOptions(
        account="proj",
        group_by=group_by,
        sizing=Sizing(strategy, multiplier, single_allocation),
        actions=actions,
        force=force,
    )
    return generate(read_spec_file(path), kestrel_profile(), options)


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}
