"""PostgreSQL plans claims from table statistics, so initialization must leave them fresh:
stale ones (no ready jobs seen) make every claim sort all ready jobs until autovacuum runs."""

from __future__ import annotations

import psycopg

import torc_models as m
from tests.conftest import ServerProcess
from tests.postgres import PostgresServer


def test_initialize_refreshes_job_statistics(postgres: PostgresServer) -> None:
    database = postgres.new_database()
    server = ServerProcess(database)
    try:
        api = server.api()
        workflow_id = api.create_workflow(m.WorkflowModel(name="wf", user="tester")).id
        assert workflow_id is not None
        jobs = [
            m.JobModel(workflow_id=workflow_id, name=f"j{i}", command="true") for i in range(50)
        ]
        api.create_jobs(m.JobsModel(jobs=jobs))
        api.initialize_jobs(workflow_id)
        api.close()
    finally:
        server.stop()
    with psycopg.connect(database) as conn:
        row = conn.execute(
            "SELECT most_common_vals::text FROM pg_stats "
            "WHERE tablename = 'job' AND attname = 'status'"
        ).fetchone()
    assert row == ("{2}",), "the planner should know that the jobs are ready"
