"""Parameter expansion: one job, file or user-data spec into the records it stands for.

A spec with parameters and a placeholder in its name becomes one record per combination.
A *job* with parameters but no placeholder in its name stays one job (the seed's fan-in
``aggregate`` job): its lists (``depends_on``, ``input_files``, ...) are expanded over all
combinations, and a ``${files.input.out_{i}}`` reference in its command becomes the
references to every ``out_*`` file, separated by spaces. A file or user-data spec whose
name has no placeholder cannot be multiplied and is an error, as is a placeholder left
in a fan-in job's command. Shared (workflow-level) parameters apply only through
``use_parameters``; a job's own parameter of the same name takes precedence. Inline
resource requirements are named here (:mod:`torc.spec.requirements`); placeholders in
their memory and runtime are rendered like the command.
"""

from __future__ import annotations

import re
from typing import Any

from torc.spec.errors import SourceMap
from torc.spec.expanded import ExpandedFile, ExpandedJob, ExpandedUserData
from torc.spec.models import FileSpec, JobSpec, ResourceNeeds, UserDataSpec, WorkflowSpec
from torc.spec.parameters import (
    Combination,
    ParameterError,
    Template,
    Value,
    combinations,
    parse_values,
)
from torc.spec.requirements import InlineRequirements

JOB_TEXT_FIELDS = (
    "invocation_script",
    "resource_requirements",
    "failure_handler",
    "scheduler",
)
JOB_LIST_FIELDS = (
    "depends_on",
    "depends_on_regexes",
    "input_files",
    "input_file_regexes",
    "output_files",
    "output_file_regexes",
    "input_user_data",
    "input_user_data_regexes",
    "output_user_data",
    "output_user_data_regexes",
)
NEEDS_TEXT_FIELDS = ("memory", "runtime")
REFERENCE = re.compile(r"\$\{(files|user_data)\.(input|output)\.((?:[^{}]|\{[^{}]*\})+)\}")
"""``${files.input.NAME}``; NAME may still hold ``{param}`` placeholders."""


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class Expander:
    """Expands the jobs, files and user data of one spec, reporting errors with lines."""

    def __init__(self, spec: WorkflowSpec) -> None:
        self.spec = spec
        self.source: SourceMap = spec.source
        self._shared: dict[str, list[Value]] = {}
        self.inline = InlineRequirements(spec)

    def _parameters(
        self, item: JobSpec | FileSpec | UserDataSpec, path: tuple[str | int, ...]
    ) -> dict[str, list[Value]]:
        params: dict[str, list[Value]] = {}
        shared = self.spec.parameters or {}
        for name in item.use_parameters or []:
            if name not in shared:
                known = ", ".join(f"'{n}'" for n in shared) or "none"
                kind = {"jobs": "job", "files": "file"}.get(str(path[0]), "user data")
                raise self.source.error(
                    (*path, "use_parameters"),
                    f"{kind} '{item.name}': use_parameters names '{name}', which is not a "
                    f"workflow parameter (defined: {known})",
                )
            if name not in self._shared:
                self._shared[name] = self._values(name, shared[name], ("parameters", name))
            params[name] = self._shared[name]
        for name, raw in (item.parameters or {}).items():
            params[name] = self._values(name, raw, (*path, "parameters", name))
        return params

    def _values(self, name: str, raw: Any, path: tuple[str | int, ...]) -> list[Value]:
        try:
            return parse_values(name, raw)
        except ParameterError as exc:
            raise self.source.error(path, str(exc)) from None

    def _combinations(
        self, item: JobSpec | FileSpec | UserDataSpec, path: tuple[str | int, ...]
    ) -> tuple[list[str], list[dict[str, Value]]]:
        params = self._parameters(item, path)
        if not params:
            return [], []
        try:
            return list(params), combinations(params, item.parameter_mode)
        except ParameterError as exc:
            raise self.source.error((*path, "parameters"), str(exc)) from None

    def _render(self, template: Template, combo: Combination, path: tuple[str | int, ...]) -> str:
        try:
            return template.render(combo)
        except ParameterError as exc:
            raise self.source.error(path, str(exc)) from None

    # --- jobs ---------------------------------------------------------------------------

    def jobs(self) -> tuple[list[ExpandedJob], int]:
        """All expanded jobs and how many job specs had parameters."""
        jobs: list[ExpandedJob] = []
        parameterized = 0
        for index, job in enumerate(self.spec.jobs):
            names, combos = self._combinations(job, ("jobs", index))
            if not combos:
                jobs.append(self._plain_job(job, index))
                continue
            parameterized += 1
            if Template(job.name, names).has_placeholders:
                jobs.extend(self._job_per_combination(job, index, names, combos))
            else:
                jobs.append(self._fan_in_job(job, index, names, combos))
        return jobs, parameterized

    def _plain_job(self, job: JobSpec, index: int) -> ExpandedJob:
        record = ExpandedJob(name=job.name, command=job.command, spec_index=index)
        for field in (*JOB_TEXT_FIELDS, "cancel_on_blocking_job_failure", "supports_termination"):
            setattr(record, field, getattr(job, field))
        if isinstance(job.resource_requirements, ResourceNeeds):
            needs = job.resource_requirements
            record.resource_requirements = self.inline.name_for(needs, job.name, ("jobs", index))
        for field in JOB_LIST_FIELDS:
            values = getattr(job, field)
            if values:
                setattr(record, field, unique(values))
        return record

    def _job_per_combination(
        self, job: JobSpec, index: int, names: list[str], combos: list[dict[str, Value]]
    ) -> list[ExpandedJob]:
        path = ("jobs", index)
        name, command = Template(job.name, names), Template(job.command, names)
        texts = {
            f: Template(getattr(job, f), names)
            for f in JOB_TEXT_FIELDS
            if isinstance(getattr(job, f), str) and getattr(job, f)
        }
        needs, needs_templates = self._needs(job, names)
        fixed_needs = (
            self.inline.name_for(needs, job.name, path) if needs and not needs_templates else None
        )
        lists = {
            f: [Template(v, names) for v in getattr(job, f)]
            for f in JOB_LIST_FIELDS
            if getattr(job, f)
        }
        records = []
        try:  # one handler for the whole loop: 100,000 renders add up
            for combo in combos:
                record = ExpandedJob(
                    name=name.render(combo),
                    command=command.render(combo),
                    spec_index=index,
                    cancel_on_blocking_job_failure=job.cancel_on_blocking_job_failure,
                    supports_termination=job.supports_termination,
                )
                for field, template in texts.items():
                    setattr(record, field, template.render(combo))
                if fixed_needs is not None:
                    record.resource_requirements = fixed_needs
                elif needs is not None:
                    rendered = {f: tpl.render(combo) for f, tpl in needs_templates.items()}
                    record.resource_requirements = self.inline.name_for(
                        needs.model_copy(update=rendered), record.name, path
                    )
                for field, templates in lists.items():
                    setattr(record, field, unique([t.render(combo) for t in templates]))
                records.append(record)
        except ParameterError as exc:
            raise self.source.error(path, str(exc)) from None
        return records

    def _fan_in_job(
        self, job: JobSpec, index: int, names: list[str], combos: list[dict[str, Value]]
    ) -> ExpandedJob:
        path = ("jobs", index)
        if self._needs(job, names)[1]:
            raise self.source.error(
                (*path, "resource_requirements"),
                f"job '{job.name}': resource_requirements uses a parameter, but the job's "
                "name has none, so it is a single job and the parameter has no one value",
            )
        record = self._plain_job(job, index)
        record.command = self._fan_in_text(job.command, names, combos, (*path, "command"), job)
        if job.invocation_script:
            record.invocation_script = self._fan_in_text(
                job.invocation_script, names, combos, (*path, "invocation_script"), job
            )
        for field in JOB_TEXT_FIELDS:
            value = getattr(job, field)
            is_text = isinstance(value, str) and field != "invocation_script"
            if is_text and value and Template(value, names).has_placeholders:
                raise self.source.error(
                    (*path, field),
                    f"job '{job.name}': {field} uses a parameter, but the job's "
                    "name has none, so it is a single job and the parameter has no one value",
                )
        for field in JOB_LIST_FIELDS:
            templates = [Template(v, names) for v in getattr(job, field) or []]
            if templates:
                try:
                    rendered = [t.render(c) for t in templates for c in combos]
                except ParameterError as exc:
                    raise self.source.error((*path, field), str(exc)) from None
                setattr(record, field, unique(rendered))
        return record

    def _needs(
        self, job: JobSpec, names: list[str]
    ) -> tuple[ResourceNeeds | None, dict[str, Template]]:
        """A job's inline needs and the templates of those of its texts with placeholders."""
        needs = job.resource_requirements
        if not isinstance(needs, ResourceNeeds):
            return None, {}
        templates = {f: Template(getattr(needs, f), names) for f in NEEDS_TEXT_FIELDS}
        return needs, {f: tpl for f, tpl in templates.items() if tpl.has_placeholders}

    def _fan_in_text(
        self,
        text: str,
        names: list[str],
        combos: list[dict[str, Value]],
        path: tuple[str | int, ...],
        job: JobSpec,
    ) -> str:
        """``${files.input.out_{i}}`` -> ``${files.input.out_1} ${files.input.out_2} ...``."""

        def every(match: re.Match[str]) -> str:
            template = Template(match.group(0), names)
            if not template.has_placeholders:
                return match.group(0)
            return " ".join(unique([self._render(template, c, path) for c in combos]))

        result = REFERENCE.sub(every, text)
        if Template(result, names).has_placeholders:
            raise self.source.error(
                path,
                f"job '{job.name}' has parameters but no placeholder in its name, so it is one "
                "job (a fan-in); a parameter placeholder in its command has no single value "
                "(only ${files...}/${user_data...} references can span all values)",
            )
        return result

    # --- files and user data ------------------------------------------------------------

    def files(self) -> list[ExpandedFile]:
        records: list[ExpandedFile] = []
        for index, spec in enumerate(self.spec.files):
            path = ("files", index)
            names, combos = self._combinations(spec, path)
            if not combos:
                records.append(ExpandedFile(spec.name, spec.path, index))
                continue
            name = self._multiplied_name(spec, names, path, "file")
            file_path = Template(spec.path, names)
            try:
                records += [
                    ExpandedFile(name.render(c), file_path.render(c), index) for c in combos
                ]
            except ParameterError as exc:
                raise self.source.error(path, str(exc)) from None
        return records

    def user_data(self) -> list[ExpandedUserData]:
        records: list[ExpandedUserData] = []
        for index, spec in enumerate(self.spec.user_data):
            path = ("user_data", index)
            names, combos = self._combinations(spec, path)
            if not combos:
                records.append(ExpandedUserData(spec.name, spec.data, spec.is_ephemeral, index))
                continue
            name = self._multiplied_name(spec, names, path, "user data")
            for combo in combos:
                data = self._render_data(spec.data, names, combo, (*path, "data"))
                rendered = self._render(name, combo, (*path, "name"))
                records.append(ExpandedUserData(rendered, data, spec.is_ephemeral, index))
        return records

    def _multiplied_name(
        self,
        spec: FileSpec | UserDataSpec,
        names: list[str],
        path: tuple[str | int, ...],
        kind: str,
    ) -> Template:
        template = Template(spec.name, names)
        if not template.has_placeholders:
            raise self.source.error(
                (*path, "name"),
                f"{kind} '{spec.name}' has parameters but its name uses none of them, so every "
                f"copy would have the same name; add a placeholder such as '{{{names[0]}}}'",
            )
        return template

    def _render_data(
        self, data: Any, names: list[str], combo: Combination, path: tuple[str | int, ...]
    ) -> Any:
        """Placeholders inside user-data JSON strings (the seed's ``"{experiment}"``)."""
        if isinstance(data, str):
            return self._render(Template(data, names), combo, path)
        if isinstance(data, list):
            return [self._render_data(item, names, combo, path) for item in data]
        if isinstance(data, dict):
            return {
                self._render(Template(str(k), names), combo, path): self._render_data(
                    v, names, combo, path
                )
                for k, v in data.items()
            }
        return data
