"""Substitution of ${files...}/${user_data...}, implicit links, regex references, and the
dry-run summary (counts, readiness, warnings, check errors)."""

from __future__ import annotations

import pytest

from tests.spec.helpers import by_name, expand
from torc.spec import SpecError, format_summary, summarize

DIAMOND = """
name: diamond
jobs:
  - name: preprocess
    command: split ${files.input.input_file} -o ${files.output.i1} -o ${files.output.i2}
  - name: work1
    command: work ${files.input.i1} > ${files.output.r1}
  - name: work2
    command: work ${files.input.i2} > ${files.output.r2}
    output_files: [r2]
  - name: postprocess
    command: paste ${files.input.r1} ${files.input.r2} > ${files.output.out}
files:
  - {name: input_file, path: /data/in.txt}
  - {name: i1, path: /data/i1.txt}
  - {name: i2, path: /data/i2.txt}
  - {name: r1, path: /data/r1.txt}
  - {name: r2, path: /data/r2.txt}
  - {name: out, path: /data/out.txt}
"""


def test_file_references_become_paths_and_links() -> None:
    jobs = by_name(expand(DIAMOND))
    pre = jobs["preprocess"]
    assert pre.command == "split /data/in.txt -o /data/i1.txt -o /data/i2.txt"
    assert (pre.input_files, pre.output_files) == (["input_file"], ["i1", "i2"])
    assert jobs["work2"].output_files == ["r2"]  # explicit and substituted: listed once
    assert jobs["postprocess"].input_files == ["r1", "r2"]
    assert all(not job.depends_on for job in jobs.values())  # all implicit


def test_user_data_references_stay_for_creation_and_add_links() -> None:
    jobs = by_name(
        expand(
            """
            name: w
            user_data: [{name: cfg}]
            jobs:
              - name: make
                command: >-
                  torc user-data update ${user_data.output.cfg} --data '{"a": 1}'
              - name: use
                command: torc user-data get ${user_data.input.cfg}
            """
        )
    )
    assert jobs["make"].output_user_data == ["cfg"]
    assert jobs["use"].input_user_data == ["cfg"]
    assert jobs["use"].command == "torc user-data get ${user_data.input.cfg}"


def test_regex_references() -> None:
    jobs = by_name(
        expand(
            """
            name: w
            files:
              - {name: log_a, path: /a}
              - {name: log_b, path: /b}
              - {name: other, path: /c}
            user_data: [{name: m_1}, {name: m_2}]
            jobs:
              - name: stage1_{i}
                command: echo
                parameters: {i: "1:2"}
              - name: my_stage1_test
                command: echo
              - name: barrier
                command: echo
                depends_on_regexes: ["^stage1_\\\\d+$"]
                input_file_regexes: ["^log_"]
                output_user_data_regexes: ["m_"]
              - name: loose
                command: echo
                depends_on_regexes: ["stage1"]
            """
        )
    )
    assert jobs["barrier"].depends_on == ["stage1_1", "stage1_2"]
    assert jobs["barrier"].input_files == ["log_a", "log_b"]
    assert jobs["barrier"].output_user_data == ["m_1", "m_2"]
    # unanchored regexes search anywhere, as the seed warns
    assert jobs["loose"].depends_on == ["stage1_1", "stage1_2", "my_stage1_test"]


def test_a_job_never_depends_on_itself_through_a_regex() -> None:
    jobs = by_name(
        expand(
            """
            name: w
            jobs:
              - {name: step_1, command: echo}
              - {name: step_2, command: echo, depends_on_regexes: ["^step_"]}
            """
        )
    )
    assert jobs["step_2"].depends_on == ["step_1"]


def test_actions_resolve_jobs_and_regexes() -> None:
    expanded = expand(
        """
        name: w
        jobs:
          - {name: train_1, command: echo}
          - {name: train_2, command: echo}
          - {name: eval, command: echo}
        actions:
          - trigger_type: on_jobs_complete
            action_type: run_commands
            jobs: [eval]
            job_name_regexes: ["^train_"]
            commands: [echo done]
        """
    )
    assert expanded.actions[0].job_names == ["eval", "train_1", "train_2"]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("{trigger_type: on_jobs_ready, action_type: run_commands, commands: [x]}", "needs jobs"),
        ("{trigger_type: on_workflow_start, action_type: run_commands}", "needs commands"),
        (
            "{trigger_type: on_workflow_start, action_type: schedule_nodes, scheduler: s}",
            "needs scheduler_type",
        ),
    ],
)
def test_invalid_actions(action: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        expand(f"name: w\njobs: [{{name: a, command: x}}]\nactions: [{action}]\n")


SLURM = """
name: hpc
description: Three kinds of node
slurm_schedulers:
  - {name: small, account: p, mem: 8G, walltime: "01:00:00"}
  - {name: big, account: p, mem: 180G, walltime: "04:00:00"}
  - {name: gpu, account: p, gres: "gpu:2", walltime: "04:00:00", nodes: 1}
resource_requirements:
  - {name: two_nodes, num_cpus: 1, num_nodes: 2, runtime: PT30M}
  - {name: long, num_cpus: 1, runtime: PT8H}
jobs:
  - {name: "job_{i}", command: echo, parameters: {i: "1:10"}}
  - {name: wide, command: echo, scheduler: gpu, resource_requirements: two_nodes}
  - {name: slow, command: echo, scheduler: small, resource_requirements: long}
actions:
  - {trigger_type: on_workflow_start, action_type: schedule_nodes, scheduler: small,
     scheduler_type: slurm, num_allocations: 2}
"""


def test_dry_run_summary_with_warning_and_check_errors() -> None:
    summary = summarize(expand(SLURM))
    assert summary["valid"] is False
    assert summary["summary"]["has_schedule_nodes_action"] is True
    assert summary["summary"]["scheduler_names"] == ["small", "big", "gpu"]
    text = format_summary(summary)
    assert "  Jobs: 12 (expanded from 1 parameterized job specs)\n" in text
    assert "  Slurm schedulers: 3\n  Workflow actions: 1\n" in text
    assert (
        "Submission: Ready for scheduler submission (has on_workflow_start schedule_nodes action)"
        in text
    )
    assert summary["warnings"][0].startswith(
        "Workflow has 3 schedulers with different memory (mem), GPUs (gres), walltime but 10 "
        "job(s) have no explicit scheduler assignment and jobs_sort_method is not set."
    )
    assert "\nWarnings (1):\n  - Workflow has 3 schedulers" in text
    assert "Errors (2):\n  - 1 job bound to scheduler 'gpu' needs 2 nodes" in text
    assert summary["errors"][1] == (
        "1 job bound to scheduler 'small' needs runtime PT8H but its walltime is 01:00:00: 'slow'"
    )
    assert text.endswith("\n\nValidation: FAILED")


def test_seed_warning_wraps_like_the_seed() -> None:
    two = SLURM.replace('gres: "gpu:2", ', "").replace("mem: 8G, ", "mem: 180G, ")
    two = two.replace("{name: small, account: p, mem: 180G", "{name: small, account: p, mem: 8G")
    text = format_summary(summarize(expand(two)))
    assert (
        "  - Workflow has 3 schedulers with different memory (mem), walltime but 10 job(s)\n"
        "    have no explicit scheduler assignment and jobs_sort_method is not set. The\n"
        "    default sort method 'gpus_runtime_memory' will be used (jobs sorted by GPUs,\n"
        "    then runtime, then memory). If this doesn't match your workload, consider\n"
        "    setting jobs_sort_method explicitly to 'gpus_memory_runtime' (prioritize\n"
        "    memory over runtime) or 'none' (no sorting).\n"
    ) in text


def test_setting_a_sort_method_silences_the_warning() -> None:
    summary = summarize(expand(SLURM + "jobs_sort_method: none\n"))
    assert summary["warnings"] == []
