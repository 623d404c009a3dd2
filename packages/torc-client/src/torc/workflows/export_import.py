"""Export a workflow to a self-contained JSON document and import it again, here or on
another server.

The document keeps every record with its original ID; import creates the records anew
and rewrites each reference through a map from old to new IDs (job dependencies, files,
user data, resource requirements, failure handlers, schedulers, action job lists). The
exported "default" resource requirements land on the new workflow's own default record
instead of a duplicate. Imported jobs start uninitialized. Import is all or nothing: on
any error the half-built workflow is deleted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

import torc_models as m
from torc.api import TorcApi
from torc.paging import MAX_PAGE, fetch_all
from torc.workflows.plan import DependencyGraph, workflow_jobs

EXPORT_VERSION = "1.0"
ACCEPTED_VERSIONS = ("1.0", "1", 1, 1.0)
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as each part is exported or imported."""

WORKFLOW_SERVER_FIELDS = ("id", "status_id", "timestamp")
"""Workflow fields the server assigns; an import leaves them out."""


class ExportFormatError(ValueError):
    """The document is not a torc workflow export this version can read."""


def _dump(records: Sequence[BaseModel]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in records]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def export_workflow(
    api: TorcApi,
    workflow_id: int,
    *,
    include_results: bool = False,
    include_events: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The export document of one workflow (see the module docstring)."""
    report = progress or _noop
    w = workflow_id
    parts: list[tuple[str, Callable[[], Sequence[BaseModel]]]] = [
        ("files", lambda: fetch_all(lambda o: api.list_files(w, offset=o))),
        ("user_data", lambda: fetch_all(lambda o: api.list_user_data(w, offset=o))),
        (
            "resource_requirements",
            lambda: fetch_all(lambda o: api.list_resource_requirements(w, offset=o)),
        ),
        ("failure_handlers", lambda: fetch_all(lambda o: api.list_failure_handlers(w, offset=o))),
        ("slurm_schedulers", lambda: fetch_all(lambda o: api.list_slurm_schedulers(w, offset=o))),
        ("local_schedulers", lambda: fetch_all(lambda o: api.list_local_schedulers(w, offset=o))),
        ("jobs", lambda: workflow_jobs(api, w)),
        ("workflow_actions", lambda: api.get_workflow_actions(w)),
    ]
    if include_results:
        parts.append(
            ("results", lambda: fetch_all(lambda o: api.list_results(w, all_runs=True, offset=o)))
        )
        parts.append(
            ("compute_nodes", lambda: fetch_all(lambda o: api.list_compute_nodes(w, offset=o)))
        )
    if include_events:
        parts.append(("events", lambda: fetch_all(lambda o: api.list_events(w, offset=o))))
    document: dict[str, Any] = {
        "export_version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "workflow": _dump([api.get_workflow(workflow_id)])[0],
    }
    for done, (key, fetch) in enumerate(parts):
        report("Exporting", done, len(parts))
        document[key] = _dump(fetch())
    report("Exporting", len(parts), len(parts))
    return document


def read_document(path: str) -> dict[str, Any]:
    """Load an export from a file, or from stdin for ``-``, and check its version."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except FileNotFoundError:
        raise ExportFormatError(f"File not found: {path}") from None
    except OSError as exc:
        raise ExportFormatError(f"cannot read {path}: {exc.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        where = "stdin" if path == "-" else path
        raise ExportFormatError(
            f"{where} is not valid JSON: {exc.msg} (line {exc.lineno})"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("workflow"), dict):
        raise ExportFormatError(f"{path} is not a torc workflow export (no 'workflow' object)")
    version = document.get("export_version")
    if version not in ACCEPTED_VERSIONS:
        raise ExportFormatError(
            f"unsupported export_version {version!r}; this torc reads version {EXPORT_VERSION}"
        )
    return document


@dataclass
class ImportOutcome:
    workflow_id: int
    workflow_name: str
    jobs: int
    files: int
    user_data: int
    results: int = 0
    events: int = 0

    def text(self) -> str:
        return "\n".join(
            [
                "Successfully imported workflow:",
                f"  Workflow ID: {self.workflow_id}",
                f"  Name: {self.workflow_name}",
                f"  Jobs: {self.jobs}",
                f"  Files: {self.files}",
                f"  User data: {self.user_data}",
            ]
        )


CREATORS: dict[str, tuple[type[BaseModel], str]] = {
    "failure_handler": (m.FailureHandlerModel, "create_failure_handler"),
    "slurm_scheduler": (m.SlurmSchedulerModel, "create_slurm_scheduler"),
    "local_scheduler": (m.LocalSchedulerModel, "create_local_scheduler"),
    "compute_node": (m.ComputeNodeModel, "create_compute_node"),
}
"""Record kinds created one by one: the model to validate with and the API method."""


class IdMap:
    """Old ID -> new ID for one kind of record; unknown IDs are a broken document."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.ids: dict[int, int] = {}

    def __call__(self, old: int | None) -> int | None:
        if old is None:
            return None
        if old not in self.ids:
            raise ExportFormatError(
                f"the export refers to {self.kind} {old}, which it does not hold"
            )
        return self.ids[old]

    def many(self, old: Sequence[int] | None) -> list[int] | None:
        return None if old is None else [self(i) or 0 for i in old]

    def record(self, old: Sequence[dict[str, Any]], new: Sequence[Any]) -> None:
        self.ids.update((o["id"], n.id) for o, n in zip(old, new, strict=True))


class Importer:
    """One import run: creates records in dependency order, keeping the ID maps."""

    def __init__(self, api: TorcApi, document: dict[str, Any], progress: Progress) -> None:
        self.api = api
        self.doc = document
        self.progress = progress
        self.workflow_id = 0
        self.counts = {"results": 0, "events": 0}
        self.maps = {
            kind: IdMap(kind.replace("_", " "))
            for kind in (
                "job",
                "file",
                "user_data",
                "resource_requirements",
                "failure_handler",
                "slurm_scheduler",
                "local_scheduler",
                "compute_node",
            )
        }

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.doc.get(key) or []
        if not isinstance(value, list):
            raise ExportFormatError(f"'{key}' must be a list")
        return value

    def fresh(self, record: dict[str, Any], **changes: Any) -> dict[str, Any]:
        """A record for the new workflow: server-assigned fields dropped, references mapped."""
        fields = {k: v for k, v in record.items() if k not in ("id", "workflow_id")}
        return {**fields, "workflow_id": self.workflow_id, **changes}

    def create_workflow(self, name: str | None, user: str | None) -> m.WorkflowModel:
        fields = {k: v for k, v in self.doc["workflow"].items() if k not in WORKFLOW_SERVER_FIELDS}
        fields.update({k: v for k, v in (("name", name), ("user", user)) if v is not None})
        created = self.api.create_workflow(m.WorkflowModel.model_validate(fields))
        self.workflow_id = created.id or 0
        return created

    def bulk(self, kind: str, key: str, create: Callable[[list[dict[str, Any]]], Any]) -> None:
        records = self.items(key)
        for start in range(0, len(records), MAX_PAGE):
            part = records[start : start + MAX_PAGE]
            self.maps[kind].record(part, create([self.fresh(r) for r in part]))

    def each(self, kind: str, key: str) -> None:
        """Records created one at a time (kinds without a bulk operation)."""
        model, method = CREATORS[kind]
        create = getattr(self.api, method)
        for record in self.items(key):
            self.maps[kind].record([record], [create(model.model_validate(self.fresh(record)))])

    def requirements(self) -> None:
        """The exported default profile updates the new workflow's own default."""
        api, rr = self.api, self.maps["resource_requirements"]
        default = api.list_resource_requirements(self.workflow_id, name="default").items
        for record in self.items("resource_requirements"):
            model = m.ResourceRequirementsModel.model_validate(self.fresh(record))
            if record.get("name") == "default" and default:
                new = api.update_resource_requirements(default[0].id or 0, model)
            else:
                new = api.create_resource_requirements(model)
            rr.record([record], [new])

    def job(self, record: dict[str, Any]) -> m.JobModel:
        maps = self.maps
        schedule = record.get("schedule_compute_nodes")
        if isinstance(schedule, dict) and schedule.get("scheduler_id") is not None:
            schedule = {**schedule, "scheduler_id": self.scheduler(schedule["scheduler_id"])}
        fields = self.fresh(
            record,
            status=None,
            attempt_id=None,
            depends_on_job_ids=maps["job"].many(record.get("depends_on_job_ids")),
            input_file_ids=maps["file"].many(record.get("input_file_ids")),
            output_file_ids=maps["file"].many(record.get("output_file_ids")),
            input_user_data_ids=maps["user_data"].many(record.get("input_user_data_ids")),
            output_user_data_ids=maps["user_data"].many(record.get("output_user_data_ids")),
            resource_requirements_id=maps["resource_requirements"](
                record.get("resource_requirements_id")
            ),
            failure_handler_id=maps["failure_handler"](record.get("failure_handler_id")),
            scheduler_id=self.scheduler(record.get("scheduler_id")),
            schedule_compute_nodes=schedule,
        )
        return m.JobModel.model_validate(fields)

    def scheduler(self, old: int | None, kind: str | None = None) -> int | None:
        """Jobs name a scheduler config by ID alone; Slurm is the usual one, local the other."""
        if old is None:
            return None
        slurm, local = self.maps["slurm_scheduler"], self.maps["local_scheduler"]
        first, second = (local, slurm) if kind == "local" else (slurm, local)
        return first(old) if old in first.ids else second(old)

    def jobs(self) -> None:
        """Blockers first: a job's dependencies must exist when it is created."""
        records = {r["id"]: r for r in self.items("jobs")}
        graph: DependencyGraph[int] = DependencyGraph()
        for job_id, record in records.items():
            graph.add(job_id, str(record.get("name")))
        for job_id, record in records.items():
            for blocker in record.get("depends_on_job_ids") or ():
                if blocker not in records:
                    raise ExportFormatError(
                        f"job {job_id} depends on job {blocker}, not in the export"
                    )
                graph.link(job_id, blocker)
        done, total = 0, len(records)
        for level in graph.levels():
            for start in range(0, len(level), MAX_PAGE):
                part = [records[i] for i in level[start : start + MAX_PAGE]]
                models = [self.job(r) for r in part]
                created = self.api.create_jobs(m.JobsModel(jobs=models)).jobs or []
                self.maps["job"].record(part, created)
                done += len(part)
                self.progress("Importing jobs", done, total)

    def actions(self) -> None:
        for record in self.items("workflow_actions"):
            self.api.create_workflow_action(self.workflow_id, self.action(record))

    def action(self, record: dict[str, Any]) -> m.WorkflowActionModel:
        config = record.get("action_config")
        as_text = isinstance(config, str)
        parsed = json.loads(config) if isinstance(config, str) else config
        if isinstance(parsed, dict) and parsed.get("scheduler_id") is not None:
            new_id = self.scheduler(parsed["scheduler_id"], parsed.get("scheduler_type"))
            parsed = {**parsed, "scheduler_id": new_id}
        fields = self.fresh(
            record,
            action_config=json.dumps(parsed) if as_text else parsed,
            job_ids=self.maps["job"].many(record.get("job_ids")),
            executed=None,
            executed_at=None,
            executed_by=None,
            trigger_count=None,
        )
        return m.WorkflowActionModel.model_validate(fields)

    def results(self) -> None:
        """Results keep their compute node when the export holds it (``--include-results``
        exports the nodes too); otherwise the old node ID stays as a plain number."""
        nodes = self.maps["compute_node"]
        for record in self.items("results"):
            node = record.get("compute_node_id")
            fields = self.fresh(
                record,
                job_id=self.maps["job"](record.get("job_id")),
                compute_node_id=nodes(node) if node in nodes.ids else node,
            )
            self.api.create_result(m.ResultModel.model_validate(fields))
            self.counts["results"] += 1

    def events(self) -> None:
        for record in self.items("events"):
            self.api.create_event(m.EventModel.model_validate(self.fresh(record)))
            self.counts["events"] += 1


def import_workflow(
    api: TorcApi,
    document: dict[str, Any],
    *,
    name: str | None = None,
    user: str | None = None,
    skip_results: bool = False,
    skip_events: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Create a new workflow from an export document; all or nothing."""
    report = progress or _noop
    run = Importer(api, document, report)
    workflow = run.create_workflow(name, user)
    steps: list[Callable[[], None]] = [
        run.requirements,
        lambda: run.bulk("file", "files", _create_files(api)),
        lambda: run.bulk("user_data", "user_data", _create_user_data(api)),
        lambda: run.each("failure_handler", "failure_handlers"),
        lambda: run.each("slurm_scheduler", "slurm_schedulers"),
        lambda: run.each("local_scheduler", "local_schedulers"),
        run.jobs,
        run.actions,
    ]
    if not skip_results:
        steps += [lambda: run.each("compute_node", "compute_nodes"), run.results]
    if not skip_events:
        steps.append(run.events)
    try:
        for done, step in enumerate(steps):
            report("Importing", done, len(steps))
            step()
        report("Importing", len(steps), len(steps))
    except BaseException:
        api.delete_workflow(run.workflow_id)
        raise
    return ImportOutcome(
        run.workflow_id,
        workflow.name,
        len(run.maps["job"].ids),
        len(run.maps["file"].ids),
        len(run.maps["user_data"].ids),
        run.counts["results"],
        run.counts["events"],
    )


def _create_files(api: TorcApi) -> Callable[[list[dict[str, Any]]], list[m.FileModel]]:
    def create(records: list[dict[str, Any]]) -> list[m.FileModel]:
        body = m.FilesModel(files=[m.FileModel.model_validate(r) for r in records])
        return api.create_files(body).files or []

    return create


def _create_user_data(api: TorcApi) -> Callable[[list[dict[str, Any]]], list[m.UserDataModel]]:
    def create(records: list[dict[str, Any]]) -> list[m.UserDataModel]:
        body = m.UserDataListModel(user_data=[m.UserDataModel.model_validate(r) for r in records])
        return api.create_user_data_list(body).user_data or []

    return create
