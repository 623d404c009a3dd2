"""A job runner stand-in for the concurrency test: ``python claim_worker.py URL WORKFLOW``.

Claims, starts and completes jobs through the API until the workflow is complete, using
batch completion every other round, and prints the IDs it completed (one per line).
"""

from __future__ import annotations

import os
import sys

import torc_models as m
from torc.api import TorcApi


def main() -> None:
    url, workflow_id = sys.argv[1], int(sys.argv[2])
    api = TorcApi(url, retry_timeout=60)
    run_id = api.get_workflow_status(workflow_id).run_id
    node = api.create_compute_node(
        m.ComputeNodeModel(
            workflow_id=workflow_id,
            hostname="test",
            pid=os.getpid(),
            start_time="now",
            num_cpus=1,
            memory_gb=1,
            num_gpus=0,
            num_nodes=1,
            compute_node_type="local",
        )
    )
    assert node.id is not None
    done: list[int] = []
    rounds = 0
    while not api.is_workflow_complete(workflow_id).is_complete:
        jobs = api.claim_next_jobs(workflow_id, limit=7).jobs or []
        completions = []
        for job in jobs:
            assert job.id is not None
            api.start_job(job.id, run_id, node.id)
            result = m.ResultModel(
                job_id=job.id,
                workflow_id=workflow_id,
                run_id=run_id,
                return_code=0,
                status=m.JobStatus.completed,
                exec_time_minutes=0.0,
                completion_time="now",
                compute_node_id=node.id,
            )
            completions.append(
                m.JobCompletionEntry(
                    job_id=job.id, status=m.JobStatus.completed, run_id=run_id, result=result
                )
            )
        rounds += 1
        if rounds % 2:
            reply = api.batch_complete_jobs(
                workflow_id, m.BatchCompleteJobsRequest(completions=completions)
            )
            assert not reply.errors, reply.errors
        else:
            for item in completions:
                api.complete_job(item.job_id, item.status, run_id, item.result)
        done += [c.job_id for c in completions]
    print("\n".join(str(job_id) for job_id in done))


if __name__ == "__main__":
    main()
