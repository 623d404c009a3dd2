"""How ``torc slurm generate`` writes into the spec document: each job entry's scheduler,
and the jobs an action names."""

from __future__ import annotations

import re
from typing import Any

from torc.slurm.sizing import GenerateError
from torc.spec.expanded import ExpandedJob

PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*(?::[^{}]*)?\}")
"""A parameter placeholder of a job name: ``{i}``, ``{i:03d}``."""


class Selector:
    """``jobs`` and ``job_name_regexes`` that name exactly a set of jobs: a parameterized
    entry whose jobs are all in the set is one anchored regex made from its name
    (``analyze_{i}`` -> ``^analyze_.+$``) when that matches no other job, so a sweep of
    thousands of jobs is one line; other jobs are named."""

    def __init__(self, data: dict[str, Any], jobs: list[ExpandedJob]) -> None:
        self.all = [job.name for job in jobs]
        self.entry_of = {job.name: job.spec_index for job in jobs}
        self.members: dict[int, set[str]] = {}
        for job in jobs:
            self.members.setdefault(job.spec_index, set()).add(job.name)
        self.templates = [entry.get("name") for entry in data["jobs"]]

    def select(self, names: list[str]) -> dict[str, list[str]]:
        chosen, patterns, covered = set(names), [], set()
        for index in dict.fromkeys(self.entry_of[name] for name in names):
            members, template = self.members[index], self.templates[index]
            if len(members) < 2 or not chosen >= members or not isinstance(template, str):
                continue
            parts = PLACEHOLDER.split(template)
            pattern = "^" + ".+".join(re.escape(part) for part in parts) + "$"
            regex = re.compile(pattern)
            if len(parts) > 1 and {n for n in self.all if regex.search(n)} == members:
                patterns.append(pattern)
                covered.add(index)
        selected: dict[str, list[str]] = {}
        explicit = [name for name in names if self.entry_of[name] not in covered]
        if explicit:
            selected["jobs"] = explicit
        if patterns:
            selected["job_name_regexes"] = patterns
        return selected


def bind_jobs(data: dict[str, Any], jobs: list[ExpandedJob], assignment: dict[str, str]) -> None:
    """Set ``scheduler`` on each job entry of the document whose jobs were assigned one."""
    per_entry: dict[int, dict[str, str]] = {}
    for job in jobs:
        if job.name in assignment:
            per_entry.setdefault(job.spec_index, {})[job.name] = assignment[job.name]
    for index, chosen in per_entry.items():
        entry = data["jobs"][index]
        entry.pop("slurm_scheduler", None)
        entry["scheduler"] = _entry_scheduler(entry, jobs, index, chosen)


def _entry_scheduler(
    entry: dict[str, Any], jobs: list[ExpandedJob], index: int, chosen: dict[str, str]
) -> str:
    """One name for every job of the entry, or a ``{param}`` template that renders to each."""
    names = set(chosen.values())
    if len(names) == 1:
        return names.pop()
    template = entry.get("resource_requirements")
    if isinstance(template, str) and all(
        chosen[job.name] == f"{job.resource_requirements}_scheduler"
        for job in jobs
        if job.spec_index == index
    ):
        return f"{template}_scheduler"
    raise GenerateError(
        f"job '{entry.get('name')}' expands to jobs that need different Slurm schedulers "
        f"({', '.join(sorted(names)[:5])}), and one job entry can name only one: split the entry, "
        "or use --group-by resource-requirements with a parameterized resource_requirements"
    )
