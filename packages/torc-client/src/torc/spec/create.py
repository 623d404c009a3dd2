"""``create_workflow_from_spec``: send an expanded workflow to the server, all or nothing.

Order: the workflow, resource requirements (the server already made ``default``; a spec
entry of that name updates it), failure handlers, Slurm schedulers, files and user data
in bulk, jobs in bulk, then actions. Jobs go in dependency layers of their *explicit*
``depends_on`` (whose IDs must exist to be sent) in requests of up to 10,000; implicit
file and user-data dependencies are links to records made earlier and need no order.
``${user_data...}`` references in commands become the records' IDs, so a command can run
``torc user-data get <id>``. Any failure, including an interrupt, deletes the partly
created workflow before the error propagates.

Optional fields the user did not set are sent as absent, never as a default, so the
server's own defaults apply (e.g. ``cancel_on_blocking_job_failure``, and an action's
``required_triggers``, which the server derives from its job count).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

import torc_models as m
from torc.api import TorcApi
from torc.spec.checks import raise_check_errors, scheduler_account
from torc.spec.expand import REFERENCE
from torc.spec.expanded import ExpandedJob, ExpandedWorkflow
from torc.spec.loading import load_spec
from torc.spec.models import ResourceMonitorConfig, WorkflowSpec
from torc.spec.workflow import expand_spec
from torc.user import login_name

Progress = Callable[[str, int, int], None]
_LINKS = (
    ("depends_on", "jobs", "depends_on_job_ids"),
    ("input_files", "files", "input_file_ids"),
    ("output_files", "files", "output_file_ids"),
    ("input_user_data", "user_data", "input_user_data_ids"),
    ("output_user_data", "user_data", "output_user_data_ids"),
)
CHUNK = 10_000
T = TypeVar("T")
logger = logging.getLogger(__name__)


class _CreatedJob(BaseModel):
    id: int
    name: str


class _CreatedJobs(BaseModel):
    jobs: list[_CreatedJob]


def create_workflow_from_spec(
    api: TorcApi,
    source: str | Path | WorkflowSpec,
    *,
    user: str | None = None,
    skip_checks: bool = False,
    no_resource_monitoring: bool = False,
    progress: Progress | None = None,
) -> int:
    """Create the workflow described by ``source`` (a spec file or a spec); its ID.

    The owner is ``user``, else the spec's ``user``, else ``$USER``. ``progress`` is called
    with (stage, done, total) as records are sent.
    """
    spec = source if isinstance(source, WorkflowSpec) else load_spec(source)
    expanded = expand_spec(spec)
    if not skip_checks:
        raise_check_errors(expanded.check_errors, spec.source.file)
    owner = user or spec.user or os.environ.get("USER") or _login_name()
    workflow = api.create_workflow(_workflow_model(spec, owner, no_resource_monitoring))
    assert workflow.id is not None
    try:
        _Creator(api, expanded, workflow.id, progress).run()
    except BaseException:
        try:
            api.delete_workflow(workflow.id)
        except Exception as exc:  # the original error matters more
            logger.warning("could not delete partly created workflow %s: %s", workflow.id, exc)
        raise
    return workflow.id


def _login_name() -> str:
    return login_name()  # the CLI's rule: never a made-up name such as "unknown"


def _workflow_model(spec: WorkflowSpec, user: str, no_monitoring: bool) -> m.WorkflowModel:
    monitor = spec.resource_monitor or ResourceMonitorConfig()
    if no_monitoring:
        monitor = monitor.model_copy(update={"enabled": False})
    execution = {"jobs_sort_method": spec.jobs_sort_method} if spec.jobs_sort_method else None
    defaults = spec.slurm_defaults.root if spec.slurm_defaults else None
    return m.WorkflowModel(
        name=spec.name,
        user=user,
        description=spec.description,
        use_pending_failed=spec.use_pending_failed,
        compute_node_expiration_buffer_seconds=spec.compute_node_expiration_buffer_seconds,
        compute_node_wait_for_new_jobs_seconds=spec.compute_node_wait_for_new_jobs_seconds,
        compute_node_ignore_workflow_completion=spec.compute_node_ignore_workflow_completion,
        compute_node_wait_for_healthy_database_minutes=(
            spec.compute_node_wait_for_healthy_database_minutes
        ),
        compute_node_min_time_for_new_jobs_seconds=spec.compute_node_min_time_for_new_jobs_seconds,
        execution_config=m.ExecutionConfig(**execution) if execution else None,
        resource_monitor_config=m.ResourceMonitorConfig(**monitor.model_dump(mode="json")),
        slurm_defaults=defaults or None,
        submission_directory=str(Path.cwd()),
        env=spec.env,
        dynamic_jobs=(
            m.DynamicJobsConfig(**spec.dynamic_jobs.model_dump()) if spec.dynamic_jobs else None
        ),
    )


def _chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ids(records: list[Any], what: str) -> dict[str, int]:
    ids = {}
    for record in records:
        if record.id is None:
            raise RuntimeError(f"the server returned a {what} without an ID")
        ids[record.name] = record.id
    return ids


class _Creator:
    def __init__(
        self, api: TorcApi, expanded: ExpandedWorkflow, workflow_id: int, progress: Progress | None
    ) -> None:
        self.api, self.expanded, self.spec = api, expanded, expanded.spec
        self.workflow_id = workflow_id
        self.progress = progress or (lambda stage, done, total: None)
        self.ids: dict[str, dict[str, int]] = {}

    def run(self) -> None:
        self.resource_requirements()
        self.failure_handlers()
        self.schedulers()
        self.files()
        self.user_data()
        self.jobs()
        self.actions()

    def resource_requirements(self) -> None:
        existing = self.api.list_resource_requirements(self.workflow_id, name="default").items
        ids = {r.name: r.id for r in existing or [] if r.id is not None and r.name == "default"}
        records = self.expanded.resource_requirements
        for count, rr in enumerate(records, 1):
            model = m.ResourceRequirementsModel(workflow_id=self.workflow_id, **rr.model_dump())
            if rr.name in ids:
                self.api.update_resource_requirements(ids[rr.name], model)
            else:
                created = self.api.create_resource_requirements(model)
                ids.update(_ids([created], "resource requirement"))
            self.progress("resource_requirements", count, len(records))
        self.ids["resource_requirements"] = ids

    def failure_handlers(self) -> None:
        created = [
            self.api.create_failure_handler(
                m.FailureHandlerModel(
                    workflow_id=self.workflow_id,
                    name=handler.name,
                    rules=json.dumps(
                        [rule.model_dump(exclude_none=True) for rule in handler.rules]
                    ),
                )
            )
            for handler in self.spec.failure_handlers
        ]
        self.ids["failure_handler"] = _ids(created, "failure handler")

    def schedulers(self) -> None:
        ids: dict[str, int] = {}
        for scheduler in self.spec.slurm_schedulers:
            fields = scheduler.model_dump(exclude={"account"})
            account = scheduler_account(self.spec, scheduler)
            model = m.SlurmSchedulerModel(workflow_id=self.workflow_id, account=account, **fields)
            created = self.api.create_slurm_scheduler(model)
            if scheduler.name and created.id is not None:
                ids[scheduler.name] = created.id
        self.ids["scheduler"] = ids

    def files(self) -> None:
        models = [
            m.FileModel(
                workflow_id=self.workflow_id, name=f.name, path=f.path, st_mtime=_mtime(f.path)
            )
            for f in self.expanded.files
        ]
        ids: dict[str, int] = {}
        for chunk in _chunks(models):
            ids.update(_ids(self.api.create_files(m.FilesModel(files=chunk)).files or [], "file"))
            self.progress("files", len(ids), len(models))
        self.ids["files"] = ids

    def user_data(self) -> None:
        models = [
            m.UserDataModel(
                workflow_id=self.workflow_id, name=u.name, data=u.data, is_ephemeral=u.is_ephemeral
            )
            for u in self.expanded.user_data
        ]
        ids: dict[str, int] = {}
        for chunk in _chunks(models):
            reply = self.api.create_user_data_list(m.UserDataListModel(user_data=chunk))
            ids.update(_ids(reply.user_data or [], "user data record"))
            self.progress("user_data", len(ids), len(models))
        self.ids["user_data"] = ids

    def jobs(self) -> None:
        """Layer by layer; within a layer the next request is built while one is in flight."""
        total = len(self.expanded.jobs)
        ids: dict[str, int] = {}
        self.ids["jobs"] = ids
        with ThreadPoolExecutor(max_workers=1) as sender:
            for layer in _layers(self.expanded.jobs):
                pending: Future[list[_CreatedJob]] | None = None
                for chunk in _chunks(layer):
                    bodies = [self._job_body(job) for job in chunk]
                    if pending is not None:
                        self._collect(pending.result(), ids, total)
                    pending = sender.submit(self._post_jobs, bodies)
                if pending is not None:
                    self._collect(pending.result(), ids, total)
        if len(ids) != total:
            raise RuntimeError(f"the server created {len(ids)} of {total} jobs")

    def _collect(self, created: list[_CreatedJob], ids: dict[str, int], total: int) -> None:
        for job in created:
            ids[job.name] = job.id
        self.progress("jobs", len(ids), total)

    def _post_jobs(self, bodies: list[dict[str, Any]]) -> list[_CreatedJob]:
        """``TorcApi.create_jobs`` minus its pydantic round trip for every job.

        The request is the same ``POST /bulk_jobs``; building 10,000 ``JobModel`` objects
        per request and validating the full echo of each cost more than the server's work,
        so the body is plain JSON and the reply is read only for names and IDs.
        """
        reply = self.api._call("POST", "/bulk_jobs", body={"jobs": bodies}, response=_CreatedJobs)
        if len(reply.jobs) != len(bodies):
            raise RuntimeError(f"the server created {len(reply.jobs)} of {len(bodies)} jobs")
        return reply.jobs

    def _job_body(self, job: ExpandedJob) -> dict[str, Any]:
        """The JSON of a ``JobModel``, with only the fields that are set."""
        ids = self.ids
        body: dict[str, Any] = {
            "workflow_id": self.workflow_id,
            "name": job.name,
            "command": self._with_user_data_ids(job.command),
        }
        if job.invocation_script is not None:
            body["invocation_script"] = self._with_user_data_ids(job.invocation_script)
        if job.resource_requirements is not None:
            body["resource_requirements_id"] = ids["resource_requirements"][
                job.resource_requirements
            ]
        if job.failure_handler is not None:
            body["failure_handler_id"] = ids["failure_handler"][job.failure_handler]
        if job.scheduler is not None:
            body["scheduler_id"] = ids["scheduler"][job.scheduler]
        if job.cancel_on_blocking_job_failure is not None:
            body["cancel_on_blocking_job_failure"] = job.cancel_on_blocking_job_failure
        if job.supports_termination is not None:
            body["supports_termination"] = job.supports_termination
        env = self.spec.jobs[job.spec_index].env
        if env:
            body["env"] = env
        for field, kind, target in _LINKS:
            names = getattr(job, field)
            if names:
                body[target] = [ids[kind][name] for name in names]
        return body

    def _with_user_data_ids(self, text: str) -> str:
        if "${user_data." not in text:
            return text
        ids = self.ids["user_data"]
        return REFERENCE.sub(
            lambda r: str(ids[r.group(3)]) if r.group(1) == "user_data" else r.group(0), text
        )

    def actions(self) -> None:
        job_ids, schedulers = self.ids["jobs"], self.ids["scheduler"]
        for count, action in enumerate(self.expanded.actions, 1):
            spec = action.spec
            config: dict[str, Any] = {}
            if spec.action_type == "run_commands":
                config["commands"] = list(spec.commands or [])
            else:
                config = {
                    "scheduler_type": spec.scheduler_type,
                    "scheduler": spec.scheduler,
                    "scheduler_id": schedulers.get(spec.scheduler or ""),
                    "num_allocations": spec.num_allocations or 1,
                    "start_one_worker_per_node": spec.start_one_worker_per_node,
                    "max_parallel_jobs": spec.max_parallel_jobs,
                }
                config = {key: value for key, value in config.items() if value is not None}
            model = m.WorkflowActionModel(
                workflow_id=self.workflow_id,
                trigger_type=spec.trigger_type,
                action_type=spec.action_type,
                action_config=config,
                job_ids=[job_ids[name] for name in action.job_names] or None,
                persistent=spec.persistent,
                executed=None,
                is_recovery=None,
                required_triggers=None,
                trigger_count=None,
            )
            self.api.create_workflow_action(self.workflow_id, model)
            self.progress("actions", count, len(self.expanded.actions))


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def _layers(jobs: list[ExpandedJob]) -> list[list[ExpandedJob]]:
    """Jobs grouped so that each job's explicit dependencies are in earlier groups."""
    index = {job.name: i for i, job in enumerate(jobs)}
    level = [0] * len(jobs)
    dependents: list[list[int]] = [[] for _ in jobs]
    waiting = [len(job.depends_on) for job in jobs]
    for i, job in enumerate(jobs):
        for name in job.depends_on:
            dependents[index[name]].append(i)
    frontier = [i for i, count in enumerate(waiting) if count == 0]
    while frontier:
        following = []
        for i in frontier:
            for dependent in dependents[i]:
                level[dependent] = max(level[dependent], level[i] + 1)
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    following.append(dependent)
        frontier = following
    layers: list[list[ExpandedJob]] = [[] for _ in range(max(level, default=-1) + 1)]
    for i, job in enumerate(jobs):
        layers[level[i]].append(job)
    return layers
