# GENERATED FILE - DO NOT EDIT.
# Produced from api/openapi.yaml by scripts/client_codegen.py via `nox -s codegen`.
"""Typed client for the torc REST API: one method per operation, named by operationId."""

from __future__ import annotations

from typing import Any

import torc_models as models
from torc.api.base import BaseApi


class TorcApi(BaseApi):
    """All operations of the torc REST API (see api/openapi.yaml)."""

    def add_user_to_group(
        self, id: int, user_group_membership_model: models.UserGroupMembershipModel
    ) -> models.UserGroupMembershipModel:
        """Add a user to an access group with a member or admin role.

        ``POST /access_groups/{id}/members``
        """
        return self._call(
            "POST",
            "/access_groups/{id}/members",
            path={"id": id},
            body=user_group_membership_model,
            response=models.UserGroupMembershipModel,
        )

    def add_workflow_to_group(self, id: int, group_id: int) -> models.WorkflowAccessGroupModel:
        """Share a workflow with an access group so that all its members can access it.

        ``POST /workflows/{id}/access_groups/{group_id}``
        """
        return self._call(
            "POST",
            "/workflows/{id}/access_groups/{group_id}",
            path={"id": id, "group_id": group_id},
            response=models.WorkflowAccessGroupModel,
        )

    def add_workflow_to_group_by_body(
        self, id: int, workflow_access_group_model: models.WorkflowAccessGroupModel
    ) -> models.WorkflowAccessGroupModel:
        """Share a workflow with the access group named in the body (the 0.12 client's form).

        ``POST /workflows/{id}/access_groups`` (torc extension)
        """
        return self._call(
            "POST",
            "/workflows/{id}/access_groups",
            path={"id": id},
            body=workflow_access_group_model,
            response=models.WorkflowAccessGroupModel,
        )

    def archive_workflow(
        self, id: int, archive_workflow_request: models.ArchiveWorkflowRequest
    ) -> models.WorkflowModel:
        """Archive a workflow (hidden from default listings) or unarchive it.

        ``POST /workflows/{id}/archive``
        """
        return self._call(
            "POST",
            "/workflows/{id}/archive",
            path={"id": id},
            body=archive_workflow_request,
            response=models.WorkflowModel,
        )

    def batch_complete_jobs(
        self, id: int, batch_complete_jobs_request: models.BatchCompleteJobsRequest
    ) -> models.BatchCompleteJobsResponse:
        """Complete many jobs in one transaction, as complete_job does for each; per-job errors are
        listed.

        ``POST /workflows/{id}/batch_complete_jobs``
        """
        return self._call(
            "POST",
            "/workflows/{id}/batch_complete_jobs",
            path={"id": id},
            body=batch_complete_jobs_request,
            response=models.BatchCompleteJobsResponse,
        )

    def batch_start_jobs(
        self, id: int, batch_start_jobs_request: models.BatchStartJobsRequest
    ) -> models.BatchStartJobsResponse:
        """Mark many claimed jobs running on one compute node in one transaction, as start_job does
        for each.

        ``POST /workflows/{id}/batch_start_jobs`` (torc extension)
        """
        return self._call(
            "POST",
            "/workflows/{id}/batch_start_jobs",
            path={"id": id},
            body=batch_start_jobs_request,
            response=models.BatchStartJobsResponse,
        )

    def cancel_workflow(self, id: int) -> dict[str, Any]:
        """Mark a workflow canceled so runners stop claiming jobs and kill the running ones.

        ``PUT /workflows/{id}/cancel``
        """
        return self._call("PUT", "/workflows/{id}/cancel", path={"id": id}, response=dict[str, Any])

    def check_workflow_access(self, workflow_id: int, user_name: str) -> models.AccessCheckResponse:
        """Report whether a user may access a workflow, as owner or through a shared group.

        ``GET /access_check/{workflow_id}/{user_name}``
        """
        return self._call(
            "GET",
            "/access_check/{workflow_id}/{user_name}",
            path={"workflow_id": workflow_id, "user_name": user_name},
            response=models.AccessCheckResponse,
        )

    def claim_action(
        self, id: int, action_id: int, claim_action_request: models.ClaimActionRequest
    ) -> models.ClaimActionResponse:
        """Atomically claim a pending workflow action so only one worker runs it (unless
        persistent).

        ``POST /workflows/{id}/actions/{action_id}/claim``
        """
        return self._call(
            "POST",
            "/workflows/{id}/actions/{action_id}/claim",
            path={"id": id, "action_id": action_id},
            body=claim_action_request,
            response=models.ClaimActionResponse,
        )

    def claim_jobs_based_on_resources(
        self,
        id: int,
        limit: int,
        compute_nodes_resources: models.ComputeNodesResources,
        *,
        strict_scheduler_match: bool | None = None,
    ) -> models.ClaimJobsBasedOnResources:
        """Atomically move ready jobs that fit the given resources to pending and return them.

        ``POST /workflows/{id}/claim_jobs_based_on_resources/{limit}``
        """
        return self._call(
            "POST",
            "/workflows/{id}/claim_jobs_based_on_resources/{limit}",
            path={"id": id, "limit": limit},
            query={"strict_scheduler_match": strict_scheduler_match},
            body=compute_nodes_resources,
            response=models.ClaimJobsBasedOnResources,
        )

    def claim_next_jobs(self, id: int, *, limit: int | None = None) -> models.ClaimNextJobsResponse:
        """Atomically move up to N ready jobs to pending and return them, ignoring resources.

        ``POST /workflows/{id}/claim_next_jobs``
        """
        return self._call(
            "POST",
            "/workflows/{id}/claim_next_jobs",
            path={"id": id},
            query={"limit": limit},
            response=models.ClaimNextJobsResponse,
        )

    def complete_job(
        self, id: int, status: models.JobStatus, run_id: int, result_model: models.ResultModel
    ) -> models.JobModel:
        """Record a job's result and final status; dependents are unblocked later by a background
        task.

        ``POST /jobs/{id}/complete_job/{status}/{run_id}``
        """
        return self._call(
            "POST",
            "/jobs/{id}/complete_job/{status}/{run_id}",
            path={"id": id, "status": status, "run_id": run_id},
            body=result_model,
            response=models.JobModel,
        )

    def create_access_group(
        self, access_group_model: models.AccessGroupModel
    ) -> models.AccessGroupModel:
        """Create a named access group; restricted to system administrators.

        ``POST /access_groups``
        """
        return self._call(
            "POST", "/access_groups", body=access_group_model, response=models.AccessGroupModel
        )

    def create_compute_node(
        self, compute_node_model: models.ComputeNodeModel
    ) -> models.ComputeNodeModel:
        """Register a compute node, i.e. a job runner process and the resources it offers.

        ``POST /compute_nodes``
        """
        return self._call(
            "POST", "/compute_nodes", body=compute_node_model, response=models.ComputeNodeModel
        )

    def create_event(self, event_model: models.EventModel) -> models.EventModel:
        """Record an event (free-form JSON data with a timestamp) in a workflow's history.

        ``POST /events``
        """
        return self._call("POST", "/events", body=event_model, response=models.EventModel)

    def create_failure_handler(
        self, failure_handler_model: models.FailureHandlerModel
    ) -> models.FailureHandlerModel:
        """Create a failure handler, a named set of exit-code rules that decide job retries.

        ``POST /failure_handlers``
        """
        return self._call(
            "POST",
            "/failure_handlers",
            body=failure_handler_model,
            response=models.FailureHandlerModel,
        )

    def create_file(self, file_model: models.FileModel) -> models.FileModel:
        """Register a file (name and path) that jobs of a workflow consume or produce.

        ``POST /files``
        """
        return self._call("POST", "/files", body=file_model, response=models.FileModel)

    def create_files(self, files_model: models.FilesModel) -> models.CreateFilesResponse:
        """Create many file records in one request and return them with their new IDs, in order.

        ``POST /bulk_files``
        """
        return self._call(
            "POST", "/bulk_files", body=files_model, response=models.CreateFilesResponse
        )

    def create_job(self, job_model: models.JobModel) -> models.JobModel:
        """Create one job with its command, dependencies, files, user data and requirements.

        ``POST /jobs``
        """
        return self._call("POST", "/jobs", body=job_model, response=models.JobModel)

    def create_jobs(self, jobs_model: models.JobsModel) -> models.CreateJobsResponse:
        """Create many jobs in one request and return them with their new IDs.

        ``POST /bulk_jobs``
        """
        return self._call("POST", "/bulk_jobs", body=jobs_model, response=models.CreateJobsResponse)

    def create_local_scheduler(
        self, local_scheduler_model: models.LocalSchedulerModel
    ) -> models.LocalSchedulerModel:
        """Create a local scheduler configuration (CPUs and memory for running on this machine).

        ``POST /local_schedulers``
        """
        return self._call(
            "POST",
            "/local_schedulers",
            body=local_scheduler_model,
            response=models.LocalSchedulerModel,
        )

    def create_remote_workers(
        self, id: int, request_body: list[str]
    ) -> list[models.RemoteWorkerModel]:
        """Add remote worker addresses ([user@]host[:port]) to a workflow; duplicates are ignored.

        ``POST /workflows/{id}/remote_workers``
        """
        return self._call(
            "POST",
            "/workflows/{id}/remote_workers",
            path={"id": id},
            body=request_body,
            response=list[models.RemoteWorkerModel],
        )

    def create_resource_requirements(
        self, resource_requirements_model: models.ResourceRequirementsModel
    ) -> models.ResourceRequirementsModel:
        """Create a named resource requirement set (CPUs, GPUs, nodes, memory, runtime).

        ``POST /resource_requirements``
        """
        return self._call(
            "POST",
            "/resource_requirements",
            body=resource_requirements_model,
            response=models.ResourceRequirementsModel,
        )

    def create_result(self, result_model: models.ResultModel) -> models.ResultModel:
        """Store the result of one job run (return code, status, timing and resource usage).

        ``POST /results``
        """
        return self._call("POST", "/results", body=result_model, response=models.ResultModel)

    def create_ro_crate_entity(
        self, ro_crate_entity_model: models.RoCrateEntityModel
    ) -> models.RoCrateEntityModel:
        """Store an RO-Crate provenance entity (JSON-LD metadata) for a workflow or one of its
        files.

        ``POST /ro_crate_entities``
        """
        return self._call(
            "POST",
            "/ro_crate_entities",
            body=ro_crate_entity_model,
            response=models.RoCrateEntityModel,
        )

    def create_scheduled_compute_node(
        self, scheduled_compute_nodes_model: models.ScheduledComputeNodesModel
    ) -> models.ScheduledComputeNodesModel:
        """Record an allocation submitted to a scheduler (e.g. a Slurm job) for a workflow.

        ``POST /scheduled_compute_nodes``
        """
        return self._call(
            "POST",
            "/scheduled_compute_nodes",
            body=scheduled_compute_nodes_model,
            response=models.ScheduledComputeNodesModel,
        )

    def create_slurm_scheduler(
        self, slurm_scheduler_model: models.SlurmSchedulerModel
    ) -> models.SlurmSchedulerModel:
        """Create a Slurm scheduler configuration (account, partition, nodes, walltime, extras).

        ``POST /slurm_schedulers``
        """
        return self._call(
            "POST",
            "/slurm_schedulers",
            body=slurm_scheduler_model,
            response=models.SlurmSchedulerModel,
        )

    def create_slurm_stats(
        self, slurm_stats_model: models.SlurmStatsModel
    ) -> models.SlurmStatsModel:
        """Store Slurm accounting statistics (memory, CPU, disk I/O) for one job attempt.

        ``POST /slurm_stats``
        """
        return self._call(
            "POST", "/slurm_stats", body=slurm_stats_model, response=models.SlurmStatsModel
        )

    def create_user_data(
        self,
        user_data_model: models.UserDataModel,
        *,
        consumer_job_id: int | None = None,
        producer_job_id: int | None = None,
    ) -> models.UserDataModel:
        """Create a user data record, optionally linked as input to or output of a job.

        ``POST /user_data``
        """
        return self._call(
            "POST",
            "/user_data",
            query={"consumer_job_id": consumer_job_id, "producer_job_id": producer_job_id},
            body=user_data_model,
            response=models.UserDataModel,
        )

    def create_user_data_list(
        self, user_data_list_model: models.UserDataListModel
    ) -> models.CreateUserDataListResponse:
        """Create many user-data records in one request and return them with their new IDs, in
        order.

        ``POST /bulk_user_data``
        """
        return self._call(
            "POST",
            "/bulk_user_data",
            body=user_data_list_model,
            response=models.CreateUserDataListResponse,
        )

    def create_worker_token(
        self, create_worker_token_request: models.CreateWorkerTokenRequest
    ) -> models.WorkerTokenModel:
        """Mint a revocable bearer token that may only claim and report jobs of one workflow; its
        secret is shown once.

        ``POST /admin/worker_tokens`` (torc extension)
        """
        return self._call(
            "POST",
            "/admin/worker_tokens",
            body=create_worker_token_request,
            response=models.WorkerTokenModel,
        )

    def create_workflow(self, workflow_model: models.WorkflowModel) -> models.WorkflowModel:
        """Create a workflow, with its status record and default resource requirements.

        ``POST /workflows``
        """
        return self._call("POST", "/workflows", body=workflow_model, response=models.WorkflowModel)

    def create_workflow_action(
        self, id: int, workflow_action_model: models.WorkflowActionModel
    ) -> models.WorkflowActionModel:
        """Add an action (run commands or schedule nodes) fired by a workflow or job trigger.

        ``POST /workflows/{id}/actions``
        """
        return self._call(
            "POST",
            "/workflows/{id}/actions",
            path={"id": id},
            body=workflow_action_model,
            response=models.WorkflowActionModel,
        )

    def delete_access_group(self, id: int) -> models.AccessGroupModel:
        """Delete an access group and its memberships; the system admin group cannot be deleted.

        ``DELETE /access_groups/{id}``
        """
        return self._call(
            "DELETE", "/access_groups/{id}", path={"id": id}, response=models.AccessGroupModel
        )

    def delete_all_user_data(self, workflow_id: int) -> dict[str, Any]:
        """Delete all user data records of a workflow.

        ``DELETE /user_data``
        """
        return self._call(
            "DELETE", "/user_data", query={"workflow_id": workflow_id}, response=dict[str, Any]
        )

    def delete_compute_node(self, id: int) -> models.ComputeNodeModel:
        """Delete one compute node record.

        ``DELETE /compute_nodes/{id}``
        """
        return self._call(
            "DELETE", "/compute_nodes/{id}", path={"id": id}, response=models.ComputeNodeModel
        )

    def delete_compute_nodes(self, workflow_id: int) -> models.DeleteCountResponse:
        """Delete all compute node records of a workflow and return how many were removed.

        ``DELETE /compute_nodes``
        """
        return self._call(
            "DELETE",
            "/compute_nodes",
            query={"workflow_id": workflow_id},
            response=models.DeleteCountResponse,
        )

    def delete_event(self, id: int) -> models.EventModel:
        """Delete one event.

        ``DELETE /events/{id}``
        """
        return self._call("DELETE", "/events/{id}", path={"id": id}, response=models.EventModel)

    def delete_events(self, workflow_id: int) -> dict[str, Any]:
        """Delete all events of a workflow.

        ``DELETE /events``
        """
        return self._call(
            "DELETE", "/events", query={"workflow_id": workflow_id}, response=dict[str, Any]
        )

    def delete_failure_handler(self, id: int) -> models.FailureHandlerModel:
        """Delete one failure handler.

        ``DELETE /failure_handlers/{id}``
        """
        return self._call(
            "DELETE", "/failure_handlers/{id}", path={"id": id}, response=models.FailureHandlerModel
        )

    def delete_file(self, id: int) -> models.FileModel:
        """Delete one file record; the file on disk is not touched.

        ``DELETE /files/{id}``
        """
        return self._call("DELETE", "/files/{id}", path={"id": id}, response=models.FileModel)

    def delete_files(self, workflow_id: int) -> models.DeleteCountResponse:
        """Delete all file records of a workflow.

        ``DELETE /files``
        """
        return self._call(
            "DELETE",
            "/files",
            query={"workflow_id": workflow_id},
            response=models.DeleteCountResponse,
        )

    def delete_job(self, id: int) -> models.JobModel:
        """Delete one job and its relationships.

        ``DELETE /jobs/{id}``
        """
        return self._call("DELETE", "/jobs/{id}", path={"id": id}, response=models.JobModel)

    def delete_jobs(self, workflow_id: int) -> models.DeleteCountResponse:
        """Delete all jobs of a workflow.

        ``DELETE /jobs``
        """
        return self._call(
            "DELETE",
            "/jobs",
            query={"workflow_id": workflow_id},
            response=models.DeleteCountResponse,
        )

    def delete_local_scheduler(self, id: int) -> models.LocalSchedulerModel:
        """Delete one local scheduler.

        ``DELETE /local_schedulers/{id}``
        """
        return self._call(
            "DELETE", "/local_schedulers/{id}", path={"id": id}, response=models.LocalSchedulerModel
        )

    def delete_local_schedulers(self, workflow_id: int) -> models.DeleteCountResponse:
        """Delete all local schedulers of a workflow.

        ``DELETE /local_schedulers``
        """
        return self._call(
            "DELETE",
            "/local_schedulers",
            query={"workflow_id": workflow_id},
            response=models.DeleteCountResponse,
        )

    def delete_remote_worker(self, id: int, worker: str) -> models.RemoteWorkerModel:
        """Remove one remote worker address from a workflow.

        ``DELETE /workflows/{id}/remote_workers/{worker}``
        """
        return self._call(
            "DELETE",
            "/workflows/{id}/remote_workers/{worker}",
            path={"id": id, "worker": worker},
            response=models.RemoteWorkerModel,
        )

    def delete_resource_requirement(self, id: int) -> models.ResourceRequirementsModel:
        """Delete one resource requirement set.

        ``DELETE /resource_requirements/{id}``
        """
        return self._call(
            "DELETE",
            "/resource_requirements/{id}",
            path={"id": id},
            response=models.ResourceRequirementsModel,
        )

    def delete_resource_requirements(self, workflow_id: int) -> dict[str, Any]:
        """Delete all resource requirement sets of a workflow.

        ``DELETE /resource_requirements``
        """
        return self._call(
            "DELETE",
            "/resource_requirements",
            query={"workflow_id": workflow_id},
            response=dict[str, Any],
        )

    def delete_result(self, id: int) -> models.ResultModel:
        """Delete one result.

        ``DELETE /results/{id}``
        """
        return self._call("DELETE", "/results/{id}", path={"id": id}, response=models.ResultModel)

    def delete_results(self, workflow_id: int) -> dict[str, Any]:
        """Delete all results of a workflow.

        ``DELETE /results``
        """
        return self._call(
            "DELETE", "/results", query={"workflow_id": workflow_id}, response=dict[str, Any]
        )

    def delete_ro_crate_entities(self, id: int) -> models.DeleteRoCrateEntitiesResponse:
        """Delete all RO-Crate entities of a workflow and return how many were removed.

        ``DELETE /workflows/{id}/ro_crate_entities``
        """
        return self._call(
            "DELETE",
            "/workflows/{id}/ro_crate_entities",
            path={"id": id},
            response=models.DeleteRoCrateEntitiesResponse,
        )

    def delete_ro_crate_entity(self, id: int) -> models.MessageResponse:
        """Delete one RO-Crate entity.

        ``DELETE /ro_crate_entities/{id}``
        """
        return self._call(
            "DELETE", "/ro_crate_entities/{id}", path={"id": id}, response=models.MessageResponse
        )

    def delete_scheduled_compute_node(self, id: int) -> models.ScheduledComputeNodesModel:
        """Delete one scheduled compute node record.

        ``DELETE /scheduled_compute_nodes/{id}``
        """
        return self._call(
            "DELETE",
            "/scheduled_compute_nodes/{id}",
            path={"id": id},
            response=models.ScheduledComputeNodesModel,
        )

    def delete_scheduled_compute_nodes(self, workflow_id: int) -> models.DeleteCountResponse:
        """Delete all scheduled compute node records of a workflow.

        ``DELETE /scheduled_compute_nodes``
        """
        return self._call(
            "DELETE",
            "/scheduled_compute_nodes",
            query={"workflow_id": workflow_id},
            response=models.DeleteCountResponse,
        )

    def delete_slurm_scheduler(self, id: int) -> models.SlurmSchedulerModel:
        """Delete one Slurm scheduler configuration.

        ``DELETE /slurm_schedulers/{id}``
        """
        return self._call(
            "DELETE", "/slurm_schedulers/{id}", path={"id": id}, response=models.SlurmSchedulerModel
        )

    def delete_slurm_schedulers(self, workflow_id: int) -> models.DeleteCountResponse:
        """Delete all Slurm scheduler configurations of a workflow.

        ``DELETE /slurm_schedulers``
        """
        return self._call(
            "DELETE",
            "/slurm_schedulers",
            query={"workflow_id": workflow_id},
            response=models.DeleteCountResponse,
        )

    def delete_user_data(self, id: int) -> models.UserDataModel:
        """Delete one user data record.

        ``DELETE /user_data/{id}``
        """
        return self._call(
            "DELETE", "/user_data/{id}", path={"id": id}, response=models.UserDataModel
        )

    def delete_workflow(self, id: int) -> models.WorkflowModel:
        """Delete a workflow; cascades to all of its records (jobs, files, results, events...).

        ``DELETE /workflows/{id}``
        """
        return self._call(
            "DELETE", "/workflows/{id}", path={"id": id}, response=models.WorkflowModel
        )

    def exchange_jobs(
        self, id: int, job_exchange_request: models.JobExchangeRequest
    ) -> models.JobExchangeResponse:
        """A job runner's round trip: report started and finished jobs and claim more, in one
        transaction.

        ``POST /workflows/{id}/exchange_jobs`` (torc extension)
        """
        return self._call(
            "POST",
            "/workflows/{id}/exchange_jobs",
            path={"id": id},
            body=job_exchange_request,
            response=models.JobExchangeResponse,
        )

    def get_access_group(self, id: int) -> models.AccessGroupModel:
        """Fetch one access group by ID.

        ``GET /access_groups/{id}``
        """
        return self._call(
            "GET", "/access_groups/{id}", path={"id": id}, response=models.AccessGroupModel
        )

    def get_active_task_for_workflow(self, id: int) -> models.ActiveTaskResponse:
        """The workflow's queued or running asynchronous task, if any.

        ``GET /workflows/{id}/active_task``
        """
        return self._call(
            "GET",
            "/workflows/{id}/active_task",
            path={"id": id},
            response=models.ActiveTaskResponse,
        )

    def get_compute_node(self, id: int) -> models.ComputeNodeModel:
        """Fetch one compute node by ID.

        ``GET /compute_nodes/{id}``
        """
        return self._call(
            "GET", "/compute_nodes/{id}", path={"id": id}, response=models.ComputeNodeModel
        )

    def get_event(self, id: int) -> models.EventModel:
        """Fetch one event by ID.

        ``GET /events/{id}``
        """
        return self._call("GET", "/events/{id}", path={"id": id}, response=models.EventModel)

    def get_failure_handler(self, id: int) -> models.FailureHandlerModel:
        """Fetch one failure handler, including its retry rules.

        ``GET /failure_handlers/{id}``
        """
        return self._call(
            "GET", "/failure_handlers/{id}", path={"id": id}, response=models.FailureHandlerModel
        )

    def get_file(self, id: int) -> models.FileModel:
        """Fetch one file record by ID.

        ``GET /files/{id}``
        """
        return self._call("GET", "/files/{id}", path={"id": id}, response=models.FileModel)

    def get_health(self) -> models.HealthResponse:
        """Health check for compute nodes and load balancers: ok when the server is up and its
        database answers a trivial query; 503 with an error when the database does not.

        ``GET /health`` (torc extension)
        """
        return self._call("GET", "/health", response=models.HealthResponse)

    def get_job(self, id: int) -> models.JobModel:
        """Fetch one job by ID.

        ``GET /jobs/{id}``
        """
        return self._call("GET", "/jobs/{id}", path={"id": id}, response=models.JobModel)

    def get_local_scheduler(self, id: int) -> models.LocalSchedulerModel:
        """Fetch one local scheduler by ID.

        ``GET /local_schedulers/{id}``
        """
        return self._call(
            "GET", "/local_schedulers/{id}", path={"id": id}, response=models.LocalSchedulerModel
        )

    def get_pending_actions(
        self, id: int, *, trigger_type: list[str] | None = None
    ) -> list[models.WorkflowActionModel]:
        """List a workflow's actions whose trigger has fired and that can still be claimed.

        ``GET /workflows/{id}/actions/pending``
        """
        return self._call(
            "GET",
            "/workflows/{id}/actions/pending",
            path={"id": id},
            query={"trigger_type": trigger_type},
            response=list[models.WorkflowActionModel],
        )

    def get_ready_job_requirements(
        self, id: int, *, scheduler_config_id: int | None = None
    ) -> models.GetReadyJobRequirementsResponse:
        """Summarize the resources needed by a workflow's ready jobs, to size new allocations.

        ``GET /workflows/{id}/ready_job_requirements``
        """
        return self._call(
            "GET",
            "/workflows/{id}/ready_job_requirements",
            path={"id": id},
            query={"scheduler_config_id": scheduler_config_id},
            response=models.GetReadyJobRequirementsResponse,
        )

    def get_resource_requirements(self, id: int) -> models.ResourceRequirementsModel:
        """Fetch one resource requirement set by ID.

        ``GET /resource_requirements/{id}``
        """
        return self._call(
            "GET",
            "/resource_requirements/{id}",
            path={"id": id},
            response=models.ResourceRequirementsModel,
        )

    def get_result(self, id: int) -> models.ResultModel:
        """Fetch one result by ID.

        ``GET /results/{id}``
        """
        return self._call("GET", "/results/{id}", path={"id": id}, response=models.ResultModel)

    def get_ro_crate_entity(self, id: int) -> models.RoCrateEntityModel:
        """Fetch one RO-Crate entity by ID.

        ``GET /ro_crate_entities/{id}``
        """
        return self._call(
            "GET", "/ro_crate_entities/{id}", path={"id": id}, response=models.RoCrateEntityModel
        )

    def get_running_jobs(
        self, id: int, *, offset: int | None = None, limit: int | None = None
    ) -> models.RunningJobsResponse:
        """The workflow's running jobs, each with its compute node and scheduler job ID.

        ``GET /workflows/{id}/running_jobs``
        """
        return self._call(
            "GET",
            "/workflows/{id}/running_jobs",
            path={"id": id},
            query={"offset": offset, "limit": limit},
            response=models.RunningJobsResponse,
        )

    def get_scheduled_compute_node(self, id: int) -> models.ScheduledComputeNodesModel:
        """Fetch one scheduled compute node by ID.

        ``GET /scheduled_compute_nodes/{id}``
        """
        return self._call(
            "GET",
            "/scheduled_compute_nodes/{id}",
            path={"id": id},
            response=models.ScheduledComputeNodesModel,
        )

    def get_slurm_job_correlations(
        self, id: int, *, offset: int | None = None, limit: int | None = None
    ) -> models.SlurmJobCorrelationsResponse:
        """Which Slurm job ran each job of the workflow, from its results' compute nodes.

        ``GET /workflows/{id}/slurm_job_correlations``
        """
        return self._call(
            "GET",
            "/workflows/{id}/slurm_job_correlations",
            path={"id": id},
            query={"offset": offset, "limit": limit},
            response=models.SlurmJobCorrelationsResponse,
        )

    def get_slurm_scheduler(self, id: int) -> models.SlurmSchedulerModel:
        """Fetch one Slurm scheduler configuration by ID.

        ``GET /slurm_schedulers/{id}``
        """
        return self._call(
            "GET", "/slurm_schedulers/{id}", path={"id": id}, response=models.SlurmSchedulerModel
        )

    def get_task(self, id: int) -> models.TaskModel:
        """Fetch an asynchronous task (e.g. initialize_jobs with async=true) and its progress.

        ``GET /tasks/{id}``
        """
        return self._call("GET", "/tasks/{id}", path={"id": id}, response=models.TaskModel)

    def get_user_data(self, id: int) -> models.UserDataModel:
        """Fetch one user data record by ID.

        ``GET /user_data/{id}``
        """
        return self._call("GET", "/user_data/{id}", path={"id": id}, response=models.UserDataModel)

    def get_version(self) -> models.VersionResponse:
        """Return the server version, API version and build revision.

        ``GET /version``
        """
        return self._call("GET", "/version", response=models.VersionResponse)

    def get_workflow(self, id: int) -> models.WorkflowModel:
        """Fetch one workflow by ID.

        ``GET /workflows/{id}``
        """
        return self._call("GET", "/workflows/{id}", path={"id": id}, response=models.WorkflowModel)

    def get_workflow_actions(self, id: int) -> list[models.WorkflowActionModel]:
        """List all actions of a workflow with their trigger counts and execution state.

        ``GET /workflows/{id}/actions``
        """
        return self._call(
            "GET",
            "/workflows/{id}/actions",
            path={"id": id},
            response=list[models.WorkflowActionModel],
        )

    def get_workflow_status(self, id: int) -> models.WorkflowStatusResponse:
        """A workflow's status at a glance (job counts, nodes, run ID, canceled and archived
        flags).

        ``GET /workflows/{id}/status``
        """
        return self._call(
            "GET", "/workflows/{id}/status", path={"id": id}, response=models.WorkflowStatusResponse
        )

    def initialize_jobs(
        self,
        id: int,
        *,
        only_uninitialized: bool | None = None,
        clear_ephemeral_user_data: bool | None = None,
        var_async: bool | None = None,
    ) -> dict[str, Any] | models.TaskModel:
        """Build the dependency graph and set each job to ready or blocked; fires start actions.

        ``POST /workflows/{id}/initialize_jobs``
        """
        return self._call(
            "POST",
            "/workflows/{id}/initialize_jobs",
            path={"id": id},
            query={
                "only_uninitialized": only_uninitialized,
                "clear_ephemeral_user_data": clear_ephemeral_user_data,
                "async": var_async,
            },
            response=dict[str, Any],
            accepted=models.TaskModel,
        )

    def is_workflow_complete(self, id: int) -> models.IsCompleteResponse:
        """Report whether all jobs are done, whether it was canceled and if a completion step is
        due.

        ``GET /workflows/{id}/is_complete``
        """
        return self._call(
            "GET",
            "/workflows/{id}/is_complete",
            path={"id": id},
            response=models.IsCompleteResponse,
        )

    def is_workflow_uninitialized(self, id: int) -> models.IsUninitializedResponse:
        """Report whether a workflow's jobs are all still uninitialized.

        ``GET /workflows/{id}/is_uninitialized``
        """
        return self._call(
            "GET",
            "/workflows/{id}/is_uninitialized",
            path={"id": id},
            response=models.IsUninitializedResponse,
        )

    def list_access_groups(
        self, *, offset: int | None = None, limit: int | None = None
    ) -> models.ListAccessGroupsResponse:
        """List access groups, one page at a time.

        ``GET /access_groups``
        """
        return self._call(
            "GET",
            "/access_groups",
            query={"offset": offset, "limit": limit},
            response=models.ListAccessGroupsResponse,
        )

    def list_compute_nodes(
        self,
        workflow_id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        hostname: str | None = None,
        is_active: bool | None = None,
        scheduled_compute_node_id: int | None = None,
    ) -> models.ListComputeNodesResponse:
        """List a workflow's compute nodes, optionally filtered by host, activity or allocation.

        ``GET /compute_nodes``
        """
        return self._call(
            "GET",
            "/compute_nodes",
            query={
                "workflow_id": workflow_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "hostname": hostname,
                "is_active": is_active,
                "scheduled_compute_node_id": scheduled_compute_node_id,
            },
            response=models.ListComputeNodesResponse,
        )

    def list_events(
        self,
        workflow_id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        category: str | None = None,
        after_timestamp: int | None = None,
    ) -> models.ListEventsResponse:
        """List a workflow's events, optionally by category or only those after a timestamp.

        ``GET /events``
        """
        return self._call(
            "GET",
            "/events",
            query={
                "workflow_id": workflow_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "category": category,
                "after_timestamp": after_timestamp,
            },
            response=models.ListEventsResponse,
        )

    def list_failure_handlers(
        self, id: int, *, offset: int | None = None, limit: int | None = None
    ) -> models.ListFailureHandlersResponse:
        """List the failure handlers defined for a workflow.

        ``GET /workflows/{id}/failure_handlers``
        """
        return self._call(
            "GET",
            "/workflows/{id}/failure_handlers",
            path={"id": id},
            query={"offset": offset, "limit": limit},
            response=models.ListFailureHandlersResponse,
        )

    def list_files(
        self,
        workflow_id: int,
        *,
        produced_by_job_id: int | None = None,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        name: str | None = None,
        path: str | None = None,
        is_output: bool | None = None,
    ) -> models.ListFilesResponse:
        """List a workflow's files, optionally filtered by producing job, name, path or output
        role.

        ``GET /files``
        """
        return self._call(
            "GET",
            "/files",
            query={
                "workflow_id": workflow_id,
                "produced_by_job_id": produced_by_job_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "name": name,
                "path": path,
                "is_output": is_output,
            },
            response=models.ListFilesResponse,
        )

    def list_group_members(
        self, id: int, *, offset: int | None = None, limit: int | None = None
    ) -> models.ListUserGroupMembershipsResponse:
        """List the users who belong to an access group, with their roles.

        ``GET /access_groups/{id}/members``
        """
        return self._call(
            "GET",
            "/access_groups/{id}/members",
            path={"id": id},
            query={"offset": offset, "limit": limit},
            response=models.ListUserGroupMembershipsResponse,
        )

    def list_job_dependencies(
        self,
        id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
    ) -> models.ListJobDependenciesResponse:
        """List a workflow's explicit job-to-job dependencies, with job names.

        ``GET /workflows/{id}/job_dependencies``
        """
        return self._call(
            "GET",
            "/workflows/{id}/job_dependencies",
            path={"id": id},
            query={
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
            },
            response=models.ListJobDependenciesResponse,
        )

    def list_job_file_relationships(
        self,
        id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
    ) -> models.ListJobFileRelationshipsResponse:
        """List which jobs produce and consume each file of a workflow.

        ``GET /workflows/{id}/job_file_relationships``
        """
        return self._call(
            "GET",
            "/workflows/{id}/job_file_relationships",
            path={"id": id},
            query={
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
            },
            response=models.ListJobFileRelationshipsResponse,
        )

    def list_job_ids(self, id: int) -> models.ListJobIdsResponse:
        """Return the IDs of all jobs in a workflow, without pagination.

        ``GET /workflows/{id}/job_ids``
        """
        return self._call(
            "GET", "/workflows/{id}/job_ids", path={"id": id}, response=models.ListJobIdsResponse
        )

    def list_job_user_data_relationships(
        self,
        id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
    ) -> models.ListJobUserDataRelationshipsResponse:
        """List which jobs produce and consume each user data record of a workflow.

        ``GET /workflows/{id}/job_user_data_relationships``
        """
        return self._call(
            "GET",
            "/workflows/{id}/job_user_data_relationships",
            path={"id": id},
            query={
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
            },
            response=models.ListJobUserDataRelationshipsResponse,
        )

    def list_jobs(
        self,
        workflow_id: int,
        *,
        status: models.JobStatus | None = None,
        needs_file_id: int | None = None,
        upstream_job_id: int | None = None,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        include_relationships: bool | None = None,
        active_compute_node_id: int | None = None,
        origin_is_set: bool | None = None,
        name: str | None = None,
        command: str | None = None,
    ) -> models.ListJobsResponse:
        """List a workflow's jobs, optionally filtered by status, input file, upstream job or
        compute node.

        ``GET /jobs``
        """
        return self._call(
            "GET",
            "/jobs",
            query={
                "workflow_id": workflow_id,
                "status": status,
                "needs_file_id": needs_file_id,
                "upstream_job_id": upstream_job_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "include_relationships": include_relationships,
                "active_compute_node_id": active_compute_node_id,
                "origin_is_set": origin_is_set,
                "name": name,
                "command": command,
            },
            response=models.ListJobsResponse,
        )

    def list_local_schedulers(
        self,
        workflow_id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        memory: str | None = None,
        num_cpus: int | None = None,
    ) -> models.ListLocalSchedulersResponse:
        """List a workflow's local schedulers, optionally filtered by memory or CPU count.

        ``GET /local_schedulers``
        """
        return self._call(
            "GET",
            "/local_schedulers",
            query={
                "workflow_id": workflow_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "memory": memory,
                "num_cpus": num_cpus,
            },
            response=models.ListLocalSchedulersResponse,
        )

    def list_missing_user_data(self, id: int) -> models.ListMissingUserDataResponse:
        """List IDs of user data records that jobs need but no job produces and hold no data.

        ``GET /workflows/{id}/missing_user_data``
        """
        return self._call(
            "GET",
            "/workflows/{id}/missing_user_data",
            path={"id": id},
            response=models.ListMissingUserDataResponse,
        )

    def list_remote_workers(self, id: int) -> list[models.RemoteWorkerModel]:
        """List the remote worker addresses stored for a workflow.

        ``GET /workflows/{id}/remote_workers``
        """
        return self._call(
            "GET",
            "/workflows/{id}/remote_workers",
            path={"id": id},
            response=list[models.RemoteWorkerModel],
        )

    def list_required_existing_files(self, id: int) -> models.ListRequiredExistingFilesResponse:
        """List IDs of input files no job produces, which must exist before the workflow runs.

        ``GET /workflows/{id}/required_existing_files``
        """
        return self._call(
            "GET",
            "/workflows/{id}/required_existing_files",
            path={"id": id},
            response=models.ListRequiredExistingFilesResponse,
        )

    def list_resource_requirements(
        self,
        workflow_id: int,
        *,
        job_id: int | None = None,
        name: str | None = None,
        memory: str | None = None,
        num_cpus: int | None = None,
        num_gpus: int | None = None,
        num_nodes: int | None = None,
        runtime: int | None = None,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
    ) -> models.ListResourceRequirementsResponse:
        """List a workflow's resource requirement sets, optionally filtered by job or values.

        ``GET /resource_requirements``
        """
        return self._call(
            "GET",
            "/resource_requirements",
            query={
                "workflow_id": workflow_id,
                "job_id": job_id,
                "name": name,
                "memory": memory,
                "num_cpus": num_cpus,
                "num_gpus": num_gpus,
                "num_nodes": num_nodes,
                "runtime": runtime,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
            },
            response=models.ListResourceRequirementsResponse,
        )

    def list_results(
        self,
        workflow_id: int,
        *,
        job_id: int | None = None,
        run_id: int | None = None,
        return_code: int | None = None,
        status: models.JobStatus | None = None,
        compute_node_id: int | None = None,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        all_runs: bool | None = None,
    ) -> models.ListResultsResponse:
        """List a workflow's results, by default only those of the current run.

        ``GET /results``
        """
        return self._call(
            "GET",
            "/results",
            query={
                "workflow_id": workflow_id,
                "job_id": job_id,
                "run_id": run_id,
                "return_code": return_code,
                "status": status,
                "compute_node_id": compute_node_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "all_runs": all_runs,
            },
            response=models.ListResultsResponse,
        )

    def list_ro_crate_entities(
        self,
        id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        file_id: int | None = None,
        entity_id: str | None = None,
    ) -> models.ListRoCrateEntitiesResponse:
        """List the RO-Crate entities of a workflow.

        ``GET /workflows/{id}/ro_crate_entities``
        """
        return self._call(
            "GET",
            "/workflows/{id}/ro_crate_entities",
            path={"id": id},
            query={
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "file_id": file_id,
                "entity_id": entity_id,
            },
            response=models.ListRoCrateEntitiesResponse,
        )

    def list_scheduled_compute_nodes(
        self,
        workflow_id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        scheduler_id: str | None = None,
        scheduler_config_id: str | None = None,
        status: str | None = None,
    ) -> models.ListScheduledComputeNodesResponse:
        """List a workflow's scheduler allocations, optionally by scheduler job, config or status.

        ``GET /scheduled_compute_nodes``
        """
        return self._call(
            "GET",
            "/scheduled_compute_nodes",
            query={
                "workflow_id": workflow_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "scheduler_id": scheduler_id,
                "scheduler_config_id": scheduler_config_id,
                "status": status,
            },
            response=models.ListScheduledComputeNodesResponse,
        )

    def list_slurm_schedulers(
        self,
        workflow_id: int,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
    ) -> models.ListSlurmSchedulersResponse:
        """List a workflow's Slurm scheduler configurations.

        ``GET /slurm_schedulers``
        """
        return self._call(
            "GET",
            "/slurm_schedulers",
            query={
                "workflow_id": workflow_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
            },
            response=models.ListSlurmSchedulersResponse,
        )

    def list_slurm_stats(
        self,
        workflow_id: int,
        *,
        job_id: int | None = None,
        run_id: int | None = None,
        attempt_id: int | None = None,
        offset: int | None = None,
        limit: int | None = None,
    ) -> models.ListSlurmStatsResponse:
        """List stored Slurm accounting statistics, optionally for one job, run or attempt.

        ``GET /slurm_stats``
        """
        return self._call(
            "GET",
            "/slurm_stats",
            query={
                "workflow_id": workflow_id,
                "job_id": job_id,
                "run_id": run_id,
                "attempt_id": attempt_id,
                "offset": offset,
                "limit": limit,
            },
            response=models.ListSlurmStatsResponse,
        )

    def list_user_data(
        self,
        workflow_id: int,
        *,
        consumer_job_id: int | None = None,
        producer_job_id: int | None = None,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        name: str | None = None,
        is_ephemeral: bool | None = None,
    ) -> models.ListUserDataResponse:
        """List a workflow's user data, optionally filtered by consuming or producing job, name or
        flag.

        ``GET /user_data``
        """
        return self._call(
            "GET",
            "/user_data",
            query={
                "workflow_id": workflow_id,
                "consumer_job_id": consumer_job_id,
                "producer_job_id": producer_job_id,
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "name": name,
                "is_ephemeral": is_ephemeral,
            },
            response=models.ListUserDataResponse,
        )

    def list_user_groups(
        self, user_name: str, *, offset: int | None = None, limit: int | None = None
    ) -> models.ListAccessGroupsResponse:
        """List the access groups a user belongs to.

        ``GET /users/{user_name}/groups``
        """
        return self._call(
            "GET",
            "/users/{user_name}/groups",
            path={"user_name": user_name},
            query={"offset": offset, "limit": limit},
            response=models.ListAccessGroupsResponse,
        )

    def list_worker_tokens(
        self, *, workflow_id: int | None = None, offset: int | None = None, limit: int | None = None
    ) -> models.ListWorkerTokensResponse:
        """List worker tokens (never their secrets); admins see all, others those of workflows they
        may access.

        ``GET /admin/worker_tokens`` (torc extension)
        """
        return self._call(
            "GET",
            "/admin/worker_tokens",
            query={"workflow_id": workflow_id, "offset": offset, "limit": limit},
            response=models.ListWorkerTokensResponse,
        )

    def list_workflow_groups(
        self, id: int, *, offset: int | None = None, limit: int | None = None
    ) -> models.ListAccessGroupsResponse:
        """List the access groups a workflow is shared with.

        ``GET /workflows/{id}/access_groups``
        """
        return self._call(
            "GET",
            "/workflows/{id}/access_groups",
            path={"id": id},
            query={"offset": offset, "limit": limit},
            response=models.ListAccessGroupsResponse,
        )

    def list_workflows(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        sort_by: str | None = None,
        reverse_sort: bool | None = None,
        name: str | None = None,
        user: str | None = None,
        description: str | None = None,
        is_archived: bool | None = None,
    ) -> models.ListWorkflowsResponse:
        """List workflows, optionally filtered by name, user, description or archived flag.

        ``GET /workflows``
        """
        return self._call(
            "GET",
            "/workflows",
            query={
                "offset": offset,
                "limit": limit,
                "sort_by": sort_by,
                "reverse_sort": reverse_sort,
                "name": name,
                "user": user,
                "description": description,
                "is_archived": is_archived,
            },
            response=models.ListWorkflowsResponse,
        )

    def manage_status_change(
        self, id: int, status: models.JobStatus, run_id: int
    ) -> models.JobModel:
        """Set a job's status and apply the cascading effects; not meant for completion statuses.

        ``PUT /jobs/{id}/manage_status_change/{status}/{run_id}``
        """
        return self._call(
            "PUT",
            "/jobs/{id}/manage_status_change/{status}/{run_id}",
            path={"id": id, "status": status, "run_id": run_id},
            response=models.JobModel,
        )

    def ping(self) -> models.PingResponse:
        """Health check; returns a status string when the server is up.

        ``GET /ping``
        """
        return self._call("GET", "/ping", response=models.PingResponse)

    def preview_changed_job_inputs(
        self, id: int, preview_changed_job_inputs_request: models.PreviewChangedJobInputsRequest
    ) -> models.ProcessChangedJobInputsResponse:
        """The jobs a reinitialize would reset if the files had these times: a dry run that changes
        nothing.

        ``POST /workflows/{id}/preview_changed_job_inputs`` (torc extension)
        """
        return self._call(
            "POST",
            "/workflows/{id}/preview_changed_job_inputs",
            path={"id": id},
            body=preview_changed_job_inputs_request,
            response=models.ProcessChangedJobInputsResponse,
        )

    def process_changed_job_inputs(
        self, id: int, *, dry_run: bool | None = None
    ) -> models.ProcessChangedJobInputsResponse:
        """Find jobs whose input files or user data changed and reset them and their dependents.

        ``POST /workflows/{id}/process_changed_job_inputs``
        """
        return self._call(
            "POST",
            "/workflows/{id}/process_changed_job_inputs",
            path={"id": id},
            query={"dry_run": dry_run},
            response=models.ProcessChangedJobInputsResponse,
        )

    def reload_auth(self) -> models.ReloadAuthResponse:
        """Re-read the server's password file so credential changes apply without a restart; admin
        only.

        ``POST /admin/reload-auth``
        """
        return self._call("POST", "/admin/reload-auth", response=models.ReloadAuthResponse)

    def remove_user_from_group(self, id: int, user_name: str) -> models.UserGroupMembershipModel:
        """Remove a user from an access group.

        ``DELETE /access_groups/{id}/members/{user_name}``
        """
        return self._call(
            "DELETE",
            "/access_groups/{id}/members/{user_name}",
            path={"id": id, "user_name": user_name},
            response=models.UserGroupMembershipModel,
        )

    def remove_workflow_from_group(self, id: int, group_id: int) -> models.WorkflowAccessGroupModel:
        """Stop sharing a workflow with an access group.

        ``DELETE /workflows/{id}/access_groups/{group_id}``
        """
        return self._call(
            "DELETE",
            "/workflows/{id}/access_groups/{group_id}",
            path={"id": id, "group_id": group_id},
            response=models.WorkflowAccessGroupModel,
        )

    def reset_job_status(
        self, id: int, *, failed_only: bool | None = None
    ) -> models.ResetJobStatusResponse:
        """Reset a workflow's jobs to uninitialized, either all of them or only unsuccessful ones.

        ``POST /workflows/{id}/reset_job_status``
        """
        return self._call(
            "POST",
            "/workflows/{id}/reset_job_status",
            path={"id": id},
            query={"failed_only": failed_only},
            response=models.ResetJobStatusResponse,
        )

    def reset_workflow_status(self, id: int, *, force: bool | None = None) -> dict[str, Any]:
        """Reset a workflow's status flags (canceled, completion); refused for archived workflows.

        ``POST /workflows/{id}/reset_status``
        """
        return self._call(
            "POST",
            "/workflows/{id}/reset_status",
            path={"id": id},
            query={"force": force},
            response=dict[str, Any],
        )

    def retry_job(self, id: int, run_id: int, *, max_retries: int | None = None) -> models.JobModel:
        """Put a failed job back to ready with its attempt number incremented, if retries remain.

        ``POST /jobs/{id}/retry/{run_id}``
        """
        return self._call(
            "POST",
            "/jobs/{id}/retry/{run_id}",
            path={"id": id, "run_id": run_id},
            query={"max_retries": max_retries},
            response=models.JobModel,
        )

    def revoke_worker_token(self, id: int) -> models.WorkerTokenModel:
        """Revoke a worker token; requests carrying it are refused from then on.

        ``DELETE /admin/worker_tokens/{id}`` (torc extension)
        """
        return self._call(
            "DELETE", "/admin/worker_tokens/{id}", path={"id": id}, response=models.WorkerTokenModel
        )

    def spawn_jobs(
        self, id: int, spawn_jobs_request: models.SpawnJobsRequest
    ) -> models.SpawnJobsResponse:
        """A running job adds jobs to its workflow, blocked on itself, in one transaction.

        ``POST /jobs/{id}/spawn_jobs``
        """
        return self._call(
            "POST",
            "/jobs/{id}/spawn_jobs",
            path={"id": id},
            body=spawn_jobs_request,
            response=models.SpawnJobsResponse,
        )

    def start_job(self, id: int, run_id: int, compute_node_id: int) -> models.JobModel:
        """Mark a claimed (pending) job as running on the given compute node.

        ``PUT /jobs/{id}/start_job/{run_id}/{compute_node_id}``
        """
        return self._call(
            "PUT",
            "/jobs/{id}/start_job/{run_id}/{compute_node_id}",
            path={"id": id, "run_id": run_id, "compute_node_id": compute_node_id},
            response=models.JobModel,
        )

    def update_compute_node(
        self, id: int, compute_node_model: models.ComputeNodeModel
    ) -> models.ComputeNodeModel:
        """Replace a compute node record, e.g. to mark it inactive and record its duration.

        ``PUT /compute_nodes/{id}``
        """
        return self._call(
            "PUT",
            "/compute_nodes/{id}",
            path={"id": id},
            body=compute_node_model,
            response=models.ComputeNodeModel,
        )

    def update_event(self, id: int, body: Any) -> models.EventModel:
        """Replace the contents of an event.

        ``PUT /events/{id}``
        """
        return self._call(
            "PUT", "/events/{id}", path={"id": id}, body=body, response=models.EventModel
        )

    def update_file(self, id: int, file_model: models.FileModel) -> models.FileModel:
        """Replace a file record, e.g. to store a new modification time.

        ``PUT /files/{id}``
        """
        return self._call(
            "PUT", "/files/{id}", path={"id": id}, body=file_model, response=models.FileModel
        )

    def update_job(self, id: int, job_model: models.JobModel) -> models.JobModel:
        """Replace a job's fields, including its status.

        ``PUT /jobs/{id}``
        """
        return self._call(
            "PUT", "/jobs/{id}", path={"id": id}, body=job_model, response=models.JobModel
        )

    def update_local_scheduler(
        self, id: int, local_scheduler_model: models.LocalSchedulerModel
    ) -> models.LocalSchedulerModel:
        """Replace a local scheduler configuration.

        ``PUT /local_schedulers/{id}``
        """
        return self._call(
            "PUT",
            "/local_schedulers/{id}",
            path={"id": id},
            body=local_scheduler_model,
            response=models.LocalSchedulerModel,
        )

    def update_resource_requirements(
        self, id: int, resource_requirements_model: models.ResourceRequirementsModel
    ) -> models.ResourceRequirementsModel:
        """Replace a resource requirement set.

        ``PUT /resource_requirements/{id}``
        """
        return self._call(
            "PUT",
            "/resource_requirements/{id}",
            path={"id": id},
            body=resource_requirements_model,
            response=models.ResourceRequirementsModel,
        )

    def update_result(self, id: int, result_model: models.ResultModel) -> models.ResultModel:
        """Replace a result record.

        ``PUT /results/{id}``
        """
        return self._call(
            "PUT", "/results/{id}", path={"id": id}, body=result_model, response=models.ResultModel
        )

    def update_ro_crate_entity(
        self, id: int, ro_crate_entity_model: models.RoCrateEntityModel
    ) -> models.RoCrateEntityModel:
        """Replace an RO-Crate entity.

        ``PUT /ro_crate_entities/{id}``
        """
        return self._call(
            "PUT",
            "/ro_crate_entities/{id}",
            path={"id": id},
            body=ro_crate_entity_model,
            response=models.RoCrateEntityModel,
        )

    def update_scheduled_compute_node(
        self, id: int, scheduled_compute_nodes_model: models.ScheduledComputeNodesModel
    ) -> models.ScheduledComputeNodesModel:
        """Replace a scheduled compute node record, e.g. to change its status.

        ``PUT /scheduled_compute_nodes/{id}``
        """
        return self._call(
            "PUT",
            "/scheduled_compute_nodes/{id}",
            path={"id": id},
            body=scheduled_compute_nodes_model,
            response=models.ScheduledComputeNodesModel,
        )

    def update_slurm_scheduler(
        self, id: int, slurm_scheduler_model: models.SlurmSchedulerModel
    ) -> models.SlurmSchedulerModel:
        """Replace a Slurm scheduler configuration.

        ``PUT /slurm_schedulers/{id}``
        """
        return self._call(
            "PUT",
            "/slurm_schedulers/{id}",
            path={"id": id},
            body=slurm_scheduler_model,
            response=models.SlurmSchedulerModel,
        )

    def update_user_data(
        self, id: int, user_data_model: models.UserDataModel
    ) -> models.UserDataModel:
        """Replace a user data record, e.g. to store the data a job produced.

        ``PUT /user_data/{id}``
        """
        return self._call(
            "PUT",
            "/user_data/{id}",
            path={"id": id},
            body=user_data_model,
            response=models.UserDataModel,
        )

    def update_workflow(
        self, id: int, workflow_model: models.WorkflowModel
    ) -> models.WorkflowModel:
        """Replace a workflow's fields and settings.

        ``PUT /workflows/{id}``
        """
        return self._call(
            "PUT",
            "/workflows/{id}",
            path={"id": id},
            body=workflow_model,
            response=models.WorkflowModel,
        )

    def update_workflow_status(
        self, id: int, workflow_status_model: models.WorkflowStatusModel
    ) -> models.WorkflowStatusModel:
        """Replace a workflow's status record (run ID, canceled, archived and completion flags).

        ``PUT /workflows/{id}/status``
        """
        return self._call(
            "PUT",
            "/workflows/{id}/status",
            path={"id": id},
            body=workflow_status_model,
            response=models.WorkflowStatusModel,
        )
