# GENERATED FILE - DO NOT EDIT.
# Produced from api/openapi.yaml by datamodel-code-generator via `nox -s codegen`
# (scripts/codegen.py). Change the contract and regenerate instead.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class AccessCheckResponse(BaseModel):
    """
    Answer to whether a given user may access a given workflow.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    has_access: Annotated[
        bool,
        Field(
            description="True if the user owns the workflow, is an admin, or shares an access group with it."
        ),
    ]
    reason: Annotated[
        str | None,
        Field(description="Optional short explanation of why access was granted or denied."),
    ] = None
    user_name: Annotated[str, Field(description="User name that was checked.")]
    workflow_id: Annotated[int, Field(description="ID of the workflow that was checked.")]


class AccessGroupModel(BaseModel):
    """
    Named group of users that can share access to workflows.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    created_at: Annotated[
        str | None,
        Field(description="Time the group was created, set by the server (timestamp string)."),
    ] = None
    description: Annotated[
        str | None, Field(description="Optional free-text description of the group.")
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    is_system: Annotated[
        bool | None,
        Field(
            description="True for the admin group, whose members come from the server's configuration only."
        ),
    ] = None
    name: Annotated[str, Field(description="Group name, unique on the server.")]


class ActiveTaskResponse(BaseModel):
    """
    The workflow's active asynchronous task; task is null when none is queued or running.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    task: Annotated[TaskModel | None, Field(description="The queued or running task, or null.")] = (
        None
    )


class ArchiveWorkflowRequest(BaseModel):
    """
    Body of archive_workflow; true archives the workflow, false unarchives it.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    is_archived: Annotated[bool, Field(description="The archived flag to set.")]


class BatchCompleteJobsRequest(BaseModel):
    """
    Completions of several jobs of one workflow, reported together by a job runner.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    completions: Annotated[
        list[JobCompletionEntry], Field(description="One entry per finished job.")
    ]


class BatchCompleteJobsResponse(BaseModel):
    """
    Outcome of a batch completion.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    completed: Annotated[
        list[int],
        Field(description="IDs of the jobs now in their final status, in request order."),
    ]
    errors: Annotated[
        list[JobCompletionError],
        Field(
            description="Completions that were refused, with the reason; the others still apply."
        ),
    ]


class BatchItemError(BaseModel):
    """
    Why one item of a batch request was refused.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    job_id: Annotated[int, Field(description="Job the refused item referred to.")]
    code: Annotated[
        int,
        Field(
            description="HTTP status the item would have received on its own (e.g. 404, 409, 422)."
        ),
    ]
    message: Annotated[str, Field(description="What was wrong and what to do about it.")]


class BatchStartJobsRequest(BaseModel):
    """
    Jobs one job runner starts together on one compute node.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    run_id: Annotated[
        int,
        Field(description="Workflow run the jobs start in; must match the current run."),
    ]
    compute_node_id: Annotated[
        int, Field(description="Compute node (job runner) that runs the jobs.")
    ]
    job_ids: Annotated[
        list[int],
        Field(description="Jobs to mark running; each must be pending (claimed)."),
    ]


class BatchStartJobsResponse(BaseModel):
    """
    Outcome of a batch start.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    jobs: Annotated[list[JobModel], Field(description="Jobs now running, in request order.")]
    errors: Annotated[
        list[BatchItemError],
        Field(
            description="Jobs that could not be started, with the reason; the others still start."
        ),
    ]


class ClaimActionRequest(BaseModel):
    """
    Body of a request to claim a pending workflow action.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    compute_node_id: Annotated[
        int | None,
        Field(description="ID of the compute node (job runner) that wants to execute the action."),
    ] = None


class ClaimActionResponse(BaseModel):
    """
    Outcome of an attempt to claim a workflow action.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    action_id: Annotated[int, Field(description="ID of the action that was requested.")]
    success: Annotated[
        bool | None,
        Field(
            description="True if this caller won the claim and must execute the action; default false."
        ),
    ] = False


class ClaimJobsBasedOnResources(BaseModel):
    """
    Jobs handed to a runner after matching ready jobs against the resources it has free.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    jobs: Annotated[
        list[JobModel] | None,
        Field(description="Claimed jobs, now pending and reserved for the caller; may be empty."),
    ] = None
    reason: Annotated[
        str | None,
        Field(
            description="Why no or fewer jobs were returned, e.g. none ready or none fit the offered resources."
        ),
    ] = None


class ClaimNextJobsResponse(BaseModel):
    """
    Jobs handed to a runner by queue-depth claiming, without resource matching.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    jobs: Annotated[
        list[JobModel] | None,
        Field(
            description="Claimed jobs, moved from ready to pending for the caller; at most the requested limit."
        ),
    ] = None


class ComputeNodeModel(BaseModel):
    """
    One job runner process on a host that executes jobs of a workflow.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    avg_cpu_percent: Annotated[
        float | None,
        Field(
            description="Mean CPU utilization of the node over its monitored life (node monitoring)."
        ),
    ] = None
    avg_memory_bytes: Annotated[
        int | None,
        Field(description="Mean memory in use on the node (node monitoring)."),
    ] = None
    compute_node_type: Annotated[str, Field(description='Kind of runner, "local" or "slurm".')]
    duration_seconds: Annotated[
        float | None,
        Field(description="How long the runner was active, in seconds; set when it exits."),
    ] = None
    hostname: Annotated[str, Field(description="Host name of the machine the runner runs on.")]
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    is_active: Annotated[
        bool | None,
        Field(description="True while the runner is alive; set to false when it exits."),
    ] = None
    memory_gb: Annotated[float, Field(description="Memory available to the runner, in GiB.")]
    num_cpus: Annotated[int, Field(description="Number of CPUs available to the runner.")]
    num_gpus: Annotated[int, Field(description="Number of GPUs available to the runner.")]
    num_nodes: Annotated[
        int,
        Field(description="Number of nodes in the runner's allocation (1 for local runners)."),
    ]
    peak_cpu_percent: Annotated[
        float | None,
        Field(description="Highest CPU utilization sampled on the node (node monitoring)."),
    ] = None
    peak_memory_bytes: Annotated[
        int | None,
        Field(description="Most memory sampled in use on the node (node monitoring)."),
    ] = None
    pid: Annotated[int, Field(description="Operating-system process ID of the runner.")]
    sample_count: Annotated[
        int | None,
        Field(description="Samples the node monitoring summaries are computed from."),
    ] = None
    scheduler: Annotated[
        Any | None,
        Field(
            description="Optional JSON object with scheduler-specific details, e.g. the Slurm job ID."
        ),
    ] = None
    scheduler_config_id: Annotated[
        int | None,
        Field(
            description="ID of the scheduler config (e.g. Slurm scheduler) that launched the runner, if any."
        ),
    ] = None
    start_time: Annotated[str, Field(description="Time the runner started, ISO-8601 timestamp.")]
    time_limit: Annotated[
        str | None,
        Field(
            description="Wall-time limit of the runner's allocation as an ISO-8601 duration; null if unlimited."
        ),
    ] = None
    workflow_id: Annotated[int, Field(description="ID of the workflow the runner serves.")]


class ComputeNodeMonitorConfig(BaseModel):
    """
    Resource monitoring of a whole compute node (as opposed to its jobs).
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    cpu: Annotated[
        bool | None,
        Field(description="Sample the node's CPU utilization; default true."),
    ] = True
    enabled: Annotated[bool | None, Field(description="Monitor the node; default false.")] = False
    granularity: Annotated[
        MonitorGranularity | None, Field(description="Keep a summary or a time series.")
    ] = None
    memory: Annotated[
        bool | None, Field(description="Sample the node's memory use; default true.")
    ] = True


class ComputeNodeSchedule(BaseModel):
    """
    Request, attached to a job, to submit scheduler allocations when that job becomes ready.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    max_parallel_jobs: Annotated[
        int | None,
        Field(
            description="Cap on concurrent jobs per runner in the new allocations; unset means resource-based."
        ),
    ] = None
    num_jobs: Annotated[int, Field(description="Number of scheduler jobs (allocations) to submit.")]
    scheduler_id: Annotated[
        int, Field(description="ID of the scheduler config used for the allocations.")
    ]
    start_one_worker_per_node: Annotated[
        bool | None,
        Field(
            description="If true, start one runner on each node of a multi-node allocation; default false."
        ),
    ] = None


class ComputeNodesResources(BaseModel):
    """
    Free resources a runner offers when asking to claim jobs that fit them.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    id: Annotated[
        int | None,
        Field(description="ID of the compute node (runner) making the request, if registered."),
    ] = None
    memory_gb: Annotated[float, Field(description="Free memory, in GiB.")]
    num_cpus: Annotated[int, Field(description="Number of free CPUs.")]
    num_gpus: Annotated[int, Field(description="Number of free GPUs.")]
    num_nodes: Annotated[int, Field(description="Number of nodes available to the runner.")]
    scheduler_config_id: Annotated[
        int | None,
        Field(
            description="Runner's scheduler config; limits claims to jobs assigned to it (see strict_scheduler_match)."
        ),
    ] = None
    time_limit: Annotated[
        str | None,
        Field(
            description="Time left in the runner's allocation (ISO-8601 duration); jobs with longer runtime are skipped."
        ),
    ] = None


class CreateFilesResponse(BaseModel):
    """
    File records created by one bulk request.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    files: Annotated[
        list[FileModel] | None,
        Field(description="The created files with server-assigned IDs, in request order."),
    ] = None


class CreateJobsResponse(BaseModel):
    """
    Jobs created by one bulk job-creation request.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    jobs: Annotated[
        list[JobModel] | None,
        Field(description="The created jobs with server-assigned IDs, in request order."),
    ] = None


class CreateUserDataListResponse(BaseModel):
    """
    User-data records created by one bulk request, in request order.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    user_data: Annotated[
        list[UserDataModel] | None,
        Field(description="The created records with their new IDs."),
    ] = None


class CreateWorkerTokenRequest(BaseModel):
    """
    What a new worker token is for.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    expires_in_seconds: Annotated[
        int | None,
        Field(description="Lifetime in seconds (default 604800, seven days).", ge=1),
    ] = None
    name: Annotated[str | None, Field(description="Optional label shown when listing tokens.")] = (
        None
    )
    workflow_id: Annotated[
        int, Field(description="Workflow whose jobs the token may claim and report.")
    ]


class DeleteCountResponse(BaseModel):
    """
    Result of a bulk delete.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records deleted.")]


class DeleteRoCrateEntitiesResponse(BaseModel):
    """
    Result of deleting all RO-Crate entities of a workflow.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    deleted_count: Annotated[int, Field(description="Number of entities deleted.")]
    message: Annotated[str, Field(description="Human-readable summary of the deletion.")]


class DynamicJobsConfig(BaseModel):
    """
    Settings of jobs spawned at run time (spawn_jobs); fixed once the workflow exists.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    max_iterations: Annotated[
        int | None,
        Field(
            description="Most spawn_jobs calls per lineage; null applies the server's default (1000)."
        ),
    ] = None


class ErrorResponse(BaseModel):
    """
    Body returned with an error (non-2xx) response.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    code: Annotated[int | None, Field(description="HTTP status code of the response.")] = None
    error: Annotated[
        Any,
        Field(
            description="Error details as a JSON value (object or string) describing what went wrong."
        ),
    ]
    error_message: Annotated[
        str | None,
        Field(
            alias="errorMessage",
            description="Human-readable error text; sent on the wire as errorMessage.",
        ),
    ] = None
    error_num: Annotated[
        int | None,
        Field(
            alias="errorNum",
            description="Numeric error identifier; sent on the wire as errorNum.",
        ),
    ] = None


class EventModel(BaseModel):
    """
    Audit-log entry of a workflow, e.g. a job status change or a scheduler event.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    data: Annotated[
        Any,
        Field(
            description="Free-form JSON object describing the event; may carry a category and related IDs."
        ),
    ]
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    timestamp: Annotated[
        int,
        Field(description="When the event happened, Unix timestamp in milliseconds."),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow the event belongs to.")]


class ExecutionConfig(BaseModel):
    """
    How runners launch the workflow's jobs (directly or through srun) and stop them.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    enable_cpu_bind: Annotated[
        bool | None,
        Field(description="Let Slurm bind job steps to CPU cores (slurm mode only)."),
    ] = None
    job_stdio_overrides: Annotated[
        dict[str, Any] | None,
        Field(description="Per-job stdout/stderr settings, keyed by job name."),
    ] = None
    limit_resources: Annotated[
        bool | None,
        Field(
            description="Kill jobs that exceed their memory or CPU requirements (direct mode; default true)."
        ),
    ] = None
    mode: Annotated[ExecutionMode | None, Field(description="direct (default), slurm or auto.")] = (
        None
    )
    oom_exit_code: Annotated[
        int | None,
        Field(
            description="Return code recorded for a job killed for exceeding its memory (default 137)."
        ),
    ] = None
    sigkill_headroom_seconds: Annotated[
        int | None,
        Field(
            description="Seconds before the allocation ends at which jobs are killed (default 60)."
        ),
    ] = None
    sigterm_lead_seconds: Annotated[
        int | None,
        Field(description="Seconds between the termination signal and SIGKILL (default 30)."),
    ] = None
    srun_mpi: Annotated[
        str | None,
        Field(description="MPI type passed to the srun that starts one runner per node."),
    ] = None
    srun_termination_signal: Annotated[
        str | None,
        Field(description="Signal specification for srun job steps (srun --signal)."),
    ] = None
    staggered_start: Annotated[
        bool | None,
        Field(
            description="Start runners at staggered times so that they do not all ask the server at once."
        ),
    ] = None
    stdio: Annotated[
        StdioConfig | None,
        Field(description="Workflow-wide default for capturing stdout and stderr."),
    ] = None
    termination_signal: Annotated[
        str | None, Field(description="Signal sent before SIGKILL (default SIGTERM).")
    ] = None
    timeout_exit_code: Annotated[
        int | None,
        Field(
            description="Return code recorded for a job killed at its runtime limit (default 152)."
        ),
    ] = None


class ExecutionMode(StrEnum):
    """
    How runners launch jobs.
    """

    direct = "direct"
    slurm = "slurm"
    auto = "auto"


class FailureHandlerModel(BaseModel):
    """
    Named set of rules that decide whether a job that exits non-zero is retried.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    name: Annotated[
        str,
        Field(description="Handler name, unique within the workflow; jobs refer to it."),
    ]
    rules: Annotated[
        str,
        Field(
            description="JSON-encoded array of rules with exit_codes, match_all_exit_codes, recovery_script, max_retries."
        ),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow the handler belongs to.")]


class FileModel(BaseModel):
    """
    A file that jobs read or write; producer and consumer jobs form implicit dependencies.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    name: Annotated[
        str,
        Field(
            description="Name used to refer to the file in the workflow; need not equal the file name."
        ),
    ]
    path: Annotated[
        str,
        Field(
            description="Filesystem path, absolute or relative to the runner's working directory."
        ),
    ]
    st_mtime: Annotated[
        float | None,
        Field(
            description="Recorded last-modification time, Unix timestamp in seconds (float); null if not yet seen."
        ),
    ] = None
    workflow_id: Annotated[int, Field(description="ID of the workflow the file belongs to.")]


class FileMtime(BaseModel):
    """
    A file's last-modification time as a job runner or client saw it on disk.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    file_id: Annotated[int, Field(description="ID of the file record.")]
    st_mtime: Annotated[
        float | None,
        Field(
            description="Unix timestamp in seconds (float); null or absent if the file does not exist."
        ),
    ] = None


class FilesModel(BaseModel):
    """
    Batch of file records sent in one request for bulk creation.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    files: Annotated[
        list[FileModel],
        Field(description="Files to create, each carrying its workflow_id."),
    ]


class GetReadyJobRequirementsResponse(BaseModel):
    """
    Summed resource needs of the currently ready jobs, used to size new allocations.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    max_num_nodes: Annotated[
        int, Field(description="Largest num_nodes requested by any ready job.")
    ]
    max_runtime: Annotated[
        str,
        Field(description="Longest runtime among the ready jobs, as an ISO-8601 duration."),
    ]
    memory_gb: Annotated[float, Field(description="Total memory of all ready jobs, in GiB.")]
    num_cpus: Annotated[int, Field(description="Total CPUs of all ready jobs.")]
    num_gpus: Annotated[int, Field(description="Total GPUs of all ready jobs.")]
    num_jobs: Annotated[
        int,
        Field(
            description="Number of ready jobs counted (only those of scheduler_config_id, if given)."
        ),
    ]


class HealthResponse(BaseModel):
    """
    Health of the server and its database.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    status: Annotated[str, Field(description='"ok": the server is up and its database answers.')]
    version: Annotated[str, Field(description="Server software version.")]
    database: Annotated[
        str,
        Field(description='Kind of database the server uses: "sqlite" or "postgresql".'),
    ]


class IsCompleteResponse(BaseModel):
    """
    Whether a workflow has finished, was canceled, or still has completion actions to run.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    is_canceled: Annotated[bool, Field(description="True if the workflow was canceled.")]
    is_complete: Annotated[
        bool,
        Field(
            description="True when every job is completed, failed, canceled, terminated or disabled."
        ),
    ]
    needs_to_run_completion_script: Annotated[
        bool,
        Field(
            description="True when the workflow has finished but its completion step has not run yet."
        ),
    ]


class IsUninitializedResponse(BaseModel):
    """
    Whether the jobs of a workflow have never been initialized.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    is_uninitialized: Annotated[
        bool, Field(description="True if all jobs are still in status uninitialized.")
    ]


class JobCompletionEntry(BaseModel):
    """
    The final status and result of one job, as complete_job takes them.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    job_id: Annotated[int, Field(description="Job that finished.")]
    status: Annotated[
        JobStatus,
        Field(
            description="Final status (completed, failed, canceled, terminated or pending_failed)."
        ),
    ]
    run_id: Annotated[
        int,
        Field(description="Workflow run the job ran in; must match the current run."),
    ]
    result: Annotated[
        ResultModel,
        Field(description="Return code, timings and resource figures of the run."),
    ]
    output_file_mtimes: Annotated[
        list[FileMtime] | None,
        Field(
            description="Modification times of the job's output files right after it completed, recorded on the file records so that a later reinitialize sees them unchanged. Only files that are outputs of this job are updated; ignored unless status is completed."
        ),
    ] = None


class JobCompletionError(BaseModel):
    """
    Why one completion of a batch was refused; the others still applied.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    job_id: Annotated[int, Field(description="Job whose completion was refused.")]
    message: Annotated[str, Field(description="What was wrong and what to do about it.")]
    code: Annotated[
        int | None,
        Field(
            description="HTTP status the completion would have received on its own (e.g. 404, 409, 422)."
        ),
    ] = None


class JobDependencyModel(BaseModel):
    """
    One edge of the dependency graph: a job that waits for another job.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    depends_on_job_id: Annotated[
        int, Field(description="ID of the job that must finish first (the blocker).")
    ]
    depends_on_job_name: Annotated[str, Field(description="Name of the blocking job.")]
    job_id: Annotated[int, Field(description="ID of the waiting (blocked) job.")]
    job_name: Annotated[str, Field(description="Name of the waiting job.")]
    workflow_id: Annotated[int, Field(description="ID of the workflow containing both jobs.")]


class JobExchangeRequest(BaseModel):
    """
    One job-runner round trip; each part is optional and applied in the order listed.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    run_id: Annotated[
        int,
        Field(description="Workflow run the runner works in; must match the current run."),
    ]
    compute_node_id: Annotated[int, Field(description="The runner's compute node.")]
    started_job_ids: Annotated[
        list[int] | None,
        Field(
            description="Claimed jobs the runner has launched since its last exchange (pending -> running)."
        ),
    ] = None
    completions: Annotated[
        list[JobCompletionEntry] | None,
        Field(description="Jobs that finished since the last exchange, with their results."),
    ] = None
    claim_limit: Annotated[
        int | None,
        Field(
            description="How many more ready jobs to claim (0 claims none).",
            ge=0,
            le=10000,
        ),
    ] = 0
    resources: Annotated[
        ComputeNodesResources | None,
        Field(
            description="Capacity the claimed jobs must fit together; null claims in queue order."
        ),
    ] = None
    job_limits: Annotated[
        ComputeNodesResources | None,
        Field(
            description="With resources, the most one job may need (the node's whole capacity; resources may be larger, to claim ahead). Ready jobs beyond it are not claimed and are named in unfit_jobs. Defaults to resources."
        ),
    ] = None
    strict_scheduler_match: Annotated[
        bool | None,
        Field(
            description="With resources, claim only jobs bound to resources.scheduler_config_id."
        ),
    ] = False


class JobExchangeResponse(BaseModel):
    """
    The outcome of a job-runner round trip.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    jobs: Annotated[
        list[JobModel],
        Field(
            description="Newly claimed jobs (status pending), to be launched and reported as started."
        ),
    ]
    errors: Annotated[
        list[BatchItemError],
        Field(
            description="Starts or completions that were refused, with the reason; the others applied."
        ),
    ]
    reason: Annotated[str | None, Field(description="Why no job was claimed, when none was.")] = (
        None
    )
    is_complete: Annotated[
        bool,
        Field(description="Every job of the workflow has finished (or the workflow is canceled)."),
    ]
    is_canceled: Annotated[
        bool,
        Field(description="The workflow was canceled; the runner should stop its jobs."),
    ]
    is_stalled: Annotated[
        bool | None,
        Field(
            description="Not complete, yet no job is ready, claimed or running and no finished job awaits processing: nothing can happen until someone acts (e.g. classifies pending_failed jobs)."
        ),
    ] = False
    unfit_jobs: Annotated[
        list[BatchItemError] | None,
        Field(
            description="When nothing was claimed with resources: ready jobs that can never run on this compute node (they need more than job_limits), with why; at most 20."
        ),
    ] = None
    nothing_fits: Annotated[
        bool | None,
        Field(
            description="Not complete, no job is claimed or running and no finish awaits processing, and every ready job is in unfit_jobs: this runner can never make progress."
        ),
    ] = False
    nothing_left: Annotated[
        bool | None,
        Field(
            description="Only for a claim with resources naming a scheduler_config_id (a Slurm runner): nothing was claimed, no finish awaits processing, and no uninitialized, blocked or ready job is left that this runner could ever claim (its scheduler, or none unless strict_scheduler_match, within job_limits). Jobs claimed or running on other runners do not count. The runner may leave its allocation at once instead of waiting for new jobs."
        ),
    ] = False


class JobFileRelationshipModel(BaseModel):
    """
    Link between a file and the jobs that produce and consume it.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    consumer_job_id: Annotated[
        int | None,
        Field(description="ID of a job that reads the file; null if no job reads it."),
    ] = None
    consumer_job_name: Annotated[
        str | None, Field(description="Name of the consuming job; null if none.")
    ] = None
    file_id: Annotated[int, Field(description="ID of the file.")]
    file_name: Annotated[str, Field(description="Name of the file record.")]
    file_path: Annotated[str, Field(description="Filesystem path of the file.")]
    producer_job_id: Annotated[
        int | None,
        Field(
            description="ID of the job that writes the file; null for files that must already exist."
        ),
    ] = None
    producer_job_name: Annotated[
        str | None, Field(description="Name of the producing job; null if none.")
    ] = None
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class JobModel(BaseModel):
    """
    A unit of work, one shell command, with its dependencies and resource needs.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    attempt_id: Annotated[
        int | None,
        Field(
            description="Attempt number of the current run, starting at 1 and increased by each retry."
        ),
    ] = None
    cancel_on_blocking_job_failure: Annotated[
        bool | None,
        Field(
            description="If true, the job is canceled when a job it depends on fails; default false."
        ),
    ] = None
    compute_node_id: Annotated[
        int | None,
        Field(
            description="Compute node running the current attempt; set by start_job, cleared when it ends."
        ),
    ] = None
    command: Annotated[str, Field(description="Shell command the job runner executes.")]
    depends_on_job_ids: Annotated[
        list[int] | None,
        Field(description="IDs of jobs that must finish before this one (explicit dependencies)."),
    ] = None
    env: Annotated[
        dict[str, Any] | None,
        Field(description="Environment variables set for this job (over the workflow's env)."),
    ] = None
    failure_handler_id: Annotated[
        int | None,
        Field(
            description="ID of the failure handler that decides retries after a non-zero exit; null for none."
        ),
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    input_file_ids: Annotated[
        list[int] | None,
        Field(
            description="IDs of files the job reads; their producing jobs become implicit dependencies."
        ),
    ] = None
    input_user_data_ids: Annotated[
        list[int] | None,
        Field(
            description="IDs of user-data records the job reads; their producers become implicit dependencies."
        ),
    ] = None
    invocation_script: Annotated[
        str | None,
        Field(
            description="Optional wrapper script the runner places before the command, e.g. to set up the environment."
        ),
    ] = None
    name: Annotated[
        str,
        Field(description="Human-readable job name used in specs, logs and reports."),
    ]
    origin: Annotated[
        str | None,
        Field(
            description='Null for declared jobs, "retry" for jobs retried by a failure handler, "spawn" for jobs added by spawn_jobs.'
        ),
    ] = None
    output_file_ids: Annotated[
        list[int] | None, Field(description="IDs of files the job writes.")
    ] = None
    output_user_data_ids: Annotated[
        list[int] | None, Field(description="IDs of user-data records the job writes.")
    ] = None
    priority: Annotated[
        int | None,
        Field(
            description="Claim-order hint; jobs with higher values are handed out first. Minimum 0, default 0.",
            ge=0,
        ),
    ] = 0
    resource_requirements_id: Annotated[
        int | None,
        Field(
            description="ID of the resource requirements (CPUs, memory, GPUs, runtime); null uses the default."
        ),
    ] = None
    schedule_compute_nodes: Annotated[
        ComputeNodeSchedule | None,
        Field(
            description="Optional request to submit scheduler allocations when this job becomes ready."
        ),
    ] = None
    scheduler_id: Annotated[
        int | None,
        Field(
            description="ID of the scheduler config the job must run under; null lets any runner claim it."
        ),
    ] = None
    start_time: Annotated[
        str | None,
        Field(
            description="When the current attempt started running; set by start_job, cleared when it ends."
        ),
    ] = None
    status: Annotated[
        JobStatus | None,
        Field(description="Current lifecycle state (see JobStatus); managed by the server."),
    ] = None
    supports_termination: Annotated[
        bool | None,
        Field(
            description="If true, the job handles SIGTERM and can stop gracefully before a time limit; default false."
        ),
    ] = None
    workflow_id: Annotated[int, Field(description="ID of the workflow the job belongs to.")]


class JobMonitorConfig(BaseModel):
    """
    Resource monitoring of each job.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    enabled: Annotated[bool | None, Field(description="Monitor jobs; default false.")] = False
    granularity: Annotated[
        MonitorGranularity | None,
        Field(description="Keep a summary or a time series per job."),
    ] = None


class JobStatus(StrEnum):
    """
    Job state, stored as int 0-10: 0 uninitialized (deps not evaluated), 1 blocked (waiting on deps), 2 ready, 3 pending (claimed by a runner), 4 running, 5 completed (exit 0), 6 failed, 7 canceled, 8 terminated (killed, e.g. at wall time), 9 disabled (skipped), 10 pending_failed (failed, awaiting classification).
    """

    uninitialized = "uninitialized"
    blocked = "blocked"
    ready = "ready"
    pending = "pending"
    running = "running"
    completed = "completed"
    failed = "failed"
    canceled = "canceled"
    terminated = "terminated"
    disabled = "disabled"
    pending_failed = "pending_failed"


class JobStatusCounts(BaseModel):
    """
    How many jobs of a workflow are in each status.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    uninitialized: Annotated[int, Field(description="Jobs not yet initialized.")]
    blocked: Annotated[int, Field(description="Jobs waiting on others.")]
    ready: Annotated[int, Field(description="Jobs that can run.")]
    pending: Annotated[int, Field(description="Jobs claimed by a runner and about to start.")]
    running: Annotated[int, Field(description="Jobs running.")]
    completed: Annotated[int, Field(description="Jobs that completed with return code 0.")]
    failed: Annotated[int, Field(description="Jobs that failed.")]
    canceled: Annotated[int, Field(description="Jobs canceled.")]
    terminated: Annotated[
        int,
        Field(description="Jobs stopped by their runner (e.g. at the end of an allocation)."),
    ]
    disabled: Annotated[int, Field(description="Jobs disabled by the user.")]
    pending_failed: Annotated[int, Field(description="Failed jobs awaiting classification.")]


class JobUserDataRelationshipModel(BaseModel):
    """
    Link between a user-data record and the jobs that produce and consume it.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    consumer_job_id: Annotated[
        int | None,
        Field(description="ID of a job that reads the user data; null if no job reads it."),
    ] = None
    consumer_job_name: Annotated[
        str | None, Field(description="Name of the consuming job; null if none.")
    ] = None
    producer_job_id: Annotated[
        int | None,
        Field(description="ID of the job that writes the user data; null if supplied by the user."),
    ] = None
    producer_job_name: Annotated[
        str | None, Field(description="Name of the producing job; null if none.")
    ] = None
    user_data_id: Annotated[int, Field(description="ID of the user-data record.")]
    user_data_name: Annotated[str, Field(description="Name of the user-data record.")]
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class JobsModel(BaseModel):
    """
    Batch of jobs sent in one request for bulk creation.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    jobs: Annotated[
        list[JobModel],
        Field(description="Jobs to create, each carrying its workflow_id."),
    ]


class ListAccessGroupsResponse(BaseModel):
    """
    One page of access groups.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[AccessGroupModel], Field(description="The access groups in this page.")]
    limit: Annotated[int, Field(description="Page size applied to this request (at most 10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListComputeNodesResponse(BaseModel):
    """
    One page of compute node records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[ComputeNodeModel],
        Field(description="The compute node records in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListEventsResponse(BaseModel):
    """
    One page of events.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[EventModel], Field(description="The events in this page.")]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListFailureHandlersResponse(BaseModel):
    """
    One page of failure handlers.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[FailureHandlerModel],
        Field(description="The failure handlers in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListFilesResponse(BaseModel):
    """
    One page of file records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[FileModel], Field(description="The file records in this page.")]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListJobDependenciesResponse(BaseModel):
    """
    One page of job dependency edges.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[JobDependencyModel],
        Field(description="The job dependency edges in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListJobFileRelationshipsResponse(BaseModel):
    """
    One page of job-file relationships.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[JobFileRelationshipModel],
        Field(description="The job-file relationships in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListJobIdsResponse(BaseModel):
    """
    All job IDs of a workflow, without the job records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of IDs returned.")]
    job_ids: Annotated[list[int], Field(description="IDs of the jobs in the workflow.")]


class ListJobUserDataRelationshipsResponse(BaseModel):
    """
    One page of job-user-data relationships.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[JobUserDataRelationshipModel],
        Field(description="The job-user-data relationships in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListJobsResponse(BaseModel):
    """
    One page of jobs.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[JobModel], Field(description="The jobs in this page.")]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListLocalSchedulersResponse(BaseModel):
    """
    One page of local scheduler configs.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[LocalSchedulerModel],
        Field(description="The local scheduler configs in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListMissingUserDataResponse(BaseModel):
    """
    User-data records that jobs need but that nobody has provided yet.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    user_data: Annotated[
        list[int],
        Field(description="IDs of input user-data records that have no data and no producing job."),
    ]


class ListRequiredExistingFilesResponse(BaseModel):
    """
    Input files that must already exist before the workflow can run.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    files: Annotated[
        list[int],
        Field(
            description="IDs of files that jobs read but no job produces, so they must exist on disk."
        ),
    ]


class ListResourceRequirementsResponse(BaseModel):
    """
    One page of resource requirement records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[ResourceRequirementsModel],
        Field(description="The resource requirement records in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListResultsResponse(BaseModel):
    """
    One page of job results.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[ResultModel], Field(description="The job results in this page.")]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListRoCrateEntitiesResponse(BaseModel):
    """
    One page of RO-Crate entities.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[RoCrateEntityModel],
        Field(description="The RO-Crate entities in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListScheduledComputeNodesResponse(BaseModel):
    """
    One page of scheduled compute node (allocation) records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[ScheduledComputeNodesModel],
        Field(description="The scheduled compute node (allocation) records in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListSlurmSchedulersResponse(BaseModel):
    """
    One page of Slurm scheduler configs.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[SlurmSchedulerModel],
        Field(description="The Slurm scheduler configs in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListSlurmStatsResponse(BaseModel):
    """
    One page of Slurm accounting records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[SlurmStatsModel],
        Field(description="The Slurm accounting records in this page."),
    ]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListUserDataResponse(BaseModel):
    """
    One page of user-data records.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[UserDataModel], Field(description="The user-data records in this page.")]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListUserGroupMembershipsResponse(BaseModel):
    """
    One page of group memberships.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[UserGroupMembershipModel],
        Field(description="The group memberships in this page."),
    ]
    limit: Annotated[int, Field(description="Page size applied to this request (at most 10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListWorkerTokensResponse(BaseModel):
    """
    One page of worker tokens.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[
        list[WorkerTokenModel],
        Field(description="The tokens in this page, without their secrets."),
    ]
    limit: Annotated[int, Field(description="Page size applied to this request (at most 10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class ListWorkflowsResponse(BaseModel):
    """
    One page of workflows.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    count: Annotated[int, Field(description="Number of records in this page.")]
    has_more: Annotated[bool, Field(description="True if more records exist after this page.")]
    items: Annotated[list[WorkflowModel], Field(description="The workflows in this page.")]
    max_limit: Annotated[int, Field(description="Largest page size the server allows (10000).")]
    offset: Annotated[int, Field(description="Number of records skipped before this page.")]
    total_count: Annotated[
        int, Field(description="Number of records matching the query across all pages.")
    ]


class LocalSchedulerModel(BaseModel):
    """
    Resource limits for running jobs on the local machine without a batch scheduler.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    memory: Annotated[
        str | None,
        Field(
            description='Memory the local runner may use, same format as job memory (e.g. "16g").'
        ),
    ] = None
    name: Annotated[
        str | None,
        Field(description='Scheduler name that jobs refer to; default "default".'),
    ] = None
    num_cpus: Annotated[
        int | None, Field(description="Number of CPUs the local runner may use.")
    ] = None
    workflow_id: Annotated[int, Field(description="ID of the workflow the scheduler belongs to.")]


class MessageResponse(BaseModel):
    """
    Generic response carrying a human-readable message.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    message: Annotated[str, Field(description="Human-readable outcome of the request.")]


class MonitorGranularity(StrEnum):
    """
    What resource monitoring keeps.
    """

    summary = "summary"
    time_series = "time_series"


class PingResponse(BaseModel):
    """
    Liveness check result.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    status: Annotated[
        str, Field(description='Server health indicator; "ok" when the server is up.')
    ]


class PreviewChangedJobInputsRequest(BaseModel):
    """
    File times as they are on disk now, for a reinitialize preview.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    files: Annotated[
        list[FileMtime],
        Field(
            description="Files whose disk time differs from the recorded one (null when the file is gone)."
        ),
    ]


class ProcessChangedJobInputsResponse(BaseModel):
    """
    Result of checking jobs for changed inputs and resetting the affected ones.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    reinitialized_jobs: Annotated[
        list[str],
        Field(
            description="Names of jobs reset to uninitialized because inputs changed (would be, on dry run)."
        ),
    ]


class ReloadAuthResponse(BaseModel):
    """
    Result of reloading the server's user credentials file.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    message: Annotated[str, Field(description="Human-readable outcome of the reload.")]
    user_count: Annotated[int, Field(description="Number of users loaded from the htpasswd file.")]


class RemoteWorkerModel(BaseModel):
    """
    A remote machine, reached over SSH, registered to run jobs of a workflow.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    worker: Annotated[str, Field(description="Worker address in the form [user@]hostname[:port].")]
    workflow_id: Annotated[
        int, Field(description="ID of the workflow the worker is registered for.")
    ]


class ResetJobStatusResponse(BaseModel):
    """
    Result of resetting job statuses of a workflow.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    reset_type: Annotated[
        str | None, Field(description="Which jobs were reset, e.g. failed_only or all.")
    ] = None
    status: Annotated[str, Field(description='Outcome indicator, e.g. "success".')]
    updated_count: Annotated[int, Field(description="Number of jobs whose status was changed.")]
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class ResourceMonitorConfig(BaseModel):
    """
    Resource monitoring of jobs and compute nodes, and its plots.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    compute_node: Annotated[
        ComputeNodeMonitorConfig | None,
        Field(description="Monitoring of whole compute nodes."),
    ] = None
    enabled: Annotated[bool | None, Field(description="Monitor at all; default false.")] = False
    flush_interval_seconds: Annotated[
        int | None,
        Field(description="Seconds between writes of samples to the database; default 300."),
    ] = 300
    generate_plots: Annotated[
        bool | None,
        Field(description="Write plots of the samples when the runner exits; default false."),
    ] = False
    granularity: Annotated[
        MonitorGranularity | None,
        Field(description="Older spelling of jobs.granularity, kept for existing specs."),
    ] = None
    jobs: Annotated[JobMonitorConfig | None, Field(description="Monitoring of each job.")] = None
    sample_interval_seconds: Annotated[
        float | None,
        Field(
            description="Seconds between samples; default 10. Fractions are accepted (fast tests); specs and the published clients use whole seconds."
        ),
    ] = 10


class ResourceRequirementsModel(BaseModel):
    """
    Named resource profile (CPUs, GPUs, nodes, memory, runtime) that jobs refer to.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    memory: Annotated[
        str | None,
        Field(
            description='Memory per job as a number with unit k, m or g (e.g. "512k", "2g"); default "1m".'
        ),
    ] = "1m"
    name: Annotated[
        str,
        Field(
            description='Profile name, unique within the workflow; a "default" profile is created automatically.'
        ),
    ]
    num_cpus: Annotated[int | None, Field(description="Number of CPUs a job needs; default 1.")] = 1
    num_gpus: Annotated[int | None, Field(description="Number of GPUs a job needs; default 0.")] = 0
    num_nodes: Annotated[
        int | None, Field(description="Number of nodes a job needs; default 1.")
    ] = 1
    runtime: Annotated[
        str | None,
        Field(
            description='Expected maximum run time as an ISO-8601 duration (e.g. "PT30M"); default "PT1M".'
        ),
    ] = "PT1M"
    workflow_id: Annotated[int, Field(description="ID of the workflow the profile belongs to.")]


class ResultModel(BaseModel):
    """
    Outcome of one job execution attempt: exit code, timing and resource usage.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    attempt_id: Annotated[
        int | None,
        Field(description="Attempt number this result belongs to (1 for the first try)."),
    ] = None
    avg_cpu_percent: Annotated[
        float | None,
        Field(
            description="Average CPU use in percent (can exceed 100 on several cores); null if not monitored."
        ),
    ] = None
    avg_memory_bytes: Annotated[
        int | None,
        Field(description="Average memory use, in bytes; null if not monitored."),
    ] = None
    completion_time: Annotated[str, Field(description="When the job finished, ISO-8601 timestamp.")]
    compute_node_id: Annotated[
        int, Field(description="ID of the compute node (runner) that ran the job.")
    ]
    exec_time_minutes: Annotated[
        float, Field(description="Execution wall time, in minutes (float).")
    ]
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    job_id: Annotated[int, Field(description="ID of the job that ran.")]
    job_name: Annotated[
        str | None,
        Field(description="Name of the result's job; filled in on reads, ignored on writes."),
    ] = None
    oom_killed: Annotated[
        bool | None,
        Field(
            description="Whether the kernel's OOM killer killed a process of the job in its own memory cgroup (the runner's --job-cgroups option); null if the job ran without one."
        ),
    ] = None
    peak_cpu_percent: Annotated[
        float | None,
        Field(
            description="Peak CPU use in percent (can exceed 100 on several cores); null if not monitored."
        ),
    ] = None
    peak_memory_bytes: Annotated[
        int | None,
        Field(description="Peak memory use, in bytes; null if not monitored."),
    ] = None
    return_code: Annotated[int, Field(description="Exit code of the command; 0 means success.")]
    run_id: Annotated[
        int,
        Field(
            description="Workflow run number when the job ran; increases with each reinitialization."
        ),
    ]
    status: Annotated[
        JobStatus,
        Field(
            description="Job status recorded for this attempt, e.g. completed, failed or terminated."
        ),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class RoCrateEntityModel(BaseModel):
    """
    RO-Crate provenance metadata entity describing a workflow file or other object.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    entity_id: Annotated[
        str,
        Field(description="The entity's @id in the RO-Crate graph, e.g. a file path or URL."),
    ]
    entity_type: Annotated[
        str, Field(description='The entity\'s @type, e.g. "File" or "CreateAction".')
    ]
    file_id: Annotated[
        int | None, Field(description="ID of the file this entity describes, if any.")
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    metadata: Annotated[
        dict[str, Any],
        Field(
            description="The entity's RO-Crate properties (a JSON object; JSON text for clients before 0.35, ADR 0008)."
        ),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class RunningJobModel(BaseModel):
    """
    A running job with the compute node it runs on and, under a scheduler, its job ID.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    compute_node_name: Annotated[
        str, Field(description="Hostname of the compute node running the job.")
    ]
    job_id: Annotated[int, Field(description="The job.")]
    job_name: Annotated[str, Field(description="The job's name.")]
    scheduler_job_id: Annotated[
        str | None,
        Field(
            description="The scheduler's job ID (the Slurm job ID) when a scheduler started the node."
        ),
    ] = None
    scheduler_type: Annotated[str, Field(description="Kind of compute node, e.g. local or slurm.")]
    start_time: Annotated[
        str | None, Field(description="When the job started running (RFC 3339).")
    ] = None


class RunningJobsResponse(BaseModel):
    """
    One page of a workflow's running jobs.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    items: Annotated[list[RunningJobModel], Field(description="The running jobs on this page.")]
    offset: Annotated[int, Field(description="Records skipped before this page.")]
    max_limit: Annotated[int, Field(description="Largest page the server returns.")]
    count: Annotated[int, Field(description="Records on this page.")]
    total_count: Annotated[int, Field(description="Records across all pages.")]
    has_more: Annotated[bool, Field(description="True if more records follow this page.")]


class ScheduledComputeNodesModel(BaseModel):
    """
    One allocation requested from a scheduler (e.g. a Slurm job) for a workflow.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    scheduler_config_id: Annotated[
        int,
        Field(description="ID of the scheduler config (Slurm or local) used for the request."),
    ]
    scheduler_id: Annotated[
        int,
        Field(description="ID the scheduler assigned to the allocation, e.g. the Slurm job ID."),
    ]
    scheduler_type: Annotated[str, Field(description='Scheduler kind, "slurm" or "local".')]
    status: Annotated[
        str,
        Field(
            description='Allocation state, "pending" (queued), "active" (running) or "complete".'
        ),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class SlurmJobCorrelationModel(BaseModel):
    """
    The Slurm job that ran a job, found through its result's compute node.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    job_id: Annotated[int, Field(description="The job.")]
    job_name: Annotated[str, Field(description="The job's name.")]
    slurm_job_id: Annotated[
        str, Field(description="The Slurm job ID of the allocation that ran it.")
    ]


class SlurmJobCorrelationsResponse(BaseModel):
    """
    One page of job-to-Slurm-job rows.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    items: Annotated[list[SlurmJobCorrelationModel], Field(description="The rows on this page.")]
    offset: Annotated[int, Field(description="Records skipped before this page.")]
    max_limit: Annotated[int, Field(description="Largest page the server returns.")]
    count: Annotated[int, Field(description="Records on this page.")]
    total_count: Annotated[int, Field(description="Records across all pages.")]
    has_more: Annotated[bool, Field(description="True if more records follow this page.")]


class SlurmSchedulerModel(BaseModel):
    """
    Slurm allocation settings (sbatch options) used to launch job runners.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    account: Annotated[str, Field(description="Slurm account to charge (sbatch --account).")]
    extra: Annotated[
        str | None,
        Field(
            description='Additional sbatch options passed through verbatim, e.g. "--constraint=cpu".'
        ),
    ] = None
    gres: Annotated[
        str | None,
        Field(description='Generic resources to request, e.g. "gpu:2" (sbatch --gres).'),
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    mem: Annotated[
        str | None, Field(description='Memory per node, e.g. "180G" (sbatch --mem).')
    ] = None
    name: Annotated[
        str | None, Field(description="Scheduler name that jobs and actions refer to.")
    ] = None
    nodes: Annotated[int, Field(description="Number of nodes per allocation; default 1.")]
    ntasks_per_node: Annotated[
        int | None, Field(description="Tasks per node (sbatch --ntasks-per-node).")
    ] = None
    partition: Annotated[
        str | None, Field(description="Slurm partition; Slurm chooses one if unset.")
    ] = None
    qos: Annotated[str | None, Field(description="Quality of service (sbatch --qos).")] = None
    tmp: Annotated[
        str | None,
        Field(description='Minimum node-local scratch space, e.g. "100G" (sbatch --tmp).'),
    ] = None
    walltime: Annotated[
        str,
        Field(description='Allocation time limit as HH:MM:SS or D-HH:MM:SS; default "01:00:00".'),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow the scheduler belongs to.")]


class SlurmStatsModel(BaseModel):
    """
    Slurm accounting (sacct) figures for one job attempt that ran inside an allocation.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    attempt_id: Annotated[int, Field(description="Attempt number of the job run.")]
    ave_cpu_seconds: Annotated[
        float | None,
        Field(description="Average CPU time used, in seconds (sacct AveCPU)."),
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    job_id: Annotated[int, Field(description="ID of the torc job.")]
    max_disk_read_bytes: Annotated[
        int | None,
        Field(
            description="Largest amount read from disk by any task, in bytes (sacct MaxDiskRead)."
        ),
    ] = None
    max_disk_write_bytes: Annotated[
        int | None,
        Field(
            description="Largest amount written to disk by any task, in bytes (sacct MaxDiskWrite)."
        ),
    ] = None
    max_rss_bytes: Annotated[
        int | None,
        Field(description="Peak resident memory of any task, in bytes (sacct MaxRSS)."),
    ] = None
    max_vm_size_bytes: Annotated[
        int | None,
        Field(description="Peak virtual memory of any task, in bytes (sacct MaxVMSize)."),
    ] = None
    node_list: Annotated[
        str | None,
        Field(description="Nodes the job ran on, in Slurm node-list syntax."),
    ] = None
    run_id: Annotated[int, Field(description="Workflow run number when the job ran.")]
    slurm_job_id: Annotated[
        str | None, Field(description="Slurm job ID of the allocation, as a string.")
    ] = None
    workflow_id: Annotated[int, Field(description="ID of the workflow.")]


class SpawnJobModel(BaseModel):
    """
    One job added by spawn_jobs. It starts blocked on the calling job and on the jobs it names in depends_on (existing jobs of the workflow or siblings of the same request).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    cancel_on_blocking_job_failure: Annotated[
        bool | None,
        Field(description="Cancel this job if a job it depends on fails; default true."),
    ] = None
    command: Annotated[str, Field(description="Command line to run.")]
    depends_on: Annotated[
        list[str] | None,
        Field(description="Names of jobs this job waits for, besides the calling job."),
    ] = None
    name: Annotated[
        str,
        Field(
            description="Job name, unique in the workflow; a replay with the same names spawns nothing."
        ),
    ]
    priority: Annotated[
        int | None, Field(description="Scheduling priority; higher runs first.")
    ] = None
    resource_requirements: Annotated[
        str | None,
        Field(
            description="Name of a resource requirements record of the workflow; default the workflow's default."
        ),
    ] = None


class SpawnJobsRequest(BaseModel):
    """
    Jobs a running job adds to its workflow; the lineage's iteration and state advance with them.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    jobs: Annotated[
        list[SpawnJobModel],
        Field(description="Jobs to add; may be empty to record a final state only."),
    ]
    lineage: Annotated[
        str | None,
        Field(
            description="Lineage the iteration counter and state belong to; default the calling job's name."
        ),
    ] = None
    state: Annotated[
        Any | None, Field(description="Any JSON state to keep with this iteration.")
    ] = None


class SpawnJobsResponse(BaseModel):
    """
    Outcome of spawn_jobs.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    iteration: Annotated[int, Field(description="The lineage's iteration counter after the call.")]
    spawned_job_ids: Annotated[
        list[int],
        Field(
            description="IDs of the spawned jobs in request order (on a replay, of the jobs the first call made)."
        ),
    ]


class StdioConfig(BaseModel):
    """
    How a job's stdout and stderr are captured.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    delete_on_success: Annotated[
        bool | None,
        Field(description="Delete the files when the job completes successfully."),
    ] = None
    mode: Annotated[
        StdioMode | None,
        Field(
            description="Separate files (default), one combined file, or none of either or both."
        ),
    ] = None


class StdioMode(StrEnum):
    """
    Which of a job's output streams are kept, and how.
    """

    separate = "separate"
    combined = "combined"
    no_stdout = "no_stdout"
    no_stderr = "no_stderr"
    none = "none"


class TaskModel(BaseModel):
    """
    A long operation the server runs in the background (asynchronous initialize).
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    created_at_ms: Annotated[
        int,
        Field(description="When the task was queued (milliseconds since the Unix epoch)."),
    ]
    error: Annotated[str | None, Field(description="Why the task failed.")] = None
    finished_at_ms: Annotated[
        int | None,
        Field(description="When the task ended (milliseconds since the Unix epoch)."),
    ] = None
    id: Annotated[int, Field(description="Unique ID assigned by the server.")]
    operation: Annotated[
        str, Field(description="The operation the task runs, e.g. initialize_jobs.")
    ]
    started_at_ms: Annotated[
        int | None,
        Field(description="When the task started running (milliseconds since the Unix epoch)."),
    ] = None
    status: Annotated[TaskStatus, Field(description="queued, running, succeeded or failed.")]
    workflow_id: Annotated[int, Field(description="Workflow the task works on.")]


class TaskStatus(StrEnum):
    """
    Where an asynchronous task is.
    """

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class UserDataListModel(BaseModel):
    """
    Batch of user-data records sent in one request for bulk creation.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    user_data: Annotated[
        list[UserDataModel],
        Field(description="Records to create, each carrying its workflow_id."),
    ]


class UserDataModel(BaseModel):
    """
    Named JSON value that jobs produce or consume; creates dependencies like files do.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    data: Annotated[
        Any | None,
        Field(description="The JSON value; null until set by the user or a producing job."),
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    is_ephemeral: Annotated[
        bool | None,
        Field(description="If true, the data is cleared before each new run; default false."),
    ] = None
    name: Annotated[str, Field(description="Name used to refer to the record in the workflow.")]
    workflow_id: Annotated[int, Field(description="ID of the workflow the record belongs to.")]


class UserGroupMembershipModel(BaseModel):
    """
    Membership of one user in an access group, with a role.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    created_at: Annotated[
        str | None,
        Field(description="Time the membership was created, set by the server (timestamp string)."),
    ] = None
    group_id: Annotated[int, Field(description="ID of the access group.")]
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    role: Annotated[str, Field(description='Role in the group, "member" (default) or "admin".')]
    user_name: Annotated[str, Field(description="User name of the member.")]


class VersionResponse(BaseModel):
    """
    Version information of the running server.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    api_version: Annotated[
        str,
        Field(description="Version of the REST API contract the server implements."),
    ]
    git_hash: Annotated[
        str | None,
        Field(description="Source revision the server was built from, if known."),
    ] = None
    version: Annotated[str, Field(description="Server software version.")]


class WorkerTokenModel(BaseModel):
    """
    A bearer token that lets a job runner on another machine work on one workflow only.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    created_at: Annotated[str, Field(description="When the token was minted (ISO 8601).")]
    created_by: Annotated[str, Field(description="User who minted the token.")]
    expires_at: Annotated[
        str | None,
        Field(description="When the token stops working (ISO 8601); null never."),
    ] = None
    id: Annotated[int, Field(description="Unique ID assigned by the server.")]
    name: Annotated[
        str | None,
        Field(description="Optional label, e.g. the allocation it was made for."),
    ] = None
    revoked_at: Annotated[
        str | None,
        Field(description="When the token was revoked (ISO 8601); null while it is valid."),
    ] = None
    token: Annotated[
        str | None,
        Field(description="The secret, present only in the answer that created the token."),
    ] = None
    workflow_id: Annotated[int, Field(description="The only workflow the token may touch.")]


class WorkflowAccessGroupModel(BaseModel):
    """
    Link that shares a workflow with an access group.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    created_at: Annotated[
        str | None,
        Field(description="Time the link was created, set by the server (timestamp string)."),
    ] = None
    group_id: Annotated[int, Field(description="ID of the access group.")]
    workflow_id: Annotated[int, Field(description="ID of the shared workflow.")]


class WorkflowActionModel(BaseModel):
    """
    Action (run commands or schedule nodes) fired by a workflow, job or worker event.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    action_config: Annotated[
        Any,
        Field(
            description="Action settings as JSON: commands for run_commands; scheduler, num_allocations etc. for schedule_nodes."
        ),
    ]
    action_type: Annotated[
        str, Field(description='What to do, "run_commands" or "schedule_nodes".')
    ]
    executed: Annotated[
        bool | None,
        Field(
            description="True once a worker has claimed the action; cleared on reinitialize; default false."
        ),
    ] = False
    executed_at: Annotated[
        str | None,
        Field(description="When the action was claimed for execution (timestamp string)."),
    ] = None
    executed_by: Annotated[
        int | None, Field(description="ID of the compute node that claimed the action.")
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    is_recovery: Annotated[
        bool | None,
        Field(
            description="True for temporary actions created by recovery; deleted on reinitialize; default false."
        ),
    ] = False
    job_ids: Annotated[
        list[int] | None,
        Field(description="Jobs watched by on_jobs_ready and on_jobs_complete triggers."),
    ] = None
    persistent: Annotated[
        bool | None,
        Field(
            description="If true, every worker may claim and run it, not only the first; default false."
        ),
    ] = False
    required_triggers: Annotated[
        int | None,
        Field(
            description="Number of job transitions needed before the action becomes pending; default 1."
        ),
    ] = 1
    trigger_count: Annotated[
        int | None,
        Field(description="Job transitions counted so far toward required_triggers; default 0."),
    ] = 0
    trigger_type: Annotated[
        str,
        Field(
            description="on_workflow_start, on_workflow_complete, on_jobs_ready, on_jobs_complete, on_worker_start, on_worker_complete."
        ),
    ]
    workflow_id: Annotated[int, Field(description="ID of the workflow the action belongs to.")]


class WorkflowModel(BaseModel):
    """
    A workflow: the top-level container of jobs, files, user data, schedulers and settings.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    compute_node_expiration_buffer_seconds: Annotated[
        int | None,
        Field(
            description="Runners stop jobs and exit this many seconds before their allocation expires (default 60)."
        ),
    ] = None
    compute_node_ignore_workflow_completion: Annotated[
        bool | None,
        Field(
            description="If true, runners keep their allocations after the workflow completes; default false."
        ),
    ] = None
    compute_node_min_time_for_new_jobs_seconds: Annotated[
        int | None,
        Field(
            description="Runners stop claiming new jobs when less than this many seconds of allocation remain."
        ),
    ] = None
    compute_node_wait_for_healthy_database_minutes: Annotated[
        int | None,
        Field(
            description="Minutes runners keep retrying while the server or its database is unreachable (default 20)."
        ),
    ] = None
    compute_node_wait_for_new_jobs_seconds: Annotated[
        int | None,
        Field(
            description="Seconds an idle runner waits for new ready jobs before exiting, unless the workflow is complete."
        ),
    ] = None
    description: Annotated[str | None, Field(description="Optional free-text description.")] = None
    enable_ro_crate: Annotated[
        bool | None,
        Field(
            description="If true, the server records RO-Crate provenance entities for the workflow's files."
        ),
    ] = None
    access_groups: Annotated[
        list[str] | None,
        Field(
            description="Names of the access groups the workflow is shared with. On create the groups are looked up by name and the workflow is shared with them; on reads, the current list."
        ),
    ] = None
    dynamic_jobs: Annotated[
        DynamicJobsConfig | None,
        Field(
            description="Settings of jobs spawned at run time (spawn_jobs); fixed once the workflow exists."
        ),
    ] = None
    env: Annotated[
        dict[str, Any] | None,
        Field(description="Environment variables set for every job of the workflow."),
    ] = None
    execution_config: Annotated[
        ExecutionConfig | None,
        Field(
            description="How runners launch jobs (directly or through srun) and stop them. JSON text for clients before 0.35 (ADR 0008)."
        ),
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    is_archived: Annotated[
        bool | None,
        Field(
            description="True if the workflow is archived; read-only here (set by archive_workflow)."
        ),
    ] = None
    is_canceled: Annotated[
        bool | None,
        Field(
            description="True if the workflow was canceled; read-only here (set by cancel_workflow)."
        ),
    ] = None
    metadata: Annotated[
        dict[str, Any] | None,
        Field(
            description="Free-form user metadata (a JSON object; JSON text for clients before 0.35, ADR 0008)."
        ),
    ] = None
    name: Annotated[str, Field(description="Workflow name.")]
    project: Annotated[
        str | None,
        Field(description="Optional project name for grouping and filtering workflows."),
    ] = None
    resource_monitor_config: Annotated[
        ResourceMonitorConfig | None,
        Field(
            description="Resource monitoring of jobs and compute nodes (JSON text for clients before 0.35, ADR 0008)."
        ),
    ] = None
    run_id: Annotated[
        int | None,
        Field(
            description="The workflow's current run; read-only here (reset_status starts a new one)."
        ),
    ] = None
    slurm_config: Annotated[
        str | None,
        Field(
            description="JSON-encoded workflow-level Slurm settings used when runners run under Slurm."
        ),
    ] = None
    slurm_defaults: Annotated[
        dict[str, Any] | None,
        Field(
            description="sbatch options applied to every Slurm scheduler that does not set them (JSON text for clients before 0.35, ADR 0008)."
        ),
    ] = None
    status_id: Annotated[
        int | None,
        Field(
            description="ID of the workflow's status record (run_id, canceled and archived flags)."
        ),
    ] = None
    submission_directory: Annotated[
        str | None,
        Field(
            description="Absolute directory the workflow was created from; jobs see it as TORC_WORKFLOW_SUBMISSION_DIR to resolve relative paths on any node."
        ),
    ] = None
    timestamp: Annotated[
        str | None,
        Field(description="Creation time, set by the server (timestamp string)."),
    ] = None
    use_pending_failed: Annotated[
        bool | None,
        Field(
            description="If true, failures with no matching handler go to pending_failed for triage; default false."
        ),
    ] = None
    user: Annotated[
        str,
        Field(description="User who owns the workflow; defaults to the creating user."),
    ]


class WorkflowStatusModel(BaseModel):
    """
    Mutable run state of a workflow: run number and canceled/archived flags.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    has_detected_need_to_run_completion_script: Annotated[
        bool | None,
        Field(
            description="Set once the server sees the workflow has finished and its completion step is due."
        ),
    ] = None
    id: Annotated[int | None, Field(description="Unique ID assigned by the server.")] = None
    is_archived: Annotated[
        bool | None,
        Field(
            description="True if the workflow is archived (hidden from default listings); default false."
        ),
    ] = None
    is_canceled: Annotated[bool, Field(description="True if the workflow was canceled.")]
    run_id: Annotated[
        int,
        Field(
            description="Run counter; incremented each time the workflow is reinitialized or restarted."
        ),
    ]


class WorkflowStatusResponse(BaseModel):
    """
    A workflow's status at a glance, computed by the server: job counts per status, active and scheduled compute nodes, and the run state fields of WorkflowStatusModel.
    """

    model_config = ConfigDict(
        populate_by_name=True,
    )
    active_compute_nodes: Annotated[
        int, Field(description="Compute nodes (runners) currently active.")
    ]
    active_scheduled_nodes: Annotated[
        int, Field(description="Scheduler allocations currently running.")
    ]
    has_detected_need_to_run_completion_script: Annotated[
        bool | None,
        Field(
            description="Set once the server sees the workflow has finished and its completion step is due."
        ),
    ] = None
    id: Annotated[int | None, Field(description="ID of the status record (the workflow's ID).")] = (
        None
    )
    is_archived: Annotated[bool | None, Field(description="True if the workflow is archived.")] = (
        None
    )
    is_canceled: Annotated[bool, Field(description="True if the workflow was canceled.")]
    is_complete: Annotated[
        bool,
        Field(description="True once every job is done (or the workflow is canceled)."),
    ]
    jobs_by_status: Annotated[JobStatusCounts, Field(description="Jobs per status.")]
    pending_scheduled_nodes: Annotated[
        int,
        Field(description="Scheduler allocations submitted and waiting in the queue."),
    ]
    run_id: Annotated[
        int,
        Field(
            description="Run counter; incremented each time the workflow is reinitialized or restarted."
        ),
    ]
    total_exec_time_minutes: Annotated[
        float,
        Field(description="Sum of the execution times of the current run's results, in minutes."),
    ]
    total_jobs: Annotated[int, Field(description="Jobs in the workflow.")]
    walltime_seconds: Annotated[
        float | None,
        Field(
            description="Seconds from the first job's start to the last completion (or to now while running)."
        ),
    ] = None
    workflow_id: Annotated[int, Field(description="The workflow.")]
    workflow_name: Annotated[str, Field(description="The workflow's name.")]
    workflow_user: Annotated[str, Field(description="The workflow's owner.")]
