"""Every file under broken/ is refused with a SpecError naming the file, the line and the
problem; none of them may produce a traceback or be accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from torc.spec import SpecError, expand_spec, load_spec

BROKEN = Path(__file__).parent / "broken"

# file -> (line the error points at, or None where no line applies; text it must contain)
EXPECTED: dict[str, tuple[int | None, str]] = {
    "syntax_yaml.yaml": (5, "invalid YAML"),
    "syntax_json.json": (5, "invalid JSON: Expecting ',' delimiter"),
    "syntax_json5.json5": (5, "invalid JSON5"),
    "syntax_kdl.kdl": (4, "invalid KDL"),
    "unknown_key_job.yaml": (6, "unknown field 'comand' in jobs[1] (b) (did you mean 'command'?)"),
    "unknown_key_top.json5": (
        4,
        "unknown field 'resource_requirement' in the workflow (did you "
        "mean 'resource_requirements'?)",
    ),
    "unknown_node.kdl": (5, "unknown node 'jobb' in the workflow (did you mean 'job'?)"),
    "wrong_type_int.yaml": (
        8,
        "resource_requirements[0] (small).num_cpus: expected an integer, got 'four'",
    ),
    "wrong_type_list.json": (5, "jobs[1] (b).depends_on: expected a list, got 'a'"),
    "wrong_type_bool.kdl": (
        4,
        "cancel_on_blocking_job_failure: expected a boolean (true or false), got 'yes'",
    ),
    "missing_command.yaml": (5, "jobs[1] (b): missing required field 'command'"),
    "missing_name.json5": (1, "missing required field 'name'"),
    "no_jobs.json5": (3, "a workflow needs at least one job"),
    "bad_parameter_value.yaml": (6, "parameter 'i': cannot read '1-10'"),
    "empty_range.yaml": (6, "range '10:1' is empty"),
    "zero_step.kdl": (5, "range '1:10:0' has a step of 0"),
    "zip_length_mismatch.yaml": (
        6,
        "All parameters must have the same number of values when using 'zip' mode.\n"
        "Parameter 'dataset' has 3 values, but 'model' has 2 values.",
    ),
    "bad_format_spec.yaml": (3, "cannot format 'adam' (parameter 'opt') with '{opt:.2f}'"),
    "unknown_use_parameters.json5": (
        6,
        "use_parameters names 'batch_size', which is not a workflow parameter",
    ),
    "cycle.yaml": (6, "circular dependency: 'b' -> 'c' -> 'a' -> 'b'"),
    "cycle_via_files.kdl": (7, "circular dependency: 'make_y' -> 'make_x' -> 'make_y'"),
    "dangling_depends_on.yaml": (
        7,
        "job 'analyze': depends_on names no job 'preproces' (did you mean 'preprocess'?)",
    ),
    "dangling_file_reference.json5": (
        5,
        "${files.input.input_dta} names no file (did you mean 'input_data'?)",
    ),
    "dangling_user_data.yaml": (7, "input_user_data names no user data 'settings'"),
    "dangling_resource_requirements.kdl": (
        7,
        "resource requirements 'smal' is not defined (did you mean 'small'?)",
    ),
    "bad_regex.yaml": (7, "invalid regex '[a-'"),
    "regex_matches_nothing.json5": (5, "job 'barrier': regex '^stage2_' matches no job"),
    "duplicate_job_names.yaml": (7, "duplicate job name 'job_2' (first defined at line 3)"),
    "duplicate_file_names.kdl": (3, "duplicate file name 'data' (first defined at line 2)"),
    "duplicate_key.yaml": (5, "duplicate key 'command'"),
    "duplicate_key.json": (4, "duplicate key 'name'"),
    "forbidden_slurm_defaults.yaml": (4, "slurm_defaults must not set 'partition'"),
    "bad_memory.yaml": (5, "invalid memory 'lots'"),
    "bad_runtime.json": (4, "invalid runtime '1 hour'"),
    "bad_walltime.yaml": (5, "invalid walltime '2 hours'"),
    "scheduler_without_account.kdl": (2, "slurm scheduler 'cpu' needs an account"),
    "action_unknown_scheduler.yaml": (
        11,
        "action names no slurm scheduler 'gpu' (did you mean 'cpu'?)",
    ),
    "action_unknown_job.kdl": (8, "action names no job 'b'"),
    "bad_trigger_type.yaml": (6, "trigger_type: expected one of 'on_workflow_start'"),
    "bad_user_data_json.kdl": (3, "'data' must be a JSON string"),
    "fan_in_placeholder.yaml": (8, "job 'gather' has parameters but no placeholder in its name"),
    "file_parameters_without_placeholder.yaml": (
        3,
        "file 'output' has parameters but its name uses none of them",
    ),
    "self_dependency.yaml": (5, "job 'a': a job cannot depend on itself"),
    "inline_bad_memory.yaml": (
        7,
        "job 'train': resource_requirements.memory: invalid memory 'lots'",
    ),
    "inline_bad_runtime.json": (
        5,
        "job 'train': resource_requirements.runtime: invalid runtime '2 hours'",
    ),
    "inline_bad_type.json5": (
        5,
        "jobs[0] (train).resource_requirements.num_cpus: expected an integer, got 'four'",
    ),
    "inline_bad_memory.kdl": (
        4,
        "job 'train': resource_requirements.memory: invalid memory 'lots'",
    ),
    "inline_bad_parameter_value.yaml": (
        6,
        "job 'train_1': resource_requirements.memory: invalid memory '1x'",
    ),
    "inline_placeholder_in_fan_in.yaml": (
        6,
        "job 'gather': resource_requirements uses a parameter, but the job's name has none",
    ),
    "both_monitor_spellings.yaml": (
        3,
        "resource_monitor and resource_monitor_config are the same section; give one",
    ),
    "unknown_key_inline_requirements.yaml": (
        6,
        "unknown field 'num_cpu' in jobs[0] (a).resource_requirements (did you mean 'num_cpus'?)",
    ),
    "not_a_mapping.yaml": (None, "a workflow spec must be a mapping of fields, found a list"),
    "empty.yaml": (None, "found an empty document"),
}


def test_the_corpus_is_complete() -> None:
    files = {path.name for path in BROKEN.iterdir()}
    assert files == set(EXPECTED)
    assert len(files) >= 25
    suffixes = {Path(name).suffix for name in files}
    assert suffixes == {".yaml", ".json", ".json5", ".kdl"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_spec_is_refused_with_file_and_line(name: str) -> None:
    path = BROKEN / name
    line, fragment = EXPECTED[name]
    with pytest.raises(SpecError) as caught:
        expand_spec(load_spec(str(path)))
    error = caught.value
    assert error.file == str(path)
    assert error.line == line
    assert fragment in error.message
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error) == prefix + error.message
