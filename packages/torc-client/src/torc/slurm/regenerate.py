"""``torc slurm regenerate``: new Slurm schedulers and allocations for a workflow's jobs that
are still to run (the recovery step after failed or lost allocations).

1. The jobs to plan for: uninitialized, ready or blocked ones, plus any asked for by ID.
2. Each job is *ready* (nothing it waits for is among them and it is not blocked) or
   *deferred*; jobs are grouped by resource requirements (or partition) and by that, so a
   group is ``<name>_scheduler`` or ``<name>_deferred_scheduler`` (``_2``... when the
   workflow has that name already). Partitions, walltimes and allocation counts follow
   :mod:`torc.slurm.sizing`, stages the workflow's dependency graph.
3. Applying: every schedule_nodes action of the workflow not yet executed is claimed, so
   the original staging cannot submit allocations for schedulers no job uses any more;
   the schedulers are created, the jobs pointed at them, and each stage of each group
   gets an ``on_jobs_ready`` *recovery* action (the server drops those when the workflow
   is initialized again). A ready group's action is pending at once: ``--submit`` claims
   and submits it; a deferred group's fires when its jobs become ready, and a job runner
   submits it then.

The account is ``--account``, else the one the workflow was generated with
(``metadata.slurm_generate`` of ``torc submit-slurm``/``workflows create-slurm``), else
the one its Slurm schedulers use most, else ``slurm_defaults.account``, else the
profile's ``default_account``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import torc_models as m
from torc.api import TorcApi
from torc.hpc.matching import best_partition
from torc.hpc.model import HpcProfile
from torc.paging import fetch_all
from torc.slurm.generate import ROUTING_PROFILES
from torc.slurm.sizing import GenerateError, Plan, Requirement, Sizing, combine, free_name
from torc.workflows.plan import graph_from_jobs, workflow_jobs

PENDING = frozenset({m.JobStatus.uninitialized, m.JobStatus.ready, m.JobStatus.blocked})
METADATA_KEY = "slurm_generate"
"""Where ``submit-slurm`` and ``create-slurm`` record the generation settings."""
_LINK_FIELDS = (
    "depends_on_job_ids",
    "input_file_ids",
    "output_file_ids",
    "input_user_data_ids",
    "output_user_data_ids",
)


@dataclass(frozen=True)
class RegenerateOptions:
    account: str | None = None
    group_by: str = "resource-requirements"
    sizing: Sizing = field(default_factory=Sizing)
    include_job_ids: tuple[int, ...] = ()


@dataclass
class Stage:
    job_ids: list[int]
    job_names: list[str]
    allocations: int
    action_id: int | None = None


@dataclass
class Group:
    plan: Plan
    scheduler: dict[str, Any]
    deferred: bool
    stages: list[Stage]
    scheduler_id: int | None = None

    @property
    def jobs(self) -> int:
        return sum(len(stage.job_ids) for stage in self.stages)


@dataclass
class Regeneration:
    workflow_id: int
    profile: str
    account: str
    groups: list[Group]

    def summary(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "profile": self.profile,
            "account": self.account,
            "schedulers": [
                {
                    **group.scheduler,
                    "id": group.scheduler_id,
                    "deferred": group.deferred,
                    "stages": [
                        {
                            "jobs": stage.job_names,
                            "num_allocations": stage.allocations,
                            "action_id": stage.action_id,
                        }
                        for stage in group.stages
                    ],
                }
                for group in self.groups
            ],
        }


def recorded_settings(workflow: m.WorkflowModel) -> dict[str, Any]:
    """The generation settings stored on the workflow (empty when there are none)."""
    metadata = workflow.metadata if isinstance(workflow.metadata, dict) else {}
    settings = metadata.get(METADATA_KEY)
    return settings if isinstance(settings, dict) else {}


def choose_account(
    api: TorcApi, workflow: m.WorkflowModel, given: str | None, profile: HpcProfile
) -> str:
    if given:
        return given
    recorded = recorded_settings(workflow).get("account")
    if isinstance(recorded, str) and recorded:
        return recorded
    assert workflow.id is not None
    schedulers = fetch_all(lambda o: api.list_slurm_schedulers(workflow.id or 0, offset=o))
    used = Counter(s.account for s in schedulers if s.account)
    if used:
        return used.most_common(1)[0][0]
    default = (workflow.slurm_defaults or {}).get("account") or profile.default_account
    if isinstance(default, str) and default:
        return default
    raise GenerateError(
        f"workflow {workflow.id} has no Slurm account to reuse (it was not created with "
        "--account by torc submit-slurm or torc workflows create-slurm, and has no Slurm "
        "schedulers): pass --account"
    )


def initialize_first(api: TorcApi, workflow_id: int, submit: bool) -> None:
    """Initialize a never-initialized workflow before regenerating (with ``submit``):
    initialization drops recovery actions, so it must come before them."""
    from torc.workflows.operations import WorkflowError, initialize_workflow

    if not api.is_workflow_uninitialized(workflow_id).is_uninitialized:
        return
    if not submit:
        raise GenerateError(
            f"workflow {workflow_id} is not initialized, and initializing it later would drop "
            "the allocations regenerate sets up: pass --submit (it initializes the workflow "
            "first), or initialize it with torc workflows initialize"
        )
    try:
        initialize_workflow(api, workflow_id)
    except WorkflowError as exc:
        raise GenerateError(f"cannot initialize workflow {workflow_id}: {exc}") from None


def plan_regeneration(
    api: TorcApi, workflow_id: int, profile: HpcProfile, options: RegenerateOptions
) -> Regeneration:
    """What regeneration would create; nothing is changed. No groups: nothing to run."""
    options.sizing.check()
    workflow = api.get_workflow(workflow_id)
    account = choose_account(api, workflow, options.account, profile)
    included = set(options.include_job_ids)
    jobs = [j for j in workflow_jobs(api, workflow_id) if j.status in PENDING or j.id in included]
    graph = graph_from_jobs(jobs)
    level_of = {job: index for index, level in enumerate(graph.levels()) for job in level}
    requirements = _requirements(api, workflow_id)
    default = next((r for r in requirements.values() if r.name == "default"), None)
    keyed: dict[tuple[str, bool], list[tuple[m.JobModel, Requirement]]] = {}
    partitions = {}
    for job in jobs:
        requirement = requirements.get(job.resource_requirements_id or -1, default)
        if requirement is None:
            raise GenerateError(f"job {job.id} ({job.name}) has no resource requirements")
        partition = best_partition(profile, requirement.need)
        if partition is None:
            raise GenerateError(
                f"No partition found for job '{job.name}' (ID {job.id}): resource "
                f"requirements '{requirement.name}' need {requirement.describe()}; see the "
                f"partitions with `torc hpc partitions {profile.name}`"
            )
        key = requirement.name if options.group_by == "resource-requirements" else partition.name
        partitions[key] = partition
        deferred = bool(graph.blockers[job.id or 0]) or job.status == m.JobStatus.blocked
        keyed.setdefault((key, deferred), []).append((job, requirement))
    taken = {
        s.name
        for s in fetch_all(lambda o: api.list_slurm_schedulers(workflow_id, offset=o))
        if s.name
    }
    groups = []
    for (key, deferred), members in keyed.items():
        name = free_name(f"{key}_deferred_scheduler" if deferred else f"{key}_scheduler", taken)
        needs = combine(key, (r for _, r in members))
        by_level: dict[int, list[m.JobModel]] = {}
        for job, _ in members:
            by_level.setdefault(level_of[job.id or 0], []).append(job)
        sizes = [len(level) for level in by_level.values()]
        plan = Plan.make(name, partitions[key], needs, sizes, options.sizing)
        fields = plan.fields(
            account, with_partition=profile.name not in ROUTING_PROFILES, largest_stage=max(sizes)
        )
        stages = [
            Stage(
                [j.id or 0 for j in level],
                [j.name for j in level],
                plan.allocations(len(level)),
            )
            for _, level in sorted(by_level.items())
        ]
        groups.append(Group(plan, fields, deferred, stages))
    return Regeneration(workflow_id, profile.name, account, groups)


def _requirements(api: TorcApi, workflow_id: int) -> dict[int, Requirement]:
    records = fetch_all(lambda o: api.list_resource_requirements(workflow_id, offset=o))
    return {
        rr.id: Requirement.parse(
            rr.name or f"rr{rr.id}",
            rr.num_cpus or 1,
            rr.memory or "1m",
            rr.runtime or "PT1H",
            rr.num_gpus or 0,
            rr.num_nodes or 1,
        )
        for rr in records
        if rr.id is not None
    }


def apply_regeneration(api: TorcApi, regeneration: Regeneration) -> list[int]:
    """Claim the old schedule_nodes actions, create the schedulers, bind the jobs and add
    the recovery actions; returns the new actions' IDs (in the groups' stages too)."""
    workflow_id = regeneration.workflow_id
    if not regeneration.groups:
        return []  # nothing to run: the workflow's own actions stay as they are
    for action in api.get_workflow_actions(workflow_id):
        if action.action_type == "schedule_nodes" and not action.executed and action.id:
            api.claim_action(workflow_id, action.id, m.ClaimActionRequest())
    created: list[int] = []
    for group in regeneration.groups:
        record = api.create_slurm_scheduler(
            m.SlurmSchedulerModel(workflow_id=workflow_id, **group.scheduler)
        )
        assert record.id is not None
        group.scheduler_id = record.id
        for stage in group.stages:
            for job_id in stage.job_ids:
                job = api.get_job(job_id)
                unset = dict.fromkeys(("status", *_LINK_FIELDS))
                api.update_job(job_id, job.model_copy(update={**unset, "scheduler_id": record.id}))
            stage.action_id = _recovery_action(api, workflow_id, group, stage)
            created.append(stage.action_id)
    return created


def _recovery_action(api: TorcApi, workflow_id: int, group: Group, stage: Stage) -> int:
    config: dict[str, Any] = {
        "scheduler_type": "slurm",
        "scheduler": group.plan.name,
        "scheduler_id": group.scheduler_id,
        "num_allocations": stage.allocations,
    }
    largest = max(len(s.job_ids) for s in group.stages)
    if group.plan.one_worker_per_node(largest):
        config["start_one_worker_per_node"] = True
    action = api.create_workflow_action(
        workflow_id,
        m.WorkflowActionModel(
            workflow_id=workflow_id,
            trigger_type="on_jobs_ready",
            action_type="schedule_nodes",
            action_config=config,
            job_ids=stage.job_ids,
            is_recovery=True,
            persistent=None,
            executed=None,
            required_triggers=None,
            trigger_count=None,
        ),
    )
    assert action.id is not None
    return action.id
