"""create_workflow_from_spec against a real server: records, links, IDs, settings,
statuses after initialization, and all-or-nothing creation."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

import torc_models as m
from torc.api import ApiError, TorcApi
from torc.spec import SpecError, WorkflowActionSpec, create_workflow_from_spec, parse_spec_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def create(api: TorcApi, text: str, **options: Any) -> int:
    spec = parse_spec_text(textwrap.dedent(text), "yaml", "inline.yaml")
    return create_workflow_from_spec(api, spec, **options)


def jobs_by_name(api: TorcApi, workflow_id: int) -> dict[str, m.JobModel]:
    listed = api.list_jobs(workflow_id, include_relationships=True, limit=10000).items or []
    return {job.name: job for job in listed}


def statuses(api: TorcApi, workflow_id: int) -> dict[str, str]:
    return {name: str(job.status) for name, job in jobs_by_name(api, workflow_id).items()}


@pytest.mark.parametrize("fmt", ["yaml/diamond_workflow.yaml", "kdl/diamond_workflow.kdl"])
def test_diamond_creates_jobs_files_and_links(api: TorcApi, fmt: str) -> None:
    workflow_id = create_workflow_from_spec(api, EXAMPLES / fmt)
    files = {f.name: f for f in api.list_files(workflow_id).items or []}
    assert set(files) == {"input_file", "intermediate1", "intermediate2", "result1", "result2",
                          "final_output"}  # fmt: skip
    assert files["result1"].path == "torc_output/diamond/result1.txt"
    file_id = {name: f.id for name, f in files.items()}
    jobs = jobs_by_name(api, workflow_id)
    assert list(jobs) == ["preprocess", "work1", "work2", "postprocess"]
    assert jobs["preprocess"].input_file_ids == [file_id["input_file"]]
    assert jobs["preprocess"].output_file_ids == [
        file_id["intermediate1"],
        file_id["intermediate2"],
    ]
    assert jobs["postprocess"].input_file_ids == [file_id["result1"], file_id["result2"]]
    assert not jobs["postprocess"].depends_on_job_ids
    assert jobs["work1"].command == (
        "sort torc_output/diamond/intermediate1.txt | uniq > torc_output/diamond/result1.txt"
    )
    requirements = {r.name: r for r in api.list_resource_requirements(workflow_id).items or []}
    assert jobs["work1"].resource_requirements_id == requirements["medium"].id
    assert requirements["medium"].num_cpus == 2 and requirements["medium"].memory == "2g"

    api.initialize_jobs(workflow_id)
    assert statuses(api, workflow_id) == {
        "preprocess": "ready",
        "work1": "blocked",
        "work2": "blocked",
        "postprocess": "blocked",
    }
    links = api.list_job_file_relationships(workflow_id).items
    produced = {(r.file_name, r.producer_job_name, r.consumer_job_name) for r in links}
    assert ("intermediate1", "preprocess", "work1") in produced
    assert ("result2", "work2", "postprocess") in produced
    assert ("input_file", None, "preprocess") in produced


def test_user_data_ids_are_substituted(api: TorcApi) -> None:
    workflow_id = create_workflow_from_spec(api, EXAMPLES / "json" / "user_data_pipeline.json5")
    records = api.list_user_data(workflow_id).items or []
    assert [(u.name, u.data) for u in records] == [("ml_config", None)]
    record_id = records[0].id
    jobs = jobs_by_name(api, workflow_id)
    assert jobs["generate_config"].command.startswith(f"torc user-data update {record_id} --data")
    assert jobs["train_model"].command.endswith(f"torc user-data get {record_id}")
    assert jobs["generate_config"].output_user_data_ids == [record_id]
    assert jobs["evaluate_model"].input_user_data_ids == [record_id]
    api.initialize_jobs(workflow_id)
    assert statuses(api, workflow_id) == {
        "generate_config": "ready",
        "train_model": "blocked",
        "evaluate_model": "blocked",
    }
    links = api.list_job_user_data_relationships(workflow_id).items
    assert {(r.producer_job_name, r.consumer_job_name) for r in links} == {
        ("generate_config", "train_model"),
        ("generate_config", "evaluate_model"),
    }


def test_workflow_settings(api: TorcApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "alice")
    plain = create(api, "name: plain\njobs: [{name: a, command: echo}]\n")
    workflow = api.get_workflow(plain)
    assert workflow.user == "alice"
    assert workflow.resource_monitor_config is not None
    assert workflow.resource_monitor_config.model_dump(exclude_none=True) == {
        "flush_interval_seconds": 300,
        "enabled": True,
        "granularity": "summary",
        "sample_interval_seconds": 5,
        "generate_plots": False,
    }
    assert workflow.execution_config is None and workflow.slurm_defaults is None

    text = """
        name: tuned
        user: bob
        description: all the settings
        use_pending_failed: true
        compute_node_wait_for_new_jobs_seconds: 90
        job_sort_method: gpus_memory_runtime
        resource_monitor: {granularity: TimeSeries, sample_interval_seconds: 2}
        slurm_defaults: {account: proj, qos: high}
        jobs: [{name: a, command: echo}]
    """
    tuned = api.get_workflow(create(api, text))
    assert tuned.user == "bob" and tuned.description == "all the settings"
    assert tuned.use_pending_failed is True
    assert tuned.compute_node_wait_for_new_jobs_seconds == 90
    assert tuned.execution_config is not None and tuned.resource_monitor_config is not None
    assert tuned.execution_config.model_dump(exclude_unset=True) == {
        "jobs_sort_method": "gpus_memory_runtime"
    }
    assert tuned.slurm_defaults == {"account": "proj", "qos": "high"}
    monitor = tuned.resource_monitor_config
    assert (monitor.granularity, monitor.sample_interval_seconds) == ("time_series", 2)

    overridden = api.get_workflow(create(api, text, user="carol", no_resource_monitoring=True))
    assert overridden.user == "carol"
    assert overridden.resource_monitor_config is not None
    assert overridden.resource_monitor_config.enabled is False


def test_default_requirements_are_updated_not_duplicated(api: TorcApi) -> None:
    workflow_id = create(
        api,
        """
        name: w
        resource_requirements:
          - {name: default, num_cpus: 2, memory: 2g, runtime: PT2H}
          - {name: big, num_cpus: 8, memory: 32g}
        jobs:
          - {name: a, command: echo, resource_requirements: default}
          - {name: b, command: echo, resource_requirements: big}
          - {name: c, command: echo}
        """,
    )
    requirements = {r.name: r for r in api.list_resource_requirements(workflow_id).items or []}
    assert sorted(requirements) == ["big", "default"]
    assert (requirements["default"].num_cpus, requirements["default"].memory) == (2, "2g")
    assert requirements["big"].runtime == "PT1H"  # the spec's default runtime
    jobs = jobs_by_name(api, workflow_id)
    assert jobs["a"].resource_requirements_id == requirements["default"].id
    assert jobs["b"].resource_requirements_id == requirements["big"].id


SLURM_SPEC = """
    name: slurm
    slurm_defaults: {account: from_defaults}
    slurm_schedulers:
      - {name: cpu, nodes: 2, walltime: "04:00:00", partition: short}
      - {name: gpu, account: gpu_account, gres: "gpu:2"}
    failure_handlers:
      - name: retry
        rules:
          - {exit_codes: [10, 11], recovery_script: echo fix, max_retries: 2}
          - {match_all_exit_codes: true}
    jobs:
      - {name: prep, command: echo, scheduler: cpu, failure_handler: retry,
         cancel_on_blocking_job_failure: false}
      - {name: "train_{i}", command: echo, slurm_scheduler: gpu, depends_on: [prep],
         parameters: {i: "1:3"}}
      - {name: report, command: echo, depends_on_regexes: ["^train_"]}
    actions:
      - {trigger_type: on_workflow_start, action_type: schedule_nodes, scheduler: cpu,
         scheduler_type: slurm, num_allocations: 2, start_one_worker_per_node: true}
      - {trigger_type: on_jobs_ready, action_type: schedule_nodes, scheduler: gpu,
         scheduler_type: slurm, job_name_regexes: ["^train_"], max_parallel_jobs: 4}
      - {trigger_type: on_jobs_complete, action_type: run_commands, jobs: [report],
         commands: [echo done, ls]}
      - {trigger_type: on_worker_start, action_type: run_commands, commands: [hostname]}
"""


def test_schedulers_handlers_layers_and_actions(api: TorcApi) -> None:
    workflow_id = create(api, SLURM_SPEC)
    schedulers = {s.name: s for s in api.list_slurm_schedulers(workflow_id).items or []}
    assert schedulers["cpu"].account == "from_defaults"
    assert (schedulers["cpu"].nodes, schedulers["cpu"].partition) == (2, "short")
    assert schedulers["gpu"].account == "gpu_account" and schedulers["gpu"].walltime == "01:00:00"
    handler = (api.list_failure_handlers(workflow_id).items or [])[0]
    assert json.loads(handler.rules) == [
        {"exit_codes": [10, 11], "match_all_exit_codes": False, "recovery_script": "echo fix",
         "max_retries": 2},
        {"exit_codes": [], "match_all_exit_codes": True, "max_retries": 3},
    ]  # fmt: skip

    jobs = jobs_by_name(api, workflow_id)
    assert jobs["prep"].scheduler_id == schedulers["cpu"].id
    assert jobs["prep"].failure_handler_id == handler.id
    assert jobs["prep"].cancel_on_blocking_job_failure is False
    assert jobs["train_2"].scheduler_id == schedulers["gpu"].id
    assert jobs["train_2"].depends_on_job_ids == [jobs["prep"].id]
    assert jobs["report"].scheduler_id is None
    trains = [jobs[f"train_{i}"].id for i in (1, 2, 3)]
    assert jobs["report"].depends_on_job_ids == trains

    actions = api.get_workflow_actions(workflow_id)
    start, ready, complete, worker = actions
    assert start.action_config == {
        "scheduler_type": "slurm",
        "scheduler": "cpu",
        "scheduler_id": schedulers["cpu"].id,
        "num_allocations": 2,
        "start_one_worker_per_node": True,
    }
    assert ready.job_ids == [jobs[f"train_{i}"].id for i in (1, 2, 3)]
    assert ready.required_triggers == 3  # derived by the server from the jobs
    assert ready.action_config["max_parallel_jobs"] == 4
    assert complete.action_config == {"commands": ["echo done", "ls"]}
    assert complete.job_ids == [jobs["report"].id]
    assert start.persistent is False and worker.persistent is True

    api.initialize_jobs(workflow_id)
    assert statuses(api, workflow_id) == {
        "prep": "ready",
        "train_1": "blocked",
        "train_2": "blocked",
        "train_3": "blocked",
        "report": "blocked",
    }


def test_unset_cancel_on_blocking_job_failure_is_not_sent(
    api: TorcApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    original = api._call

    def spy(method: str, template: str, **kwargs: Any) -> Any:
        if template == "/bulk_jobs":
            sent.extend(kwargs["body"]["jobs"])
        return original(method, template, **kwargs)

    monkeypatch.setattr(api, "_call", spy)
    create(api, "name: w\njobs: [{name: a, command: x}, {name: b, command: x, "
                "cancel_on_blocking_job_failure: true}]\n")  # fmt: skip
    assert "cancel_on_blocking_job_failure" not in sent[0]
    assert sent[1]["cancel_on_blocking_job_failure"] is True


def test_existing_files_get_their_mtime(api: TorcApi, tmp_path: Path) -> None:
    present = tmp_path / "present.txt"
    present.write_text("x")
    workflow_id = create(
        api,
        f"""
        name: w
        files:
          - {{name: present, path: {present}}}
          - {{name: absent, path: {tmp_path / "absent.txt"}}}
        jobs: [{{name: a, command: "cat ${{files.input.present}}"}}]
        """,
    )
    files = {f.name: f for f in api.list_files(workflow_id).items or []}
    assert files["present"].st_mtime == pytest.approx(present.stat().st_mtime)
    assert files["absent"].st_mtime is None


def test_progress_is_reported(api: TorcApi) -> None:
    seen: list[tuple[str, int, int]] = []
    create_workflow_from_spec(
        api, EXAMPLES / "yaml" / "hyperparameter_sweep.yaml", progress=lambda *a: seen.append(a)
    )
    assert ("files", 20, 20) in seen
    assert seen[-1] == ("jobs", 21, 21) or ("jobs", 21, 21) in seen


def test_check_errors_block_creation_unless_skipped(api: TorcApi) -> None:
    text = """
        name: w
        slurm_schedulers: [{name: s, account: p, nodes: 1}]
        resource_requirements: [{name: wide, num_nodes: 4}]
        jobs: [{name: a, command: echo, scheduler: s, resource_requirements: wide}]
    """
    with pytest.raises(SpecError, match=r"scheduler checks failed.*--skip-checks"):
        create(api, text)
    assert not api.list_workflows().items
    assert create(api, text, skip_checks=True) > 0


def test_failure_after_jobs_deletes_the_workflow(
    api: TorcApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    created_jobs: list[int] = []
    original = api.create_workflow_action

    def refuse(id: int, model: m.WorkflowActionModel) -> m.WorkflowActionModel:
        created_jobs.append(len(api.list_jobs(id).items or []))
        original(id, model)
        raise ApiError(500, "the server broke")

    monkeypatch.setattr(api, "create_workflow_action", refuse)
    with pytest.raises(ApiError, match="the server broke"):
        create(api, SLURM_SPEC)
    assert created_jobs == [5]  # the jobs existed when it failed
    assert not api.list_workflows().items


def test_interrupt_during_jobs_deletes_the_workflow(api: TorcApi) -> None:
    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "jobs":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        create_workflow_from_spec(
            api, EXAMPLES / "kdl" / "multi_stage_barrier_pattern.kdl", progress=interrupt
        )
    assert not api.list_workflows().items


def test_server_rejection_midway_deletes_the_workflow(api: TorcApi) -> None:
    """The last record (an action over the server's 10 MiB request limit) is refused."""
    huge = "echo " + "x" * (11 * 2**20)
    spec = parse_spec_text("name: w\njobs: [{name: a, command: echo}]\n", "yaml")
    action = {
        "trigger_type": "on_workflow_start",
        "action_type": "run_commands",
        "commands": [huge],
    }
    spec.actions.append(WorkflowActionSpec.model_validate(action))
    with pytest.raises(ApiError) as caught:
        create_workflow_from_spec(api, spec)
    assert caught.value.status_code == 413
    assert not api.list_workflows().items
