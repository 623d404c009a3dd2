"""A job's inline resource requirements (the seed's checkpointing page): the same in all
four formats, one deterministic record per distinct set of needs, placeholders rendered
per job, and records and links created on a real server."""

from __future__ import annotations

import textwrap

import pytest

from tests.spec.helpers import by_name, expand
from torc.api import TorcApi
from torc.spec import create_workflow_from_spec, parse_spec_text

INLINE = {
    "yaml": """
name: inline
jobs:
  - name: train
    command: python train.py
    supports_termination: true
    resource_requirements: {num_cpus: 4, memory: 16g, runtime: PT2H}
  - name: evaluate
    command: python evaluate.py
    resource_requirements:
      num_cpus: 8
      num_gpus: 1
      memory: 32g
      runtime: PT4H
""",
    "json": """
{"name": "inline", "jobs": [
  {"name": "train", "command": "python train.py", "supports_termination": true,
   "resource_requirements": {"num_cpus": 4, "memory": "16g", "runtime": "PT2H"}},
  {"name": "evaluate", "command": "python evaluate.py",
   "resource_requirements": {"num_cpus": 8, "num_gpus": 1, "memory": "32g",
                             "runtime": "PT4H"}}
]}
""",
    "json5": """
{
  name: "inline",
  jobs: [
    {name: "train", command: "python train.py", supports_termination: true,
     resource_requirements: {num_cpus: 4, memory: "16g", runtime: "PT2H"}},
    // children or one line: both are one set of needs
    {name: "evaluate", command: "python evaluate.py",
     resource_requirements: {num_cpus: 8, num_gpus: 1, memory: "32g", runtime: "PT4H",},},
  ],
}
""",
    "kdl": """
name "inline"
job "train" {
    command "python train.py"
    supports_termination #true
    resource_requirements num_cpus=4 memory="16g" runtime="PT2H"
}
job "evaluate" {
    command "python evaluate.py"
    resource_requirements {
        num_cpus 8
        num_gpus 1
        memory "32g"
        runtime "PT4H"
    }
}
""",
}


@pytest.mark.parametrize("fmt", sorted(INLINE))
def test_inline_needs_in_every_format(fmt: str) -> None:
    expanded = expand(INLINE[fmt], fmt)
    jobs = by_name(expanded)
    assert jobs["train"].resource_requirements == "inline_4cpu_0gpu_1node_16g_PT2H"
    assert jobs["evaluate"].resource_requirements == "inline_8cpu_1gpu_1node_32g_PT4H"
    records = [r.model_dump() for r in expanded.inline_requirements]
    assert records == [
        {"name": "inline_4cpu_0gpu_1node_16g_PT2H", "num_cpus": 4, "num_gpus": 0,
         "num_nodes": 1, "memory": "16g", "runtime": "PT2H"},
        {"name": "inline_8cpu_1gpu_1node_32g_PT4H", "num_cpus": 8, "num_gpus": 1,
         "num_nodes": 1, "memory": "32g", "runtime": "PT4H"},
    ]  # fmt: skip
    assert expanded.as_dict() == expand(INLINE["yaml"]).as_dict()


def test_identical_needs_share_one_record_that_never_clashes_with_a_name() -> None:
    expanded = expand("""
        name: dedupe
        resource_requirements:
          - {name: inline_2cpu_0gpu_1node_1g_PT1H, num_cpus: 1}
        jobs:
          - {name: a, command: a, resource_requirements: {num_cpus: 2, memory: 1g}}
          - {name: b, command: b, resource_requirements: {num_cpus: 2, memory: 1024m}}
          - {name: c, command: c, resource_requirements: {num_cpus: 2, memory: 1g, runtime: PT60M}}
          - {name: d, command: d, resource_requirements: inline_2cpu_0gpu_1node_1g_PT1H}
          - {name: e, command: e, resource_requirements: {num_cpus: 3}}
    """)
    jobs = by_name(expanded)
    shared = "inline_2cpu_0gpu_1node_1g_PT1H_2"  # the spec already uses the plain name
    assert [jobs[n].resource_requirements for n in "abc"] == [shared] * 3
    assert jobs["d"].resource_requirements == "inline_2cpu_0gpu_1node_1g_PT1H"
    assert jobs["e"].resource_requirements == "inline_3cpu_0gpu_1node_1m_PT1H"
    assert [r.name for r in expanded.inline_requirements] == [
        shared,
        "inline_3cpu_0gpu_1node_1m_PT1H",
    ]
    assert expanded.resource_requirements[0].name == "inline_2cpu_0gpu_1node_1g_PT1H"  # named


def test_placeholders_in_memory_and_runtime_expand_per_job() -> None:
    expanded = expand("""
        name: sweep
        jobs:
          - name: fit_{size}
            command: fit {size}
            parameters: {size: "[2, 4]"}
            resource_requirements: {num_cpus: 2, memory: "{size}g", runtime: "PT{size}H"}
    """)
    assert [(j.name, j.resource_requirements) for j in expanded.jobs] == [
        ("fit_2", "inline_2cpu_0gpu_1node_2g_PT2H"),
        ("fit_4", "inline_2cpu_0gpu_1node_4g_PT4H"),
    ]
    assert [(r.memory, r.runtime) for r in expanded.inline_requirements] == [
        ("2g", "PT2H"),
        ("4g", "PT4H"),
    ]


def test_parameterized_jobs_with_fixed_needs_share_them() -> None:
    expanded = expand("""
        name: sweep
        jobs:
          - name: fit_{i}
            command: fit {i}
            parameters: {i: "1:3"}
            resource_requirements: {num_cpus: 2, memory: "{i}g"}
          - name: score_{i}
            command: score {i}
            parameters: {i: "1:3"}
            resource_requirements: {num_cpus: 1}
    """)
    needs = {job.name: job.resource_requirements for job in expanded.jobs}
    assert needs["fit_3"] == "inline_2cpu_0gpu_1node_3g_PT1H"
    assert {needs[f"score_{i}"] for i in (1, 2, 3)} == {"inline_1cpu_0gpu_1node_1m_PT1H"}
    assert len(expanded.inline_requirements) == 4


def test_created_on_a_real_server(api: TorcApi) -> None:
    text = textwrap.dedent(INLINE["yaml"]) + textwrap.dedent("""
        resource_requirements:
          - {name: small, num_cpus: 1, memory: 1g}
    """)
    spec = parse_spec_text(text, "yaml", "inline.yaml")
    workflow_id = create_workflow_from_spec(api, spec)
    records = {r.name: r for r in api.list_resource_requirements(workflow_id).items or []}
    assert set(records) == {
        "default",
        "small",
        "inline_4cpu_0gpu_1node_16g_PT2H",
        "inline_8cpu_1gpu_1node_32g_PT4H",
    }
    train = records["inline_4cpu_0gpu_1node_16g_PT2H"]
    assert (train.num_cpus, train.memory, train.runtime) == (4, "16g", "PT2H")
    jobs = {j.name: j for j in api.list_jobs(workflow_id).items or []}
    assert jobs["train"].resource_requirements_id == train.id
    evaluate = records["inline_8cpu_1gpu_1node_32g_PT4H"]
    assert jobs["evaluate"].resource_requirements_id == evaluate.id
    assert evaluate.num_gpus == 1
