"""Scheduling Slurm allocations for a workflow: by hand (``torc slurm schedule-nodes``) and
from its ``schedule_nodes`` actions (``torc submit`` and job runners, when a trigger fires).

An action is claimed on the server before anything is submitted, so a one-shot action is
submitted once however many runners and submitters see it pending. Its scheduler is
resolved before the claim: a misconfigured action stays pending (and the error says why)
instead of being used up. ``torc submit`` claims without a compute node (the claim request
allows none, and the action then records no ``executed_by``): the submitter runs no jobs,
so it gets no compute node record that would count as a job runner; a job runner claims
with its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all
from torc.slurm import sbatch
from torc.slurm.submit import SubmitError, Submitted, submit

logger = logging.getLogger(__name__)
SCHEDULE_NODES = "schedule_nodes"
START_TRIGGER = "on_workflow_start"
SUBMIT_TRIGGERS = (START_TRIGGER, "on_jobs_ready", "on_jobs_complete")
"""Triggers whose schedule_nodes actions ``torc submit`` submits when they are pending:
right after initialization that is on_workflow_start and on_jobs_ready of jobs ready from
the start; later also those whose jobs got ready or finished with no runner to submit."""
MISSING_START_ACTION = "Requires workflow to have an on_workflow_start action with schedule_nodes"


class ScheduleError(Exception):
    """The scheduler or action cannot be used as asked; the message says why."""


@dataclass(frozen=True)
class Options:
    """How allocations are made, beside what the scheduler record and the action say."""

    output_dir: Path = Path("output")
    poll_interval: float = 60.0
    job_prefix: str = "worker"
    keep_scripts: bool = False
    job_steps: bool = False


@dataclass(frozen=True)
class ActionSubmission:
    action: m.WorkflowActionModel
    scheduler: m.SlurmSchedulerModel
    submitted: list[Submitted]


def slurm_schedulers(api: TorcApi, workflow_id: int) -> list[m.SlurmSchedulerModel]:
    return fetch_all(lambda offset: api.list_slurm_schedulers(workflow_id, offset=offset))


def describe(schedulers: Iterable[m.SlurmSchedulerModel]) -> str:
    return ", ".join(f"{s.id} ({s.name})" if s.name else str(s.id) for s in schedulers)


def choose_scheduler(
    api: TorcApi, workflow_id: int, scheduler_config_id: int | None = None
) -> m.SlurmSchedulerModel:
    """The given Slurm scheduler (which must be the workflow's), else the workflow's only one."""
    if scheduler_config_id is not None:
        scheduler = api.get_slurm_scheduler(scheduler_config_id)
        if scheduler.workflow_id != workflow_id:
            raise ScheduleError(
                f"Slurm scheduler {scheduler_config_id} belongs to workflow "
                f"{scheduler.workflow_id}, not to workflow {workflow_id}"
            )
        return scheduler
    schedulers = slurm_schedulers(api, workflow_id)
    if not schedulers:
        raise ScheduleError(
            f"workflow {workflow_id} has no Slurm schedulers; add one to its spec "
            "(slurm_schedulers) and pass its ID with --scheduler-config-id"
        )
    if len(schedulers) > 1:
        raise ScheduleError(
            f"workflow {workflow_id} has {len(schedulers)} Slurm schedulers: "
            f"{describe(schedulers)}; choose one with --scheduler-config-id"
        )
    return schedulers[0]


def schedule_nodes(
    api: TorcApi,
    workflow_id: int,
    scheduler: m.SlurmSchedulerModel,
    *,
    count: int = 1,
    options: Options | None = None,
    max_parallel_jobs: int | None = None,
    one_worker_per_node: bool = False,
) -> list[Submitted]:
    """Submit ``count`` allocations of ``scheduler``, each running a job runner.

    The output directory is made absolute: the allocations run elsewhere. Raises
    ScheduleError for a bad count and SubmitError when sbatch is missing or refuses.
    """
    options = options or Options()
    if count < 1:
        raise ScheduleError(f"the number of allocations must be at least 1, not {count}")
    defaults = api.get_workflow(workflow_id).slurm_defaults
    allocation = sbatch.Allocation(
        workflow_id=workflow_id,
        defaults=defaults or {},
        output_dir=options.output_dir.resolve(),
        job_name=f"{options.job_prefix}_wf{workflow_id}",
        poll_interval=options.poll_interval,
        max_parallel_jobs=max_parallel_jobs,
        one_worker_per_node=one_worker_per_node,
        job_steps=options.job_steps,
    )
    done: list[Submitted] = []
    for _ in range(count):
        try:
            done += submit(api, scheduler, allocation, keep_scripts=options.keep_scripts)
        except SubmitError as exc:
            if not done:
                raise
            jobs = ", ".join(item.slurm_job_id for item in done)
            raise SubmitError(
                f"{exc} (after {len(done)} of {count} allocations were submitted: "
                f"Slurm jobs {jobs})"
            ) from None
    return done


def config_of(action: m.WorkflowActionModel) -> dict[str, Any]:
    return action.action_config if isinstance(action.action_config, dict) else {}


class Action(Protocol):
    """An action record or an action of a spec."""

    @property
    def trigger_type(self) -> str: ...

    @property
    def action_type(self) -> str: ...


def is_start_action(action: Action) -> bool:
    return action.trigger_type == START_TRIGGER and action.action_type == SCHEDULE_NODES


def require_start_action(actions: Iterable[Action]) -> None:
    if not any(is_start_action(action) for action in actions):
        raise ScheduleError(MISSING_START_ACTION)


def action_scheduler(
    api: TorcApi, workflow_id: int, action: m.WorkflowActionModel
) -> m.SlurmSchedulerModel:
    """The Slurm scheduler a schedule_nodes action names: by ID, else by name."""
    config = config_of(action)
    kind = config.get("scheduler_type") or "slurm"
    if kind != "slurm":
        raise ScheduleError(
            f"schedule_nodes action {action.id} has scheduler_type {kind!r}; torc submits only "
            "Slurm allocations"
        )
    scheduler_id, name = config.get("scheduler_id"), config.get("scheduler")
    if isinstance(scheduler_id, int):
        return choose_scheduler(api, workflow_id, scheduler_id)
    if not name:
        raise ScheduleError(f"schedule_nodes action {action.id} names no scheduler")
    schedulers = slurm_schedulers(api, workflow_id)
    matching = [s for s in schedulers if s.name == name]
    if len(matching) != 1:
        found = f"{len(matching)} of that name" if matching else "none of that name"
        raise ScheduleError(
            f"schedule_nodes action {action.id} names Slurm scheduler {name!r}; workflow "
            f"{workflow_id} has {found} (its Slurm schedulers: {describe(schedulers) or 'none'})"
        )
    return matching[0]


def pending_schedule_actions(
    api: TorcApi, workflow_id: int, triggers: Sequence[str] = SUBMIT_TRIGGERS
) -> list[m.WorkflowActionModel]:
    pending = api.get_pending_actions(workflow_id, trigger_type=list(triggers))
    return [action for action in pending if action.action_type == SCHEDULE_NODES]


def schedule_action(
    api: TorcApi,
    workflow_id: int,
    action: m.WorkflowActionModel,
    *,
    options: Options | None = None,
    compute_node_id: int | None = None,
) -> ActionSubmission | None:
    """Claim a pending schedule_nodes action and submit its allocations.

    None when someone else claimed it first. Raises ScheduleError (before claiming) when
    its scheduler cannot be found, and SubmitError when sbatch fails (after claiming: the
    action is used up; ``torc slurm schedule-nodes`` submits by hand).
    """
    assert action.id is not None
    scheduler = action_scheduler(api, workflow_id, action)
    claim = api.claim_action(
        workflow_id, action.id, m.ClaimActionRequest(compute_node_id=compute_node_id)
    )
    if not claim.success:
        return None
    config = config_of(action)
    count = int(config.get("num_allocations") or 1)
    logger.info(
        "workflow_id=%d action %d (%s): submitting %d allocation(s) of scheduler %s",
        workflow_id,
        action.id,
        action.trigger_type,
        count,
        scheduler.name or scheduler.id,
    )
    max_parallel = config.get("max_parallel_jobs")
    submitted = schedule_nodes(
        api,
        workflow_id,
        scheduler,
        count=count,
        options=options,
        max_parallel_jobs=int(max_parallel) if max_parallel is not None else None,
        one_worker_per_node=bool(config.get("start_one_worker_per_node")),
    )
    return ActionSubmission(action, scheduler, submitted)
