"""The examples: each one expands to the same workflow in YAML, JSON5, JSON and KDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from torc.spec import expand_spec, format_summary, load_spec, summarize

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(path.stem for path in (EXAMPLES / "yaml").glob("*.yaml"))


def expanded(path: Path) -> dict[str, Any]:
    return expand_spec(load_spec(path)).as_dict()


def test_every_example_exists_in_every_format() -> None:
    assert len(NAMES) >= 8
    for name in NAMES:
        assert (EXAMPLES / "json" / f"{name}.json5").exists(), name
        assert (EXAMPLES / "kdl" / f"{name}.kdl").exists(), name
    assert list((EXAMPLES / "json").glob("*.json")), "plain JSON examples too"


@pytest.mark.parametrize("name", NAMES)
def test_formats_expand_identically(name: str) -> None:
    reference = expanded(EXAMPLES / "yaml" / f"{name}.yaml")
    others = [EXAMPLES / "json" / f"{name}.json5", EXAMPLES / "kdl" / f"{name}.kdl"]
    others += [p for p in [EXAMPLES / "json" / f"{name}.json"] if p.exists()]
    for path in others:
        assert expanded(path) == reference, path
    assert reference["jobs"], "an example without jobs"


@pytest.mark.parametrize(
    ("name", "jobs", "files", "user_data", "actions"),
    [
        ("diamond_workflow", 4, 6, 0, 0),
        ("hundred_jobs_parameterized", 100, 0, 0, 0),
        ("hyperparameter_sweep", 21, 20, 0, 0),
        ("multi_stage_barrier_pattern", 212, 0, 0, 0),
        ("user_data_pipeline", 3, 0, 1, 0),
        ("resource_monitoring_demo", 3, 0, 0, 0),
        ("workflow_actions", 5, 0, 0, 3),
        ("failure_handler_demo", 10, 0, 0, 0),
    ],
)
def test_example_sizes(name: str, jobs: int, files: int, user_data: int, actions: int) -> None:
    counts = summarize(expand_spec(load_spec(EXAMPLES / "yaml" / f"{name}.yaml")))["summary"]
    assert (
        counts["job_count"],
        counts["file_count"],
        counts["user_data_count"],
        counts["action_count"],
    ) == (jobs, files, user_data, actions)


def test_barrier_pattern_has_linear_dependencies() -> None:
    jobs = expand_spec(load_spec(EXAMPLES / "kdl" / "multi_stage_barrier_pattern.kdl")).jobs
    by_name = {job.name: job for job in jobs}
    assert len(by_name["barrier_preprocess_done"].depends_on) == 100
    assert by_name["analyze_042"].depends_on == ["barrier_preprocess_done"]
    assert sum(len(job.depends_on) for job in jobs) == 100 + 100 + 100 + 10


def test_hundred_jobs_dry_run_text() -> None:
    summary = summarize(
        expand_spec(load_spec(EXAMPLES / "yaml" / "hundred_jobs_parameterized.yaml"))
    )
    assert format_summary(summary) == "\n".join(
        [
            "Workflow Validation Results",
            "===========================",
            "",
            "Workflow: hundred_jobs_parameterized",
            "Description: 100 independent jobs from one parameterized spec",
            "",
            "Components to be created:",
            "  Jobs: 100 (expanded from 1 parameterized job specs)",
            "  Files: 0",
            "  User data records: 0",
            "  Resource requirements: 1",
            "  Slurm schedulers: 0",
            "  Workflow actions: 0",
            "",
            "Submission: Not ready for scheduler submission (no on_workflow_start "
            "schedule_nodes action); run it locally with `torc run`",
            "",
            "Validation: PASSED",
        ]
    )
