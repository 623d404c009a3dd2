"""Specs the original accepts are accepted by ``torc workflows create``: the remote-workers
page's ``resource_monitor_config``, unknown keys in the monitor section and fields torc
does not use yet, each with one warning on stderr naming the file, line and key path;
unknown keys where the original refuses them still fail."""

from __future__ import annotations

from tests.cli.conftest import Torc

SPEC = """\
name: lenient
compute_node_wait_for_new_jobs_seconds: 30
resource_monitor_config:
  enabled: true
  granularity: time_series
  sample_interval_secs: 2
  metrics: [cpu, memory]
  generate_plots: true
jobs:
  - name: train
    command: echo train
    resource_requirements: {num_cpus: 1, memory: 1g, runtime: PT5M}
actions:
  - trigger_type: on_workflow_start
    action_type: run_commands
    commands: [echo start]
    start_one_worker_per_node: true
"""

WARNINGS = [
    "spec.yaml:6: resource_monitor_config.sample_interval_secs: unknown key, ignored as the "
    "original ignores it (did you mean 'sample_interval_seconds'?)",
    "spec.yaml:7: resource_monitor_config.metrics: unknown key, ignored as the original ignores it",
    "spec.yaml:8: resource_monitor_config.generate_plots: accepted, but plots are not "
    "generated automatically yet",
]


def test_lenient_keys_warn_once_each(torc: Torc) -> None:
    (torc.home / "spec.yaml").write_text(SPEC)
    for args in (["--dry-run"], []):
        result = torc("workflows", "create", "spec.yaml", *args)
        lines = result.stderr.splitlines()
        for warning in WARNINGS:
            assert sum(warning in line for line in lines) == 1, (warning, result.stderr)
        assert len(lines) == len(WARNINGS), result.stderr
    workflow = torc.json("workflows", "get", str(_last_workflow(torc)))
    monitor = {k: v for k, v in workflow["resource_monitor_config"].items() if v is not None}
    assert monitor == {
        "flush_interval_seconds": 300,
        "enabled": True,
        "granularity": "time_series",
        "sample_interval_seconds": 5,
        "generate_plots": True,
    }
    assert workflow["compute_node_wait_for_new_jobs_seconds"] == 30


def test_unknown_keys_still_fail_where_the_original_refuses_them(torc: Torc) -> None:
    (torc.home / "typo.yaml").write_text(SPEC.replace("    command: echo train", "    comand: x"))
    error = torc("workflows", "create", "typo.yaml", expect=1).stderr
    assert "typo.yaml:11: unknown field 'comand' in jobs[0] (train) (did you mean 'command'?)" in (
        error
    )
    (torc.home / "top.yaml").write_text(SPEC.replace("compute_node_wait", "compute_node_wiat"))
    error = torc("workflows", "create", "top.yaml", expect=1).stderr
    assert "top.yaml:2: unknown field 'compute_node_wiat_for_new_jobs_seconds'" in error


def _last_workflow(torc: Torc) -> int:
    listed = torc.json("workflows", "list")["workflows"]
    return max(int(w["id"]) for w in listed if w["name"] == "lenient")
