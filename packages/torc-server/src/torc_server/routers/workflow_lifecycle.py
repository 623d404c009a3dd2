"""Running a workflow: initialize, claim, complete in batches, reset (tag ``workflows``)."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from sqlalchemy import Connection, text

import torc_models as m
from torc_server import tasks
from torc_server.context import ServerContext
from torc_server.db.sql import sql
from torc_server.dispatch import Accepted, operation
from torc_server.errors import NotFound
from torc_server.lifecycle import claims, file_times, initialize, reports, resets
from torc_server.lifecycle.jobstore import to_wire
from torc_server.lifecycle.unblock import workflow_is_done, workflow_is_stalled
from torc_server.lifecycle.workflow_state import require_not_archived, status_row
from torc_server.units import iso_duration

GIB = 1024**3


def _initialize(
    conn: Connection, workflow_id: int, only_uninitialized: bool, clear_ephemeral: bool
) -> dict[str, Any]:
    """What an initialize runs, synchronous or as a task, after it locked the workflow."""
    require_not_archived(conn, workflow_id, _archived(workflow_id))
    return initialize.initialize(
        conn,
        workflow_id,
        only_uninitialized=only_uninitialized,
        clear_ephemeral=clear_ephemeral,
    )


def _archived(workflow_id: int) -> str:
    return f"cannot initialize archived workflow {workflow_id}; unarchive it first"


@operation("initialize_jobs")
def initialize_jobs(
    ctx: ServerContext,
    id: int,
    only_uninitialized: bool | None,
    clear_ephemeral_user_data: bool | None,
    var_async: bool | None,
) -> dict[str, Any] | Accepted:
    """With ``async``, a task (202) that runs the same steps in the background
    (:mod:`torc_server.tasks`): a 300,000-job workflow takes longer than a client waits."""
    only, clear = bool(only_uninitialized), bool(clear_ephemeral_user_data)
    if var_async:
        params = {"only_uninitialized": only, "clear_ephemeral_user_data": clear}
        check = partial(require_not_archived, workflow_id=id, message=_archived(id))
        return Accepted(tasks.submit(ctx, id, "initialize_jobs", params, check))
    tasks.refuse_if_active_now(ctx, id)
    with ctx.db.write() as conn:
        tasks.claim_workflow(conn, id)
        outcome = _initialize(conn, id, only, clear)
    ctx.unblocker.wake()
    return outcome


@tasks.task_operation("initialize_jobs")
def initialize_task(
    ctx: ServerContext, workflow_id: int, params: dict[str, Any], succeed: tasks.Succeed
) -> None:
    with ctx.db.write() as conn:
        tasks.lock_workflow(conn, workflow_id)
        _initialize(
            conn,
            workflow_id,
            bool(params.get("only_uninitialized")),
            bool(params.get("clear_ephemeral_user_data")),
        )
        succeed(conn)
    ctx.unblocker.wake()


@operation("claim_next_jobs")
def claim_next_jobs(ctx: ServerContext, id: int, limit: int) -> dict[str, Any]:
    with ctx.db.write() as conn:
        return {"jobs": claims.claim_next(conn, id, limit)}


@operation("claim_jobs_based_on_resources")
def claim_jobs_based_on_resources(
    ctx: ServerContext,
    id: int,
    limit: int,
    compute_nodes_resources: m.ComputeNodesResources,
    strict_scheduler_match: bool | None,
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        jobs, reason = claims.claim_by_resources(
            conn, id, limit, compute_nodes_resources, bool(strict_scheduler_match)
        )
    return {"jobs": jobs, "reason": reason}


def _errors(outcome: reports.Outcome) -> list[dict[str, Any]]:
    return [
        {"job_id": job_id, "code": exc.status_code, "message": exc.message}
        for job_id, exc in outcome.refused
    ]


def _answer(outcome: reports.Outcome) -> dict[str, Any]:
    """A batch's reply: the jobs it changed and, per refused job, why."""
    return {"jobs": [to_wire(job) for job in outcome.jobs], "errors": _errors(outcome)}


def _completions(items: list[m.JobCompletionEntry]) -> list[reports.Completion]:
    return [reports.Completion(c.job_id, c.status, c.run_id, c.result) for c in items]


@operation("batch_complete_jobs")
def batch_complete_jobs(
    ctx: ServerContext, id: int, batch_complete_jobs_request: m.BatchCompleteJobsRequest
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        status_row(conn, id)
        completions = _completions(batch_complete_jobs_request.completions)
        outcome = reports.complete_jobs(conn, completions, id)
        file_times.record_output_mtimes(conn, batch_complete_jobs_request.completions, outcome)
    ctx.unblocker.wake(id)
    return {"completed": [job["id"] for job in outcome.jobs], "errors": _errors(outcome)}


@operation("batch_start_jobs")
def batch_start_jobs(
    ctx: ServerContext, id: int, batch_start_jobs_request: m.BatchStartJobsRequest
) -> dict[str, Any]:
    request = batch_start_jobs_request
    with ctx.db.write() as conn:
        status_row(conn, id)
        outcome = reports.start_jobs(
            conn, request.job_ids, request.run_id, request.compute_node_id, id
        )
    return _answer(outcome)


@operation("exchange_jobs")
def exchange_jobs(
    ctx: ServerContext, id: int, job_exchange_request: m.JobExchangeRequest
) -> dict[str, Any]:
    """Starts, completions and a claim in one transaction: a runner's whole round trip."""
    request = job_exchange_request
    node = request.compute_node_id
    with ctx.db.write() as conn:
        status = status_row(conn, id)  # nothing below changes it
        heard = conn.execute(
            sql("UPDATE compute_node SET last_heartbeat = :now WHERE id = :node"),
            {"now": time.time(), "node": node},
        ).rowcount
        if not heard:
            raise NotFound(f"compute node {node} does not exist")
        started = reports.start_jobs(
            conn, request.started_job_ids or [], request.run_id, node, id, node_checked=True
        )
        finished = reports.complete_jobs(conn, _completions(request.completions or []), id)
        file_times.record_output_mtimes(conn, request.completions or [], finished)
        jobs: list[dict[str, Any]] = []
        reason = None
        limit = request.claim_limit or 0
        strict = bool(request.strict_scheduler_match)
        if limit and request.resources is not None:
            jobs, reason = claims.claim_by_resources(
                conn,
                id,
                limit,
                request.resources,
                strict,
                compute_node_id=node,
                job_limits=request.job_limits,
            )
        elif limit:
            jobs = claims.claim_next(conn, id, limit, compute_node_id=node)
            reason = None if jobs else "no ready jobs"
        # A runner that just got work needs no verdict on the whole workflow: skip the queries.
        complete = bool(status["is_canceled"]) or (not jobs and workflow_is_done(conn, id))
        stalled = not (jobs or complete) and workflow_is_stalled(conn, id)
        unfit: list[tuple[int, str]] = []
        hopeless = False
        resources = request.resources
        if reason == claims.NONE_FITS_NODE and resources and not (complete or stalled):
            each = request.job_limits or resources
            unfit = claims.unfit_jobs(conn, id, each, strict)
            hopeless = bool(unfit) and claims.nothing_fits(conn, id, each, strict)
        left_nothing = False  # a scheduler's runner that can never claim again may leave
        if reason and resources and resources.scheduler_config_id is not None and not complete:
            each = request.job_limits or resources
            left_nothing = claims.nothing_left(conn, id, each, strict)
    # The unblocker is needed for finishes a job waits for, and to notice that the
    # workflow is done, which cannot be while this runner got more jobs to run.
    if finished.flagged or (request.completions and not jobs):
        ctx.unblocker.wake(id)
    return {
        "jobs": jobs,
        "errors": _errors(started) + _errors(finished),
        "reason": reason,
        "is_complete": complete,
        "is_canceled": bool(status["is_canceled"]),
        "is_stalled": stalled,
        "unfit_jobs": [{"job_id": i, "code": 422, "message": why} for i, why in unfit],
        "nothing_fits": hopeless,
        "nothing_left": left_nothing,
    }


@operation("reset_job_status")
def reset_job_status(ctx: ServerContext, id: int, failed_only: bool | None) -> dict[str, Any]:
    tasks.refuse_if_active_now(ctx, id)
    with ctx.db.write() as conn:
        tasks.claim_workflow(conn, id)
        return resets.reset_jobs(conn, id, bool(failed_only))


@operation("reset_workflow_status")
def reset_workflow_status(ctx: ServerContext, id: int, force: bool | None) -> dict[str, Any]:
    """Like the other resets, refused (409) while an initialize task works on the jobs."""
    tasks.refuse_if_active_now(ctx, id)
    with ctx.db.write() as conn:
        tasks.claim_workflow(conn, id)
        return resets.reset_workflow(conn, id, bool(force))


@operation("process_changed_job_inputs")
def process_changed_job_inputs(ctx: ServerContext, id: int, dry_run: bool | None) -> dict[str, Any]:
    tasks.refuse_if_active_now(ctx, id)
    with ctx.db.write() as conn:
        status_row(conn, id)
        tasks.claim_workflow(conn, id)
        return resets.changed_jobs(conn, id, bool(dry_run))


@operation("get_ready_job_requirements")
def get_ready_job_requirements(
    ctx: ServerContext, id: int, scheduler_config_id: int | None
) -> dict[str, Any]:
    scheduler = "" if scheduler_config_id is None else " AND scheduler_id = :scheduler"
    with ctx.db.read() as conn:
        status_row(conn, id)
        row = conn.execute(
            text(
                "SELECT COUNT(*) AS jobs, COALESCE(SUM(rr_num_cpus), 0) AS cpus, "
                "COALESCE(SUM(rr_num_gpus), 0) AS gpus, "
                "COALESCE(SUM(rr_memory_bytes), 0) AS memory, "
                "COALESCE(MAX(rr_num_nodes), 0) AS nodes, "
                "COALESCE(MAX(rr_runtime_seconds), 0) AS runtime "
                f"FROM job WHERE workflow_id = :w AND status = 2{scheduler}"
            ),
            {"w": id, "scheduler": scheduler_config_id},
        ).one()
    # PostgreSQL sums BIGINT columns as NUMERIC, which arrives as Decimal: not JSON.
    return {
        "num_jobs": row.jobs,
        "num_cpus": int(row.cpus),
        "num_gpus": int(row.gpus),
        "memory_gb": int(row.memory) / GIB,
        "max_num_nodes": row.nodes,
        "max_runtime": iso_duration(row.runtime),
    }
