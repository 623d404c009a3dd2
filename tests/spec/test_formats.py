"""Format details: KDL 2 syntax on a KDL 1 parser, YAML's core schema, JSON5, extension
fallback, aliases of fields, and the same spec in four formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spec.helpers import expand
from torc.spec import SpecError, load_spec, parse_spec_text
from torc.spec.kdl_syntax import to_kdl1

SAME = {
    "yaml": """
name: same
parameters: {lr: "[0.1, 0.01]"}
resource_monitor: {granularity: TimeSeries, sample_interval_seconds: 2}
slurm_defaults: {account: proj, mail-type: END}
env: {STAGE: dev}
dynamic_jobs: {max_iterations: 7}
jobs:
  - name: train_{lr}
    command: echo "train {lr}" > ${files.output.model_{lr}}
    use_parameters: [lr]
    env: {OMP_NUM_THREADS: "4"}
    cancel_on_blocking_job_failure: false
    slurm_scheduler: gpu
  - name: report
    command: cat ${files.input.model_{lr}}
    use_parameters: [lr]
    depends_on_regexes: ["^train_"]
files:
  - name: model_{lr}
    path: /tmp/model_{lr}.txt
    use_parameters: [lr]
user_data:
  - name: meta
    data: {key: [1, 2]}
    is_ephemeral: true
slurm_schedulers:
  - name: gpu
    nodes: 1
    walltime: "02:00:00"
job_sort_method: gpus_memory_runtime
""",
    "json": """{
  "name": "same",
  "parameters": {"lr": "[0.1, 0.01]"},
  "resource_monitor": {"granularity": "time_series", "sample_interval_seconds": 2},
  "slurm_defaults": {"account": "proj", "mail-type": "END"},
  "env": {"STAGE": "dev"},
  "dynamic_jobs": {"max_iterations": 7},
  "jobs": [
    {"name": "train_{lr}", "command": "echo \\"train {lr}\\" > ${files.output.model_{lr}}",
     "use_parameters": ["lr"], "cancel_on_blocking_job_failure": false, "scheduler": "gpu",
     "env": {"OMP_NUM_THREADS": "4"}},
    {"name": "report", "command": "cat ${files.input.model_{lr}}", "use_parameters": ["lr"],
     "depends_on_regexes": ["^train_"]}
  ],
  "files": [{"name": "model_{lr}", "path": "/tmp/model_{lr}.txt", "use_parameters": ["lr"]}],
  "user_data": [{"name": "meta", "data": {"key": [1, 2]}, "is_ephemeral": true}],
  "slurm_schedulers": [{"name": "gpu", "nodes": 1, "walltime": "02:00:00"}],
  "jobs_sort_method": "gpus_memory_runtime"
}""",
    "json5": """{
  // comments, unquoted keys, single quotes and trailing commas
  name: 'same',
  parameters: {lr: "[0.1, 0.01]"},
  resource_monitor: {granularity: "TimeSeries", sample_interval_seconds: 2,},
  slurm_defaults: {account: "proj", "mail-type": "END"},
  env: {STAGE: "dev"},
  dynamic_jobs: {max_iterations: 7},
  jobs: [
    {name: "train_{lr}", command: 'echo "train {lr}" > ${files.output.model_{lr}}',
     use_parameters: ["lr"], cancel_on_blocking_job_failure: false, slurm_scheduler: "gpu",
     env: {OMP_NUM_THREADS: "4"},},
    {name: "report", command: "cat ${files.input.model_{lr}}", use_parameters: ["lr"],
     depends_on_regexes: ["^train_"]},
  ],
  files: [{name: "model_{lr}", path: "/tmp/model_{lr}.txt", use_parameters: ["lr"]}],
  user_data: [{name: "meta", data: {key: [1, 2]}, is_ephemeral: true}],
  slurm_schedulers: [{name: "gpu", nodes: 1, walltime: "02:00:00"}],
  jobs_sort_method: "gpus_memory_runtime",
}""",
    "kdl": r"""
name "same"
parameters { lr "[0.1, 0.01]"; }
resource_monitor { granularity "TimeSeries"; sample_interval_seconds 2; }
slurm_defaults {
    account "proj"
    mail-type "END"
}
env { STAGE "dev"; }
dynamic_jobs { max_iterations 7; }
job "train_{lr}" {
    command #"echo "train {lr}" > ${files.output.model_{lr}}"#
    use_parameters "lr"
    env { OMP_NUM_THREADS "4"; }
    cancel_on_blocking_job_failure #false
    slurm_scheduler "gpu"
}
job "report" {
    command "cat ${files.input.model_{lr}}"
    use_parameters "lr"
    depends_on_regex "^train_"
}
file "model_{lr}" path="/tmp/model_{lr}.txt" {
    use_parameters "lr"
}
user_data "meta" {
    data "{\"key\": [1, 2]}"
    is_ephemeral #true
}
slurm_scheduler "gpu" {
    nodes 1
    walltime "02:00:00"
}
jobs_sort_method "gpus_memory_runtime"
""",
}


def test_the_same_spec_in_four_formats_expands_identically() -> None:
    results = {fmt: expand(text, fmt).as_dict() for fmt, text in SAME.items()}
    for fmt, result in results.items():
        assert result == results["yaml"], fmt
    workflow = results["yaml"]["workflow"]
    assert workflow["jobs_sort_method"] == "gpus_memory_runtime"
    assert workflow["resource_monitor"]["granularity"] == "time_series"
    assert workflow["resource_monitor"]["enabled"] is True
    train = results["yaml"]["jobs"][0]
    assert train["scheduler"] == "gpu"
    assert train["cancel_on_blocking_job_failure"] is False
    assert train["command"] == 'echo "train 0.1" > /tmp/model_0.1.txt'
    assert results["yaml"]["jobs"][2]["depends_on"] == ["train_0.1", "train_0.01"]
    assert workflow["env"] == {"STAGE": "dev"}
    assert workflow["dynamic_jobs"] == {"max_iterations": 7}
    for fmt, text in SAME.items():
        assert expand(text, fmt).spec.jobs[0].env == {"OMP_NUM_THREADS": "4"}, fmt


def test_kdl2_keywords_become_kdl1_outside_strings_and_comments() -> None:
    text = 'a #true #false #null "#true" // #false\n/* #null */ b #"raw "q" #true"#'
    assert to_kdl1(text) == (
        'a  true  false  null "#true" // #false\n/* #null */ b r#"raw "q" #true"#'
    )


def test_kdl1_booleans_still_work() -> None:
    spec = parse_spec_text(
        'name "w"\njob "a" {\n command "x"\n supports_termination true\n}\n', "kdl"
    )
    assert spec.jobs[0].supports_termination is True


def test_kdl_multiline_string_keeps_later_line_numbers() -> None:
    text = (
        'name "w"\njob "a" {\n    command """\n        echo one\n        echo "two"\n'
        '        """\n    bogus 1\n}\n'
    )
    with pytest.raises(SpecError) as caught:
        parse_spec_text(text, "kdl")
    assert caught.value.line == 7
    spec = parse_spec_text(text.replace("    bogus 1\n", ""), "kdl")
    assert spec.jobs[0].command == 'echo one\necho "two"'


def test_kdl_lists_from_repeated_nodes_and_from_arguments() -> None:
    spec = parse_spec_text(
        'name "w"\njob "a" { command "x"; }\njob "b" { command "x"; }\n'
        'job "c" {\n command "x"\n depends_on_job "a"\n depends_on_job "b"\n}\n'
        'job "d" {\n command "x"\n depends_on "a" "b"\n}\n',
        "kdl",
    )
    assert spec.jobs[2].depends_on == spec.jobs[3].depends_on == ["a", "b"]


def test_kdl_integers_stay_integers() -> None:
    spec = parse_spec_text(
        'name "w"\nresource_requirements "r" { num_cpus 4; memory "1g"; }\n'
        'job "a" { command "x"; }',
        "kdl",
    )
    assert spec.resource_requirements[0].num_cpus == 4


def test_yaml_core_schema() -> None:
    spec = parse_spec_text(
        "name: no\ndescription: 2024-01-01\njobs:\n  - {name: on, command: '010'}\n", "yaml"
    )
    assert (spec.name, spec.description, spec.jobs[0].name) == ("no", "2024-01-01", "on")


def test_yaml_merge_keys_may_override() -> None:
    expanded = expand(
        """
        name: w
        jobs:
          - &base {name: a, command: echo a}
          - <<: *base
            name: b
        """
    )
    assert [(j.name, j.command) for j in expanded.jobs] == [("a", "echo a"), ("b", "echo a")]


def test_extension_fallback(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"  # JSON5 content in a .json file
    path.write_text("{name: 'w', jobs: [{name: 'a', command: 'x'},],}")
    assert load_spec(path).name == "w"
    other = tmp_path / "spec.txt"
    other.write_text('name "w"\njob "a" { command "x"; }\n')
    assert load_spec(other).jobs[0].name == "a"


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_unknown_format_name() -> None:
    with pytest.raises(SpecError, match="unknown spec format 'toml'"):
        parse_spec_text("", "toml")
