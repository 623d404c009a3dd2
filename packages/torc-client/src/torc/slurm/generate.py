"""``torc slurm generate``: Slurm schedulers and staged allocation actions for a spec.

The output is the spec as written plus, for the jobs that have no scheduler yet (every
job with ``force``):

* ``slurm_schedulers``: one per resource-requirements name (``<name>_scheduler``) or, with
  group-by ``partition``, one per partition (``<partition>_scheduler``, sized for the
  largest needs of its jobs). Sizes, walltimes and counts follow :mod:`torc.slurm.sizing`.
  The partition is written out except for Kestrel, whose Slurm routes an allocation to a
  partition by its resources and walltime (the manual's "partition: null # Let Slurm
  choose"); any other cluster would put it in its default partition.
* each job's ``scheduler``;
* ``actions`` (unless ``--no-actions``), staged by the execution plan
  (:mod:`torc.workflows.plan`: explicit dependencies and those through files and user
  data): per scheduler, ``on_workflow_start`` for its jobs ready at the start and one
  ``on_jobs_ready`` naming its jobs of each later stage, so nodes are requested only when
  their jobs can run.

Without ``force`` the spec's own schedulers, the jobs bound to them and every existing
action stay as they are; with it they are replaced (``run_commands`` and local-scheduler
actions are kept). A job without resource requirements uses the spec's ``default``
entry; without one it is an error, since nothing says what to allocate.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from torc.hpc.matching import best_partition
from torc.hpc.model import HpcProfile, Partition
from torc.slurm.sizing import (
    GROUP_BY,
    GenerateError,
    Plan,
    Requirement,
    Sizing,
    combine,
    free_name,
)
from torc.slurm.spec_edit import Selector, bind_jobs
from torc.slurm.spec_file import SpecFile
from torc.spec.expanded import ExpandedJob
from torc.spec.workflow import expand_spec
from torc.workflows.plan import graph_from_spec_jobs

ROUTING_PROFILES = frozenset({"kestrel"})
"""Profiles whose Slurm picks the partition itself: generated schedulers name none."""
LISTED_JOBS = 5


@dataclass(frozen=True)
class GenerateOptions:
    account: str
    group_by: str = "resource-requirements"
    sizing: Sizing = field(default_factory=Sizing)
    actions: bool = True
    force: bool = False


@dataclass
class Generated:
    """The output document and what was added to it."""

    data: dict[str, Any]
    profile: str
    account: str
    schedulers: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    jobs: int = 0
    """Jobs bound to the generated schedulers."""
    kept: int = 0
    """Jobs that keep the scheduler the spec gave them."""
    options: GenerateOptions | None = None
    """How they were generated (recorded on workflows made from them)."""

    def summary(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "account": self.account,
            "jobs": self.jobs,
            "jobs_keeping_their_scheduler": self.kept,
            "slurm_schedulers": self.schedulers,
            "actions": self.actions,
        }

    def text(self) -> str:
        lines = [
            f"Profile {self.profile}: {len(self.schedulers)} Slurm scheduler(s) and "
            f"{len(self.actions)} action(s) for {self.jobs} job(s)"
        ]
        if self.kept:
            lines.append(f"{self.kept} job(s) keep the scheduler the spec gives them")
        for scheduler in self.schedulers:
            shown = ", ".join(f"{k}={v}" for k, v in scheduler.items() if k != "name")
            lines.append(f"  scheduler {scheduler['name']}: {shown}")
        for action in self.actions:
            jobs = [*action.get("jobs", []), *action.get("job_name_regexes", [])]
            when = f"when ready: {_some(jobs)}" if jobs else "at workflow start"
            lines.append(
                f"  {action['num_allocations']} allocation(s) of {action['scheduler']} {when}"
            )
        return "\n".join(lines)


def generate(spec_file: SpecFile, profile: HpcProfile, options: GenerateOptions) -> Generated:
    """Raises GenerateError (or SpecError for a spec that does not expand)."""
    options.sizing.check()
    if options.group_by not in GROUP_BY:
        choices = " or ".join(GROUP_BY)
        raise GenerateError(f"unknown --group-by '{options.group_by}'; use {choices}")
    if not options.account.strip():
        raise GenerateError("--account must name a Slurm account")
    spec = spec_file.spec
    expanded = expand_spec(spec)
    levels = graph_from_spec_jobs(expanded.jobs).levels()
    level_of = {name: index for index, names in enumerate(levels) for name in names}
    targets = [job for job in expanded.jobs if options.force or job.scheduler is None]
    requirements = {
        rr.name: Requirement.parse(
            rr.name, rr.num_cpus, rr.memory, rr.runtime, rr.num_gpus, rr.num_nodes
        )
        for rr in expanded.resource_requirements
    }
    groups = _group(targets, requirements, profile, options.group_by)
    kept = [] if options.force else [s.name for s in spec.slurm_schedulers if s.name]
    taken = set(kept)
    with_partition = profile.name not in ROUTING_PROFILES
    result = Generated(
        copy.deepcopy(spec_file.data), profile.name, options.account, options=options
    )
    result.jobs, result.kept = len(targets), len(expanded.jobs) - len(targets)
    selector = Selector(result.data, expanded.jobs)
    assignment: dict[str, str] = {}
    staged: list[tuple[int, int, dict[str, Any]]] = []
    for order, (key, (partition, requirement, jobs)) in enumerate(groups.items()):
        stages = Counter(level_of[job.name] for job in jobs)
        name = free_name(f"{key}_scheduler", taken)
        plan = Plan.make(name, partition, requirement, stages.values(), options.sizing)
        largest = max(stages.values())
        result.schedulers.append(
            plan.fields(options.account, with_partition=with_partition, largest_stage=largest)
        )
        assignment.update((job.name, name) for job in jobs)
        if options.actions:
            made = _actions(plan, jobs, level_of, largest, selector)
            staged += ((level, order, action) for level, action in made)
    result.actions = [action for _, _, action in sorted(staged, key=lambda s: s[:2])]
    bind_jobs(result.data, expanded.jobs, assignment)
    _replace_lists(result, options.force)
    return result


Group = tuple[Partition, Requirement, list[ExpandedJob]]


def _group(
    jobs: list[ExpandedJob],
    requirements: dict[str, Requirement],
    profile: HpcProfile,
    group_by: str,
) -> dict[str, Group]:
    """Jobs by resource requirements or by partition, in the order jobs first appear."""
    matched: dict[str, Partition] = {}
    unmatched: dict[str, list[str]] = {}
    by_key: dict[str, list[ExpandedJob]] = {}
    for job in jobs:
        rr = job.resource_requirements or "default"
        if rr not in requirements:
            raise GenerateError(
                f"job '{job.name}' has no resource_requirements, and Slurm schedulers are "
                "made from them: give it some (e.g. resource_requirements: {num_cpus: 1, "
                "memory: 1g, runtime: PT1H}) or define a 'default' entry"
            )
        if rr not in matched and rr not in unmatched:
            partition = best_partition(profile, requirements[rr].need)
            if partition is None:
                unmatched[rr] = []
            else:
                matched[rr] = partition
        if rr in unmatched:
            unmatched[rr].append(job.name)
            continue
        key = rr if group_by == "resource-requirements" else matched[rr].name
        by_key.setdefault(key, []).append(job)
    if unmatched:
        raise GenerateError(_no_partition(unmatched, requirements, profile))
    groups: dict[str, Group] = {}
    for key, members in by_key.items():
        names = {job.resource_requirements or "default" for job in members}
        if group_by == "resource-requirements":
            (rr,) = names
            groups[key] = (matched[rr], requirements[rr], members)
        else:
            needs = combine(key, (requirements[n] for n in sorted(names)))
            groups[key] = (profile.partition(key), needs, members)
    return groups


def _no_partition(
    unmatched: dict[str, list[str]], requirements: dict[str, Requirement], profile: HpcProfile
) -> str:
    problems = []
    for rr, jobs in unmatched.items():
        others = f" (and {len(jobs) - 1} more job(s) with them)" if len(jobs) > 1 else ""
        problems.append(
            f"No partition found for job '{jobs[0]}'{others}: resource requirements '{rr}' "
            f"need {requirements[rr].describe()}"
        )
    return (
        "; ".join(problems) + f". No partition of HPC profile '{profile.name}' has that much "
        "(CPUs, memory and GPUs per node, walltime): see them with "
        f"`torc hpc partitions {profile.name}` and lower the requirements"
    )


def _actions(
    plan: Plan,
    jobs: list[ExpandedJob],
    level_of: dict[str, int],
    largest: int,
    selector: Selector,
) -> list[tuple[int, dict[str, Any]]]:
    """One schedule_nodes action per stage of the scheduler's jobs, with its stage."""
    by_level: dict[int, list[str]] = {}
    for job in jobs:
        by_level.setdefault(level_of[job.name], []).append(job.name)
    actions = []
    for level in sorted(by_level):
        names = by_level[level]
        action: dict[str, Any] = {
            "trigger_type": "on_workflow_start" if level == 0 else "on_jobs_ready",
            "action_type": "schedule_nodes",
        }
        if level:
            action.update(selector.select(names))
        action.update(
            scheduler=plan.name,
            scheduler_type="slurm",
            num_allocations=plan.allocations(len(names)),
        )
        if plan.one_worker_per_node(largest):
            action["start_one_worker_per_node"] = True
        actions.append((level, action))
    return actions


def _replace_lists(result: Generated, force: bool) -> None:
    data = result.data
    if force:
        data["slurm_schedulers"] = list(result.schedulers)
        data["actions"] = [a for a in data.get("actions") or [] if not _is_slurm_schedule(a)]
    elif result.schedulers:
        data["slurm_schedulers"] = [*(data.get("slurm_schedulers") or []), *result.schedulers]
    if result.actions:
        data["actions"] = [*(data.get("actions") or []), *result.actions]
    for key in ("slurm_schedulers", "actions"):
        if data.get(key) == []:
            del data[key]


def _is_slurm_schedule(action: Any) -> bool:
    return (
        isinstance(action, dict)
        and action.get("action_type") == "schedule_nodes"
        and action.get("scheduler_type") in (None, "slurm")
    )


def _some(names: Iterable[str], limit: int = LISTED_JOBS) -> str:
    items = list(names)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
