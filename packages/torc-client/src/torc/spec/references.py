"""Names after expansion: duplicates, ``${...}`` substitution, references, regexes, cycles.

Every reference must name something that exists; every regex must compile and match at
least one name (a regex that matches nothing is almost always a typo). Regexes match
anywhere in a name (``re.search``, as in the original), so anchor them with ``^...$``
to be exact; a job's own name is never one of its dependencies. Cycles are found over
explicit and implicit (file and user-data) dependencies together and reported with the
jobs that form them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from torc.spec.errors import Path, SpecError, did_you_mean
from torc.spec.expand import REFERENCE, unique
from torc.spec.expanded import ExpandedAction, ExpandedFile, ExpandedJob, ExpandedUserData
from torc.spec.models import ResourceRequirementsSpec, WorkflowSpec

# Job list field -> (the regex field that adds to it, what it names)
_JOB_REFERENCES = {
    "depends_on": ("depends_on_regexes", "job"),
    "input_files": ("input_file_regexes", "file"),
    "output_files": ("output_file_regexes", "file"),
    "input_user_data": ("input_user_data_regexes", "user data"),
    "output_user_data": ("output_user_data_regexes", "user data"),
}


class Resolver:
    def __init__(
        self,
        spec: WorkflowSpec,
        jobs: list[ExpandedJob],
        files: list[ExpandedFile],
        user_data: list[ExpandedUserData],
        inline: list[ResourceRequirementsSpec],
    ) -> None:
        self.spec, self.source = spec, spec.source
        self.inline_names = {r.name for r in inline}
        self.jobs, self.files, self.user_data = jobs, files, user_data
        self.file_paths = {f.name: f.path for f in files}
        self.names: dict[str, list[str]] = {
            "job": [j.name for j in jobs],
            "file": list(self.file_paths),
            "user data": [u.name for u in user_data],
        }
        self._regex_cache: dict[tuple[str, str], list[str]] = {}

    def _error(self, job: ExpandedJob, field: str, message: str) -> SpecError:
        return self.source.error(("jobs", job.spec_index, field), f"job '{job.name}': {message}")

    def check_unique(self) -> None:
        self._unique("jobs", ((j.name, j.spec_index) for j in self.jobs), "job")
        self._unique("files", ((f.name, f.spec_index) for f in self.files), "file")
        self._unique("user_data", ((u.name, u.spec_index) for u in self.user_data), "user data")
        for section, kind in (
            ("resource_requirements", "resource requirements"),
            ("failure_handlers", "failure handler"),
            ("slurm_schedulers", "scheduler"),
        ):
            items = getattr(self.spec, section)
            named = ((item.name, i) for i, item in enumerate(items) if item.name is not None)
            self._unique(section, named, kind)

    def _unique(self, section: str, names: Iterable[tuple[str, int]], kind: str) -> None:
        first: dict[str, int] = {}
        for name, index in names:
            if name in first:
                earlier = self.source.locate((section, first[name], "name"))[0]
                where = f" (first defined at line {earlier})" if earlier else ""
                message = f"duplicate {kind} name '{name}'{where}"
                raise self.source.error((section, index, "name"), message)
            first[name] = index

    def substitute(self) -> None:
        """``${files.X.NAME}`` -> the file's path; both kinds add the job's link to NAME.

        ``${user_data.X.NAME}`` stays until creation, which puts the record's ID there.
        """
        user_data = set(self.names["user data"])
        for job in self.jobs:
            for field in ("command", "invocation_script"):
                text = getattr(job, field)
                if text and "${" in text:
                    setattr(job, field, self._substitute(job, field, text, user_data))

    def _substitute(self, job: ExpandedJob, field: str, text: str, user_data: set[str]) -> str:
        found: dict[str, list[str]] = {}

        def replace(match: re.Match[str]) -> str:
            kind, direction, name = match.groups()
            known = self.file_paths if kind == "files" else user_data
            if name not in known:
                what = "file" if kind == "files" else "user data"
                hint = did_you_mean(name, known)
                raise self._error(job, field, f"{match.group(0)} names no {what}{hint}")
            found.setdefault(f"{direction}_{kind}", []).append(name)
            return self.file_paths[name] if kind == "files" else match.group(0)

        result = REFERENCE.sub(replace, text)
        for links, names in found.items():  # input_files, output_user_data, ...
            setattr(job, links, unique(getattr(job, links) + names))
        return result

    def resolve_jobs(self) -> None:
        """Check every named reference and add what each regex matches."""
        known = {
            "resource_requirements": {r.name for r in self.spec.resource_requirements}
            | self.inline_names
            | {"default"},
            "failure_handler": {h.name for h in self.spec.failure_handlers},
            "scheduler": {s.name for s in self.spec.slurm_schedulers if s.name},
        }
        sets = {kind: set(names) for kind, names in self.names.items()}
        for job in self.jobs:
            for field, names in known.items():
                value = getattr(job, field)
                if value is not None and value not in names:
                    what = field.replace("_", " ")
                    hint = did_you_mean(value, names)
                    raise self._error(job, field, f"{what} '{value}' is not defined{hint}")
            for field, (regex_field, kind) in _JOB_REFERENCES.items():
                values: list[str] = getattr(job, field)
                for value in values:
                    if value not in sets[kind]:
                        hint = did_you_mean(value, self.names[kind])
                        raise self._error(job, field, f"{field} names no {kind} '{value}'{hint}")
                if kind == "job" and job.name in values:
                    raise self._error(job, field, "a job cannot depend on itself")
                patterns: list[str] = getattr(job, regex_field)
                if patterns:
                    path = ("jobs", job.spec_index, regex_field)
                    matched = [m for p in patterns for m in self._matches(p, kind, path, job.name)]
                    setattr(job, field, unique(values + matched))

    def _matches(
        self, pattern: str, kind: str, path: Path, exclude: str | None = None
    ) -> list[str]:
        key = (pattern, kind)
        if key not in self._regex_cache:
            try:
                regex = re.compile(pattern)
            except re.error as exc:
                raise self.source.error(path, f"invalid regex '{pattern}': {exc}") from None
            self._regex_cache[key] = [n for n in self.names[kind] if regex.search(n)]
        found = [n for n in self._regex_cache[key] if n != exclude]
        if not found:
            owner = f"job '{exclude}': " if exclude else ""
            raise self.source.error(path, f"{owner}regex '{pattern}' matches no {kind}")
        return found

    def actions(self) -> list[ExpandedAction]:
        schedulers = {s.name for s in self.spec.slurm_schedulers if s.name}
        jobs = set(self.names["job"])
        resolved = []
        for index, action in enumerate(self.spec.actions):
            path: Path = ("actions", index)
            for name in action.jobs or []:
                if name not in jobs:
                    hint = did_you_mean(name, jobs)
                    raise self.source.error((*path, "jobs"), f"action names no job '{name}'{hint}")
            matched = [
                m
                for pattern in action.job_name_regexes or []
                for m in self._matches(pattern, "job", (*path, "job_name_regexes"))
            ]
            names = unique([*(action.jobs or []), *matched])
            if action.trigger_type in ("on_jobs_ready", "on_jobs_complete") and not names:
                message = f"a {action.trigger_type} action needs jobs or job_name_regexes"
                raise self.source.error((*path, "trigger_type"), message)
            if action.action_type == "run_commands" and not action.commands:
                raise self.source.error(path, "a run_commands action needs commands")
            if action.action_type == "schedule_nodes":
                self._check_schedule_nodes(index, schedulers)
            resolved.append(ExpandedAction(action, index, names))
        return resolved

    def _check_schedule_nodes(self, index: int, schedulers: set[str]) -> None:
        action, path = self.spec.actions[index], ("actions", index)
        if action.scheduler_type is None:
            raise self.source.error(path, "a schedule_nodes action needs scheduler_type")
        if action.scheduler_type == "slurm":
            if action.scheduler is None:
                raise self.source.error(path, "a schedule_nodes action needs a scheduler")
            if action.scheduler not in schedulers:
                hint = did_you_mean(action.scheduler, schedulers)
                message = f"action names no slurm scheduler '{action.scheduler}'{hint}"
                raise self.source.error((*path, "scheduler"), message)

    def check_cycles(self) -> None:
        """Kahn's algorithm over all dependencies; leftovers hold at least one cycle."""
        index = {job.name: i for i, job in enumerate(self.jobs)}
        blockers: list[list[int]] = [[index[d] for d in job.depends_on] for job in self.jobs]
        for inputs, outputs in (
            ("input_files", "output_files"),
            ("input_user_data", "output_user_data"),
        ):
            producers: dict[str, list[int]] = {}
            for i, job in enumerate(self.jobs):
                for name in getattr(job, outputs):
                    producers.setdefault(name, []).append(i)
            for i, job in enumerate(self.jobs):
                for name in getattr(job, inputs):
                    blockers[i].extend(p for p in producers.get(name, ()) if p != i)
        dependents: list[list[int]] = [[] for _ in self.jobs]
        waiting = [0] * len(self.jobs)
        for i, deps in enumerate(blockers):
            for d in deps:
                dependents[d].append(i)
            waiting[i] = len(deps)
        ready = [i for i, count in enumerate(waiting) if count == 0]
        done = 0
        while ready:
            current = ready.pop()
            done += 1
            for dependent in dependents[current]:
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    ready.append(dependent)
        if done < len(self.jobs):
            self._report_cycle(blockers, waiting)

    def _report_cycle(self, blockers: list[list[int]], waiting: list[int]) -> None:
        """Walk back through unfinished blockers until a job repeats: that loop is a cycle."""
        current = next(i for i, count in enumerate(waiting) if count > 0)
        seen: dict[int, int] = {}
        trail: list[int] = []
        while current not in seen:
            seen[current] = len(trail)
            trail.append(current)
            current = next(b for b in blockers[current] if waiting[b] > 0)
        cycle = [self.jobs[i] for i in reversed(trail[seen[current] :])]
        names = " -> ".join(f"'{job.name}'" for job in [*cycle, cycle[0]])
        message = f"circular dependency: {names} (each job waits for the one before it)"
        raise self.source.error(("jobs", cycle[0].spec_index, "name"), message)
