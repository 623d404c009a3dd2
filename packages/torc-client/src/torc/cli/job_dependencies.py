"""``torc job-dependencies``: how a workflow's jobs are connected, directly and through
the files and user data they exchange."""

from __future__ import annotations

from torc.api import TorcApi
from torc.cli.groups import new_group
from torc.cli.records import add_list

app = new_group()

add_list(
    app,
    TorcApi.list_job_dependencies,
    name="job-job",
    doc="List job-to-job dependencies for a workflow.",
    key="dependencies",
    columns=["job_id", "job_name", "depends_on_job_id", "depends_on_job_name"],
    paging="plain",
)
add_list(
    app,
    TorcApi.list_job_file_relationships,
    name="job-file",
    doc="List job-file relationships for a workflow.",
    key="relationships",
    columns=["file_id", "file_name", "file_path", "producer_job_name", "consumer_job_name"],
    paging="plain",
)
add_list(
    app,
    TorcApi.list_job_user_data_relationships,
    name="job-user-data",
    doc="List job-user_data relationships for a workflow.",
    key="relationships",
    columns=["user_data_id", "user_data_name", "producer_job_name", "consumer_job_name"],
    paging="plain",
)
