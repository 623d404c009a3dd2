"""The workflow specification models: what a spec file may contain, with types and defaults.

These mirror the seed's "Workflow Specification Reference". Where the seed contradicts
itself the choice made here is:

* ``jobs_sort_method`` and ``job_sort_method`` are both accepted (the docs use both), and
  a job's scheduler may be given as ``scheduler`` or ``slurm_scheduler``.
* Resource requirements need only a ``name``: ``num_cpus`` defaults to 1 and ``memory``
  to ``"1m"`` (what the CLI and server default to), ``runtime`` to ``"PT1H"`` (the spec
  table).
* A job may give its requirements inline, as the checkpointing page does
  (``resource_requirements: {num_cpus: 4, memory: 16g, runtime: PT2H}``), with the same
  fields and defaults but no name (see :mod:`torc.spec.requirements`).
* ``resource_monitor_config`` (the remote-workers page) is another spelling of
  ``resource_monitor``.
* A Slurm scheduler may leave out ``account`` when ``slurm_defaults.account`` is set.
* ``resource_monitor`` defaults to *enabled* when the section is present (the reference
  page and ``--no-resource-monitoring`` say monitoring is on by default); granularity is
  accepted as ``summary``/``time_series`` and as ``Summary``/``TimeSeries``.
* User data may be parameterized like files (the parameterization page shows it).
* Parameter values may be the seed's strings (``"1:10"``, ``"[a, b]"``) or, for
  convenience, a native list or a single number.

Types are strict: a string where an integer belongs is an error, not a silent coercion.
Unknown keys are errors too, so that a typo never goes unnoticed, except where the
original ignores them (see :mod:`torc.spec.compat`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    field_validator,
)

from torc.spec.errors import SourceMap

Scalar = str | int | float
ParameterValues = str | int | float | list[Scalar]
ParameterMode = Literal["product", "zip"]
TriggerType = Literal[
    "on_workflow_start",
    "on_workflow_complete",
    "on_jobs_ready",
    "on_jobs_complete",
    "on_worker_start",
    "on_worker_complete",
]
SortMethod = Literal["none", "gpus_runtime_memory", "gpus_memory_runtime"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class _Parameterized(_Spec):
    """Fields shared by everything that parameters can multiply (jobs, files, user data)."""

    parameters: dict[str, ParameterValues] | None = None
    parameter_mode: ParameterMode = "product"
    use_parameters: list[str] | None = None


class ResourceNeeds(_Spec):
    """CPU/GPU/node/memory/runtime needs, as a job gives them inline."""

    num_cpus: int = Field(default=1, ge=1)
    num_gpus: int = Field(default=0, ge=0)
    num_nodes: int = Field(default=1, ge=1)
    memory: str = "1m"
    runtime: str = "PT1H"


class JobSpec(_Parameterized):
    """One command to run; parameters turn it into many."""

    name: str
    command: str
    invocation_script: str | None = None
    resource_requirements: str | ResourceNeeds | None = None
    """The name of a workflow-level entry, or the needs themselves."""
    failure_handler: str | None = None
    scheduler: str | None = Field(
        default=None, validation_alias=AliasChoices("scheduler", "slurm_scheduler")
    )
    cancel_on_blocking_job_failure: bool | None = None
    supports_termination: bool | None = None
    depends_on: list[str] | None = None
    depends_on_regexes: list[str] | None = None
    input_files: list[str] | None = None
    input_file_regexes: list[str] | None = None
    output_files: list[str] | None = None
    output_file_regexes: list[str] | None = None
    input_user_data: list[str] | None = None
    input_user_data_regexes: list[str] | None = None
    output_user_data: list[str] | None = None
    output_user_data_regexes: list[str] | None = None
    env: dict[str, str] | None = None
    """Environment variables of this job, over the workflow's ``env`` (not parameterized)."""


class FileSpec(_Parameterized):
    """A file jobs read or write; producers and consumers become dependencies."""

    name: str
    path: str


class UserDataSpec(_Parameterized):
    """A named JSON value stored on the server that jobs produce or consume."""

    name: str
    data: Any = None
    is_ephemeral: bool | None = None


class ResourceRequirementsSpec(ResourceNeeds):
    """Named needs that jobs refer to."""

    name: str


class FailureHandlerRuleSpec(_Spec):
    """Which exit codes retry a failed job, how often, and what runs before the retry."""

    exit_codes: list[int] = Field(default_factory=list)
    match_all_exit_codes: bool = False
    recovery_script: str | None = None
    max_retries: int = Field(default=3, ge=0)


class FailureHandlerSpec(_Spec):
    """A named, ordered list of retry rules."""

    name: str
    rules: list[FailureHandlerRuleSpec]


class SlurmSchedulerSpec(_Spec):
    """sbatch settings for the allocations that run this workflow's job runners."""

    name: str | None = None
    account: str | None = None
    partition: str | None = None
    nodes: int = Field(default=1, ge=1)
    walltime: str = "01:00:00"
    mem: str | None = None
    gres: str | None = None
    qos: str | None = None
    ntasks_per_node: int | None = Field(default=None, ge=1)
    tmp: str | None = None
    extra: str | None = None


class SlurmDefaultsSpec(RootModel[dict[str, str | int | float | bool]]):
    """sbatch long options (without ``--``) applied to every scheduler of the workflow."""

    FORBIDDEN: ClassVar[tuple[str, ...]] = (
        "partition",
        "nodes",
        "walltime",
        "time",
        "mem",
        "gres",
        "name",
        "job-name",
    )


class WorkflowActionSpec(_Spec):
    """Commands to run, or allocations to request, when a trigger fires."""

    trigger_type: TriggerType
    action_type: Literal["run_commands", "schedule_nodes"]
    jobs: list[str] | None = None
    job_name_regexes: list[str] | None = None
    commands: list[str] | None = None
    scheduler: str | None = None
    scheduler_type: Literal["slurm", "local"] | None = None
    num_allocations: int | None = Field(default=None, ge=1)
    start_one_worker_per_node: bool | None = None
    max_parallel_jobs: int | None = Field(default=None, ge=1)
    persistent: bool | None = None


class ResourceMonitorConfig(_Spec):
    """Per-job CPU and memory sampling done by the job runners."""

    enabled: bool = True
    granularity: Literal["summary", "time_series"] = "summary"
    sample_interval_seconds: int = Field(default=5, ge=1)
    generate_plots: bool = False

    @field_validator("granularity", mode="before")
    @classmethod
    def _spelling(cls, value: Any) -> Any:
        """The reference writes ``Summary``/``TimeSeries``, the examples lower case."""
        return {"Summary": "summary", "TimeSeries": "time_series"}.get(value, value)


class DynamicJobsSpec(_Spec):
    """Limits of jobs spawned at run time (``spawn_jobs``)."""

    max_iterations: int | None = Field(default=None, ge=1)
    """Most ``spawn_jobs`` calls per lineage; unset: the server's default."""


class WorkflowSpec(_Spec):
    """A whole workflow as written in a spec file, before parameters are expanded."""

    name: str
    user: str | None = None
    description: str | None = None
    parameters: dict[str, ParameterValues] | None = None
    jobs: list[JobSpec]
    files: list[FileSpec] = Field(default_factory=list)
    user_data: list[UserDataSpec] = Field(default_factory=list)
    resource_requirements: list[ResourceRequirementsSpec] = Field(default_factory=list)
    failure_handlers: list[FailureHandlerSpec] = Field(default_factory=list)
    slurm_schedulers: list[SlurmSchedulerSpec] = Field(default_factory=list)
    slurm_defaults: SlurmDefaultsSpec | None = None
    resource_monitor: ResourceMonitorConfig | None = Field(
        default=None,
        validation_alias=AliasChoices("resource_monitor", "resource_monitor_config"),
    )
    actions: list[WorkflowActionSpec] = Field(default_factory=list)
    use_pending_failed: bool | None = None
    compute_node_expiration_buffer_seconds: int | None = None
    compute_node_wait_for_new_jobs_seconds: int | None = None
    compute_node_ignore_workflow_completion: bool | None = None
    compute_node_wait_for_healthy_database_minutes: int | None = None
    compute_node_min_time_for_new_jobs_seconds: int | None = None
    jobs_sort_method: SortMethod | None = Field(
        default=None, validation_alias=AliasChoices("jobs_sort_method", "job_sort_method")
    )
    env: dict[str, str] | None = None
    """Environment variables every job of the workflow gets."""
    dynamic_jobs: DynamicJobsSpec | None = None

    _source: SourceMap | None = PrivateAttr(default=None)

    @property
    def source(self) -> SourceMap:
        """Where the spec came from, for error messages (empty for specs built in code)."""
        if self._source is None:
            self._source = SourceMap()
        return self._source
