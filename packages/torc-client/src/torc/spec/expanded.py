"""The expanded workflow: every job, file and user-data record the server will hold.

Expansion turns a :class:`WorkflowSpec` into these plain records, with parameters
substituted, ``${files...}`` references replaced by paths, and every reference (explicit,
regex or implicit) resolved to names that exist. ``${user_data...}`` references stay in
the command until creation, when the records' IDs are known. They are slotted dataclasses
rather than pydantic models because a sweep can hold hundreds of thousands of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from torc.spec.models import ResourceRequirementsSpec, WorkflowActionSpec, WorkflowSpec


@dataclass(slots=True)
class ExpandedJob:
    name: str
    command: str
    spec_index: int
    invocation_script: str | None = None
    resource_requirements: str | None = None
    failure_handler: str | None = None
    scheduler: str | None = None
    cancel_on_blocking_job_failure: bool | None = None
    supports_termination: bool | None = None
    depends_on: list[str] = field(default_factory=list)
    depends_on_regexes: list[str] = field(default_factory=list)
    input_files: list[str] = field(default_factory=list)
    input_file_regexes: list[str] = field(default_factory=list)
    output_files: list[str] = field(default_factory=list)
    output_file_regexes: list[str] = field(default_factory=list)
    input_user_data: list[str] = field(default_factory=list)
    input_user_data_regexes: list[str] = field(default_factory=list)
    output_user_data: list[str] = field(default_factory=list)
    output_user_data_regexes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ExpandedFile:
    name: str
    path: str
    spec_index: int


@dataclass(slots=True)
class ExpandedUserData:
    name: str
    data: Any
    is_ephemeral: bool | None
    spec_index: int


@dataclass(slots=True)
class ExpandedAction:
    spec: WorkflowActionSpec
    index: int
    job_names: list[str] = field(default_factory=list)


@dataclass
class ExpandedWorkflow:
    """What :func:`~torc.spec.expand_spec` returns and creation sends to the server."""

    spec: WorkflowSpec
    jobs: list[ExpandedJob]
    files: list[ExpandedFile]
    user_data: list[ExpandedUserData]
    actions: list[ExpandedAction]
    warnings: list[str] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)
    """Problems ``--skip-checks`` may override (scheduler node requirements)."""
    parameterized_job_specs: int = 0
    inline_requirements: list[ResourceRequirementsSpec] = field(default_factory=list)
    """Records made from jobs' inline needs; the jobs name them."""

    @property
    def resource_requirements(self) -> list[ResourceRequirementsSpec]:
        """Every record to create: the spec's named ones, then the inline ones."""
        return [*self.spec.resource_requirements, *self.inline_requirements]

    def as_dict(self) -> dict[str, Any]:
        """A plain, format-independent view (e.g. to compare two specs' expansions)."""
        spec = self.spec.model_dump(
            mode="json", exclude={"jobs", "files", "user_data", "actions", "parameters"}
        )
        return {
            "workflow": spec,
            "jobs": [_without_index(asdict(job)) for job in self.jobs],
            "files": [_without_index(asdict(f)) for f in self.files],
            "user_data": [_without_index(asdict(u)) for u in self.user_data],
            "actions": [
                {**a.spec.model_dump(mode="json"), "job_names": a.job_names} for a in self.actions
            ],
            "inline_resource_requirements": [
                r.model_dump(mode="json") for r in self.inline_requirements
            ],
            "warnings": self.warnings,
            "check_errors": self.check_errors,
        }


def _without_index(record: dict[str, Any]) -> dict[str, Any]:
    record.pop("spec_index", None)
    return record
