"""spawn_jobs: a running job adds jobs to its own workflow, in one transaction.

An orchestrator job (an optimizer, a parameter search, a convergence loop) decides at run
time what comes next. Everything of one call commits together or not at all: the new jobs,
their edges, the lineage's iteration counter and state. A job killed half-way, or a reply
lost and the request sent again, never leaves half an iteration behind.

Every spawned job is created ``blocked``, waiting for the calling job (still running: the
call does not complete it) and for the jobs its ``depends_on`` names, existing ones or
siblings of the same request. When the runner completes the caller, the normal unblock
path (:mod:`torc_server.lifecycle.reports` flags a completed job that has dependents,
:mod:`torc_server.lifecycle.unblock` applies it) promotes them. Blockers are counted as
initialization counts them, with one difference: initialization first applies every
pending finish, this call does not (it would touch every workflow of the server), so a
blocker whose finish the unblocker has not applied yet still counts; the unblocker will
decrement it like any other.

A repeated call is answered, not applied: when every requested name is already a job this
caller spawned, the answer is those jobs' IDs and nothing changes. Each call that applies
also appends a ``__torc_lineage__<lineage>__g<iteration>`` user-data record holding the
state, which is how the original's published ``Orchestrator`` helper reads a lineage's
generation, and spawned jobs see their lineage as ``TORC_ORCHESTRATOR_LINEAGE_ID``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert

import torc_models as m
from torc_server.db.sql import sql
from torc_server.errors import Conflict, NotFound, Unprocessable
from torc_server.lifecycle import events, jobstore
from torc_server.lifecycle.hashing import CHUNK, chunks
from torc_server.lifecycle.initialize import find_cycle
from torc_server.lifecycle.unblock import FAILED_LIKE, SATISFYING
from torc_server.resources import T
from torc_server.wire import BLOCKED, CANCELED, RUNNING, STATUS_NAMES, dump_json, load_json

DEFAULT_MAX_ITERATIONS = 1000
"""As the original's server: a cap on a runaway loop, not on real searches."""
MAX_JOBS_PER_CALL = 10_000
ORIGIN = "spawn"
LINEAGE_ENV = "TORC_ORCHESTRATOR_LINEAGE_ID"
LINEAGE_RECORD_PREFIX = "__torc_lineage__"

WORKFLOW_SETTINGS = """
SELECT w.dynamic_jobs, s.is_canceled FROM workflow w
JOIN workflow_status s ON s.workflow_id = w.id WHERE w.id = :w
"""
JOBS_NAMED = (
    "SELECT id, name, status, origin, unblocking_processed FROM job "
    "WHERE workflow_id = :w AND name IN :names"
)
LOCK_JOBS = "SELECT id, status, unblocking_processed FROM job WHERE id IN :ids FOR UPDATE"
SPAWNED_BY = (
    "SELECT job_id FROM job_depends_on WHERE depends_on_job_id = :caller AND job_id IN :ids"
)
REQUIREMENTS = "SELECT id, name FROM resource_requirements WHERE workflow_id = :w"
LINEAGE = "SELECT iteration FROM spawn_lineage WHERE workflow_id = :w AND lineage = :l"
NEXT_ITERATION = (
    "UPDATE spawn_lineage SET iteration = :i{state} WHERE workflow_id = :w AND lineage = :l"
)
SET_STATUS = (
    "UPDATE job SET status = :s, blocked_by = :b, unblocking_processed = :p WHERE id IN :ids"
)


@dataclass
class Spawned:
    """The call's outcome; ``flagged``: a job was canceled at once (a blocker of it had
    already failed), so the unblocker must carry the cancellation to its dependents."""

    workflow_id: int
    iteration: int
    job_ids: list[int]
    flagged: bool = False

    def response(self) -> dict[str, Any]:
        return {"iteration": self.iteration, "spawned_job_ids": self.job_ids}


@dataclass
class _Plan:
    """The request resolved against the workflow: what to insert and what each job waits for."""

    models: list[m.JobModel]
    existing_blockers: list[list[int]]
    sibling_blockers: list[list[int]]
    cancel_on_failure: list[bool] = field(default_factory=list)


def _lock(conn: Connection) -> str:
    return " FOR UPDATE" if conn.dialect.name == "postgresql" else ""


def _listed(names: Iterable[str], most: int = 10) -> str:
    names = list(names)
    shown = ", ".join(repr(name) for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _name_chunks(names: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(names))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def spawn_jobs(conn: Connection, job_id: int, request: m.SpawnJobsRequest) -> Spawned:
    """Add ``request.jobs`` to the workflow of the running job ``job_id`` (see the module)."""
    if len(request.jobs) > MAX_JOBS_PER_CALL:
        raise Unprocessable(
            f"jobs: {len(request.jobs)} jobs in one spawn_jobs call; at most "
            f"{MAX_JOBS_PER_CALL} are allowed, spawn the rest in further calls"
        )
    caller = _running_caller(conn, job_id)
    workflow_id = caller["workflow_id"]
    max_iterations = _max_iterations(conn, workflow_id)
    lineage = request.lineage if request.lineage is not None else caller["name"]
    if not lineage.strip():
        raise Unprocessable(f"lineage: give a name or leave it out, got {lineage!r}")
    names = _requested_names(request.jobs)
    wanted = set(names) | {name for job in request.jobs for name in job.depends_on or ()}
    existing = _jobs_named(conn, workflow_id, wanted)
    iteration = _iteration(conn, workflow_id, lineage)
    replayed = _replayed(conn, caller, names, existing)
    if replayed is not None:
        return Spawned(workflow_id, iteration or 0, replayed)
    if not request.jobs:
        # Convergence: the lineage's final state; the counter stays where it is, as the
        # published client's Orchestrator.converge documents.
        _keep_state(conn, workflow_id, lineage, iteration, request)
        return Spawned(workflow_id, iteration or 0, [])
    if (iteration or 0) >= max_iterations:
        raise Conflict(
            f"lineage {lineage!r} of workflow {workflow_id} has reached its limit of "
            f"{max_iterations} spawn_jobs calls (dynamic_jobs.max_iterations); nothing was "
            "spawned. To allow more, create the workflow with a larger "
            f"dynamic_jobs.max_iterations (null means the server's default, "
            f"{DEFAULT_MAX_ITERATIONS})"
        )
    plan = _plan(conn, caller, request.jobs, existing, lineage)
    job_ids, flagged = _insert(conn, caller, plan)
    iteration = _advance(conn, workflow_id, lineage, iteration, request)
    events.record(
        conn,
        workflow_id,
        "job",
        "spawned",
        f"job {job_id} spawned {len(job_ids)} jobs (lineage {lineage!r}, iteration {iteration})",
        job_id=job_id,
        lineage=lineage,
        iteration=iteration,
        spawned_count=len(job_ids),
    )
    return Spawned(workflow_id, iteration, job_ids, flagged)


def _running_caller(conn: Connection, job_id: int) -> Mapping[Any, Any]:
    """The calling job, locked (PostgreSQL) so that two calls of one job apply in turn.
    Only a running job spawns. The request names no run (the contract gives spawn_jobs no
    ``run_id``): a job started in the current run is running, and so, the one exception, is
    a job left running by a forced ``reset_workflow_status``."""
    row = (
        conn.execute(sql(f"SELECT * FROM job WHERE id = :id{_lock(conn)}"), {"id": job_id})
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"job {job_id} does not exist")
    if row["status"] != RUNNING:
        raise Conflict(
            f"job {job_id} is {STATUS_NAMES[row['status']]}; only a running job can spawn jobs "
            "(call spawn_jobs from the job's own process while it runs)"
        )
    return row


def _max_iterations(conn: Connection, workflow_id: int) -> int:
    settings = conn.execute(sql(WORKFLOW_SETTINGS), {"w": workflow_id}).mappings().first()
    if settings is None:
        raise NotFound(f"workflow {workflow_id} does not exist")
    if settings["is_canceled"]:
        raise Conflict(f"workflow {workflow_id} is canceled; no jobs can be spawned into it")
    config = load_json(settings["dynamic_jobs"]) or {}
    limit = config.get("max_iterations") if isinstance(config, dict) else None
    return DEFAULT_MAX_ITERATIONS if limit is None else int(limit)


def _requested_names(jobs: list[m.SpawnJobModel]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for index, job in enumerate(jobs):
        if not job.name.strip():
            raise Unprocessable(f"jobs[{index}].name: a job needs a name, got {job.name!r}")
        if job.name in seen:
            raise Unprocessable(
                f"jobs[{index}].name: {job.name!r} is given twice; names must be unique"
            )
        seen.add(job.name)
        names.append(job.name)
    return names


def _jobs_named(conn: Connection, workflow_id: int, names: set[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for part in _name_chunks(names):
        for row in conn.execute(sql(JOBS_NAMED, "names"), {"w": workflow_id, "names": part}):
            found[row.name].append(row)
    return found


def _iteration(conn: Connection, workflow_id: int, lineage: str) -> int | None:
    """The lineage's counter (None before its first call), locked until the commit."""
    row = conn.execute(sql(LINEAGE + _lock(conn)), {"w": workflow_id, "l": lineage}).first()
    return None if row is None else int(row.iteration)


def _replayed(
    conn: Connection, caller: Mapping[Any, Any], names: list[str], existing: dict[str, list[Any]]
) -> list[int] | None:
    """The IDs of an earlier identical call of this caller, or None for a new call; a
    request that overlaps earlier jobs otherwise is refused, naming them."""
    clashing = [name for name in names if name in existing]
    if not clashing:
        return None
    if len(clashing) == len(names):
        rows = [existing[name] for name in names]
        if all(len(found) == 1 and found[0].origin == ORIGIN for found in rows):
            ids = [found[0].id for found in rows]
            if _spawned_by(conn, caller["id"], ids) == set(ids):
                return ids
    raise Conflict(
        f"jobs already exist in workflow {caller['workflow_id']} with the names "
        f"{_listed(clashing)}; spawn_jobs adds jobs under new names, and a repeated call must "
        f"give exactly the names of jobs that job {caller['id']} spawned before"
    )


def _spawned_by(conn: Connection, caller_id: int, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(ids):
        rows = conn.execute(sql(SPAWNED_BY, "ids"), {"caller": caller_id, "ids": part})
        found.update(row.job_id for row in rows)
    return found


def _requirement_ids(conn: Connection, workflow_id: int) -> dict[str, int]:
    rows = conn.execute(sql(REQUIREMENTS), {"w": workflow_id})
    return {row.name: row.id for row in rows}


def _plan(
    conn: Connection,
    caller: Mapping[Any, Any],
    jobs: list[m.SpawnJobModel],
    existing: dict[str, list[Any]],
    lineage: str,
) -> _Plan:
    workflow_id = caller["workflow_id"]
    requirements = _requirement_ids(conn, workflow_id) if jobs else {}
    index = {job.name: i for i, job in enumerate(jobs)}
    plan = _Plan([], [], [])
    for i, job in enumerate(jobs):
        rr_id = None
        if job.resource_requirements is not None:
            rr_id = requirements.get(job.resource_requirements)
            if rr_id is None:
                raise Unprocessable(
                    f"jobs[{i}].resource_requirements: no resource requirements named "
                    f"{job.resource_requirements!r} in workflow {workflow_id}"
                )
        blockers, siblings = [caller["id"]], []
        for name in job.depends_on or ():
            if name in index:
                siblings.append(index[name])
            elif len(existing.get(name, ())) == 1:
                blockers.append(existing[name][0].id)
            else:
                problem = "several jobs are" if name in existing else "no job is"
                raise Unprocessable(
                    f"jobs[{i}].depends_on: {problem} named {name!r} in workflow {workflow_id} "
                    "or in this request"
                )
        blockers, siblings = list(dict.fromkeys(blockers)), list(dict.fromkeys(siblings))
        plan.models.append(
            m.JobModel(
                workflow_id=workflow_id,
                name=job.name,
                command=job.command,
                priority=job.priority,
                cancel_on_blocking_job_failure=job.cancel_on_blocking_job_failure,
                resource_requirements_id=rr_id,
                depends_on_job_ids=blockers,
                env={LINEAGE_ENV: lineage},
                origin=ORIGIN,
            )
        )
        plan.existing_blockers.append(blockers)
        plan.sibling_blockers.append(siblings)
        plan.cancel_on_failure.append(job.cancel_on_blocking_job_failure is not False)
    edges = [(i, j) for i, siblings in enumerate(plan.sibling_blockers) for j in siblings]
    cycle = find_cycle(edges)
    if cycle is not None:
        chain = " -> ".join(jobs[i].name for i in cycle)
        raise Unprocessable(f"jobs: depends_on forms a cycle: {chain}; each job waits for the next")
    return plan


def _blocker_states(conn: Connection, caller_id: int, plan: _Plan) -> dict[int, tuple[int, bool]]:
    """(status, finish applied) of every existing blocker but the running caller. Those
    whose finish awaits the unblocker are read again under a lock (PostgreSQL): an
    unblocker pass applying one right now is waited for, so it is counted as applied
    exactly when its pass did apply it."""
    ids = sorted({b for blockers in plan.existing_blockers for b in blockers} - {caller_id})
    states: dict[int, tuple[int, bool]] = {}
    statement = "SELECT id, status, unblocking_processed FROM job WHERE id IN :ids"
    for part in chunks(ids):
        for row in conn.execute(sql(statement, "ids"), {"ids": part}):
            states[row.id] = (row.status, bool(row.unblocking_processed))
    pending = [i for i, (_, applied) in states.items() if not applied]
    if pending and conn.dialect.name == "postgresql":
        for part in chunks(pending):
            for row in conn.execute(sql(LOCK_JOBS, "ids"), {"ids": part}):
                states[row.id] = (row.status, bool(row.unblocking_processed))
    return states


def _insert(conn: Connection, caller: Mapping[Any, Any], plan: _Plan) -> tuple[list[int], bool]:
    """Insert the jobs as bulk creation does, add the sibling edges, then give each job its
    blocker count and status; True with the IDs if some job was canceled at once."""
    if not plan.models:
        return [], False
    states = _blocker_states(conn, caller["id"], plan)
    created = jobstore.insert_jobs(conn, plan.models)
    ids = [record["id"] for record in created]
    with_siblings = []
    for model, siblings in zip(plan.models, plan.sibling_blockers, strict=True):
        if siblings:
            model.depends_on_job_ids = [ids[j] for j in siblings]
            with_siblings.append(model)
    jobstore.write_links(conn, with_siblings, replace=False)
    groups: dict[tuple[int, int, bool], list[int]] = defaultdict(list)
    for i, job_id in enumerate(ids):
        count, canceled = len(plan.sibling_blockers[i]), False
        for blocker in plan.existing_blockers[i]:
            status, applied = states.get(blocker, (RUNNING, True))
            if not applied or status not in (*SATISFYING, *FAILED_LIKE):
                count += 1  # unfinished, or finished and still to be applied
            elif status in FAILED_LIKE and plan.cancel_on_failure[i]:
                canceled = True
        key = (CANCELED, count, False) if canceled else (BLOCKED, count, True)
        groups[key].append(job_id)
    for (status, count, applied), group in groups.items():
        for part in chunks(group):
            conn.execute(
                sql(SET_STATUS, "ids"), {"s": status, "b": count, "p": applied, "ids": part}
            )
    return ids, any(status == CANCELED for status, _, _ in groups)


def _keep_state(
    conn: Connection,
    workflow_id: int,
    lineage: str,
    iteration: int | None,
    request: m.SpawnJobsRequest,
    following: int | None = None,
) -> str | None:
    """Store the lineage's counter (``following``, or unchanged) and its state (a request
    without ``state`` keeps the previous one); returns the state as JSON text."""
    state = dump_json(request.state)
    counter = following if following is not None else (iteration or 0)
    if iteration is None:
        conn.execute(
            insert(T["spawn_lineage"]),
            {"workflow_id": workflow_id, "lineage": lineage, "iteration": counter, "state": state},
        )
    else:
        keep = "state" not in request.model_fields_set
        conn.execute(
            sql(NEXT_ITERATION.format(state="" if keep else ", state = :s")),
            {"w": workflow_id, "l": lineage, "i": counter, "s": state},
        )
    return state


def _advance(
    conn: Connection,
    workflow_id: int,
    lineage: str,
    iteration: int | None,
    request: m.SpawnJobsRequest,
) -> int:
    """Count the call; keep its state (a request without ``state`` keeps the previous one)
    and append the lineage's user-data record of this iteration."""
    following = (iteration or 0) + 1
    state = _keep_state(conn, workflow_id, lineage, iteration, request, following)
    conn.execute(
        insert(T["user_data"]),
        {
            "workflow_id": workflow_id,
            "name": f"{LINEAGE_RECORD_PREFIX}{lineage}__g{following:06d}",
            "data": state,
            "is_ephemeral": False,
        },
    )
    return following
