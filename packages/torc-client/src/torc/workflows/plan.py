"""Execution plans: in which stages a workflow's jobs become ready, and which scheduler
allocations each stage triggers.

A stage is a topological level of the dependency graph (explicit dependencies plus the
implicit ones from files and user data that one job writes and another reads): stage 1
holds the jobs ready at workflow start, stage N the jobs whose last blocker is in stage
N-1. The graph comes from a spec file (expanded locally, nothing is created) or from an
existing workflow through the API. :class:`DependencyGraph` is also what the initialize
dry run uses to follow dependencies.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import torc_models as m
from torc.api import TorcApi
from torc.paging import fetch_all

if TYPE_CHECKING:
    from torc.spec.expanded import ExpandedJob, ExpandedWorkflow

K = TypeVar("K", bound=Hashable)
MAX_LISTED_TRIGGERS = 3
"""Up to this many completing jobs are named in a stage's trigger; more are counted."""


class CycleError(ValueError):
    """The dependencies form a cycle, so some jobs could never become ready."""


@dataclass
class DependencyGraph(Generic[K]):
    """Jobs keyed by ID (or by name for specs), each with the jobs it waits for."""

    names: dict[K, str] = field(default_factory=dict)
    blockers: dict[K, set[K]] = field(default_factory=dict)

    def add(self, key: K, name: str) -> None:
        self.names[key] = name
        self.blockers.setdefault(key, set())

    def link(self, job: K, blocker: K) -> None:
        if job != blocker:
            self.blockers[job].add(blocker)

    def link_data(self, readers: dict[Any, list[K]], writers: dict[Any, list[K]]) -> None:
        """Implicit dependencies: a reader of a file or user-data record waits for its writers."""
        for record, jobs in readers.items():
            for job in jobs:
                for writer in writers.get(record, ()):
                    self.link(job, writer)

    def levels(self) -> list[list[K]]:
        """Jobs grouped by topological level, each level in insertion order."""
        dependents = self._dependents()
        waiting = {key: len(deps) for key, deps in self.blockers.items()}
        current = [key for key in self.names if not waiting[key]]
        grouped: list[list[K]] = []
        order = {key: i for i, key in enumerate(self.names)}
        while current:
            grouped.append(sorted(current, key=order.__getitem__))
            following = []
            for key in current:
                for job in dependents.get(key, ()):
                    waiting[job] -= 1
                    if not waiting[job]:
                        following.append(job)
            current = following
        if sum(map(len, grouped)) != len(self.names):
            stuck = sorted(self.names[k] for k, count in waiting.items() if count)
            raise CycleError(f"dependency cycle among jobs: {', '.join(stuck[:10])}")
        return grouped

    def _dependents(self) -> dict[K, list[K]]:
        dependents: dict[K, list[K]] = {}
        for job, deps in self.blockers.items():
            for dep in deps:
                dependents.setdefault(dep, []).append(job)
        return dependents


def _index(jobs: Sequence[m.JobModel], field_name: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for job in jobs:
        for record in getattr(job, field_name) or ():
            found.setdefault(record, []).append(job.id or 0)
    return found


def graph_from_jobs(jobs: Sequence[m.JobModel]) -> DependencyGraph[int]:
    """The graph of jobs listed with ``include_relationships``."""
    graph: DependencyGraph[int] = DependencyGraph()
    for job in jobs:
        graph.add(job.id or 0, job.name)
    for job in jobs:
        for blocker in job.depends_on_job_ids or ():
            if blocker in graph.names:
                graph.link(job.id or 0, blocker)
    graph.link_data(_index(jobs, "input_file_ids"), _index(jobs, "output_file_ids"))
    graph.link_data(_index(jobs, "input_user_data_ids"), _index(jobs, "output_user_data_ids"))
    return graph


def workflow_jobs(api: TorcApi, workflow_id: int) -> list[m.JobModel]:
    return fetch_all(
        lambda offset: api.list_jobs(workflow_id, include_relationships=True, offset=offset)
    )


def workflow_graph(api: TorcApi, workflow_id: int) -> DependencyGraph[int]:
    return graph_from_jobs(workflow_jobs(api, workflow_id))


@dataclass
class Allocation:
    scheduler: str
    scheduler_type: str
    num_allocations: int

    def text(self) -> str:
        return f"{self.scheduler} ({self.scheduler_type}) - {self.num_allocations} allocation(s)"


@dataclass
class Stage:
    number: int
    trigger: str
    jobs: list[str]
    allocations: list[Allocation] = field(default_factory=list)


@dataclass
class ExecutionPlan:
    workflow_name: str
    total_jobs: int
    stages: list[Stage]
    workflow_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "workflow_name": self.workflow_name,
            "total_jobs": self.total_jobs,
            "total_stages": len(self.stages),
            "stages": [
                {
                    "stage_number": s.number,
                    "trigger": s.trigger,
                    "scheduler_allocations": [vars(a) for a in s.allocations],
                    "jobs_becoming_ready": s.jobs,
                }
                for s in self.stages
            ],
        }

    def text(self) -> str:
        lines = [f"Workflow: {self.workflow_name}", f"Total Jobs: {self.total_jobs}"]
        for stage in self.stages:
            marker = "▶" if stage.number == 1 else "→"
            lines += ["", f"{marker} Stage {stage.number}: {stage.trigger}"]
            if stage.allocations:
                lines.append("  Scheduler Allocations:")
                lines += [f"    • {a.text()}" for a in stage.allocations]
            lines.append("  Jobs Becoming Ready:")
            lines += [f"    • {name}" for name in collapse_names(stage.jobs)]
        lines += ["", f"Total Stages: {len(self.stages)}"]
        return "\n".join(lines)


NUMBERED = re.compile(r"^(.*\D|)(\d+)(\D*)$")


def collapse_names(names: Sequence[str]) -> list[str]:
    """``work_1 .. work_5`` -> ``work_{1..5}``: runs of consecutive numbers that differ
    only in their last number are shown as one range."""
    numbered: dict[tuple[str, str], list[str]] = {}
    for name in names:
        match = NUMBERED.match(name)
        if match:
            numbered.setdefault((match[1], match[3]), []).append(match[2])
    groups: dict[tuple[str, str, int], list[str]] = {}
    for (prefix, suffix), all_digits in numbered.items():
        # zero-padded numbers (001) and those of the same width (100) form one sequence
        padded = {len(d) for d in all_digits if d.startswith("0") and len(d) > 1}
        for digits in all_digits:
            width = len(digits) if len(digits) in padded else 0
            groups.setdefault((prefix, suffix, width), []).append(digits)
    shown: dict[str, str] = {}
    for (prefix, suffix, _), numbers in groups.items():
        for run in _consecutive(sorted(set(numbers), key=int)):
            label = f"{prefix}{{{run[0]}..{run[-1]}}}{suffix}" if len(run) > 1 else None
            for member in run:
                name = f"{prefix}{member}{suffix}"
                shown[name] = label or name
    result: list[str] = []
    for name in names:
        label = shown.get(name, name)
        if label not in result:
            result.append(label)
    return result


def _consecutive(numbers: list[str]) -> list[list[str]]:
    """``["1", "2", "3", "7"]`` -> ``[["1", "2", "3"], ["7"]]``."""
    runs: list[list[str]] = []
    for number in numbers:
        if runs and int(number) == int(runs[-1][-1]) + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def describe_trigger(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"When job '{names[0]}' completes"
    if len(names) <= MAX_LISTED_TRIGGERS:
        return "When jobs " + ", ".join(f"'{n}'" for n in names) + " complete"
    return f"When {len(names)} jobs complete"


@dataclass
class ActionInfo:
    """A schedule_nodes action reduced to what the plan shows."""

    trigger_type: str
    jobs: set[Any]
    allocation: Allocation


def build_plan(
    name: str,
    graph: DependencyGraph[K],
    actions: Sequence[ActionInfo],
    workflow_id: int | None = None,
) -> ExecutionPlan:
    levels = graph.levels()
    level_of = {job: i for i, jobs in enumerate(levels) for job in jobs}
    stages = []
    for index, jobs in enumerate(levels):
        if index == 0:
            trigger = "Workflow Start"
        else:
            triggers = {dep for job in jobs for dep in graph.blockers[job]}
            ordered = [graph.names[k] for k in graph.names if k in triggers]
            trigger = describe_trigger(ordered)
        stages.append(Stage(index + 1, trigger, [graph.names[k] for k in jobs]))
    for action in actions:
        matched = [level_of[j] for j in action.jobs if j in level_of]
        if action.trigger_type == "on_workflow_start":
            target: int | None = 0
        elif action.trigger_type == "on_jobs_ready" and matched:
            target = max(matched)
        elif action.trigger_type == "on_jobs_complete" and matched:
            target = max(matched) + 1
        else:
            target = None
        if target is not None and target < len(stages):
            stages[target].allocations.append(action.allocation)
    return ExecutionPlan(name, len(graph.names), stages, workflow_id)


def plan_for_workflow(api: TorcApi, workflow_id: int) -> ExecutionPlan:
    """The plan of an existing workflow, from its jobs, schedulers and actions."""
    workflow = api.get_workflow(workflow_id)
    graph = workflow_graph(api, workflow_id)
    schedulers: dict[tuple[str, int], str] = {}
    for record in fetch_all(lambda o: api.list_slurm_schedulers(workflow_id, offset=o)):
        schedulers["slurm", record.id or 0] = record.name or f"slurm_{record.id}"
    for local in fetch_all(lambda o: api.list_local_schedulers(workflow_id, offset=o)):
        schedulers["local", local.id or 0] = local.name or f"local_{local.id}"
    actions = []
    for action in api.get_workflow_actions(workflow_id):
        config = action.action_config if isinstance(action.action_config, dict) else {}
        if action.action_type != "schedule_nodes":
            continue
        kind = str(config.get("scheduler_type") or "slurm")
        scheduler_id = config.get("scheduler_id")
        label = schedulers.get((kind, scheduler_id)) if isinstance(scheduler_id, int) else None
        allocation = Allocation(
            label or str(config.get("scheduler") or scheduler_id or "?"),
            kind,
            int(config.get("num_allocations") or 1),
        )
        actions.append(ActionInfo(action.trigger_type, set(action.job_ids or ()), allocation))
    return build_plan(workflow.name, graph, actions, workflow_id)


def _names(values: Iterable[str] | None) -> list[str]:
    return list(values or ())


def _matching(
    exact: Iterable[str] | None, patterns: Iterable[str] | None, pool: list[str]
) -> set[str]:
    found = set(_names(exact))
    for pattern in _names(patterns):
        regex = re.compile(pattern)
        found.update(name for name in pool if regex.search(name))
    return found


def graph_from_spec_jobs(jobs: Sequence[ExpandedJob]) -> DependencyGraph[str]:
    """The graph of expanded spec jobs, keyed by job name.

    Regex references are resolved against the names present; files and user data link
    jobs by name like the server links them by ID.
    """
    graph: DependencyGraph[str] = DependencyGraph()
    names = [job.name for job in jobs]
    for name in names:
        graph.add(name, name)
    readers: dict[tuple[str, str], list[str]] = {}
    writers: dict[tuple[str, str], list[str]] = {}
    records = {
        "file": sorted({f for j in jobs for f in _names(j.input_files) + _names(j.output_files)}),
        "data": sorted(
            {u for j in jobs for u in _names(j.input_user_data) + _names(j.output_user_data)}
        ),
    }
    for job in jobs:
        for dep in _matching(job.depends_on, job.depends_on_regexes, names):
            if dep in graph.names:
                graph.link(job.name, dep)
        links = (
            (readers, "file", job.input_files, job.input_file_regexes),
            (writers, "file", job.output_files, job.output_file_regexes),
            (readers, "data", job.input_user_data, job.input_user_data_regexes),
            (writers, "data", job.output_user_data, job.output_user_data_regexes),
        )
        for table, kind, exact, patterns in links:
            for record in _matching(exact, patterns, records[kind]):
                table.setdefault((kind, record), []).append(job.name)
    graph.link_data(readers, writers)
    return graph


def plan_for_spec(expanded: ExpandedWorkflow) -> ExecutionPlan:
    """The plan of an expanded spec (``torc.spec.expand_spec``); nothing is created."""
    graph = graph_from_spec_jobs(expanded.jobs)
    names = [job.name for job in expanded.jobs]
    actions = []
    for expanded_action in expanded.actions:
        action = expanded_action.spec
        if action.action_type != "schedule_nodes":
            continue
        allocation = Allocation(
            action.scheduler or "?", action.scheduler_type or "slurm", action.num_allocations or 1
        )
        matched = set(expanded_action.job_names) | _matching(
            action.jobs, action.job_name_regexes, names
        )
        actions.append(ActionInfo(action.trigger_type, matched, allocation))
    return build_plan(expanded.spec.name, graph, actions)
