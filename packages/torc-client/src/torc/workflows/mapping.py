"""Map a Python function over parameter sets, one torc job per set.

Like ``ProcessPoolExecutor.map``, but across job runners: each parameter set becomes an
input user-data record and a job that runs ``python -m torc.run_function``, which imports
the function, calls it with the set and stores its return value in an output record. An
optional postprocess job receives every result as a list. Values must be JSON-serializable.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from typing import Any

import torc_models as m
from torc.api import TorcApi


def _command(api: TorcApi, module: str, func: str, directory: str | None, *ids: str) -> str:
    parts = [
        sys.executable,
        "-m",
        "torc.run_function",
        "--url",
        api.url,
        "--module",
        module,
        "--function",
        func,
        *ids,
    ]
    if directory:
        parts += ["--module-directory", directory]
    return shlex.join(parts)


def map_function_to_jobs(
    api: TorcApi,
    workflow_id: int,
    module_name: str,
    func_name: str,
    params: Sequence[dict[str, Any]],
    *,
    resource_requirements_id: int | None = None,
    postprocess_func: str | None = None,
    module_directory: str | None = None,
    depends_on_job_ids: Sequence[int] | None = None,
) -> list[m.JobModel]:
    """Create one job per parameter set (plus a postprocess job); return the jobs."""
    records = [
        m.UserDataModel(workflow_id=workflow_id, name=f"{func_name}_{kind}_{i}", data=data)
        for i, params_set in enumerate(params)
        for kind, data in (("input", params_set), ("output", None))
    ]
    created = api.create_user_data_list(m.UserDataListModel(user_data=records)).user_data or []
    jobs = []
    for i in range(len(params)):
        inputs, outputs = created[2 * i], created[2 * i + 1]
        assert inputs.id is not None and outputs.id is not None
        jobs.append(
            m.JobModel(
                workflow_id=workflow_id,
                name=f"{func_name}_{i}",
                command=_command(
                    api,
                    module_name,
                    func_name,
                    module_directory,
                    "--input-user-data-id",
                    str(inputs.id),
                    "--output-user-data-id",
                    str(outputs.id),
                ),
                input_user_data_ids=[inputs.id],
                output_user_data_ids=[outputs.id],
                resource_requirements_id=resource_requirements_id,
                depends_on_job_ids=list(depends_on_job_ids) if depends_on_job_ids else None,
            )
        )
    made = list(api.create_jobs(m.JobsModel(jobs=jobs)).jobs or [])
    if postprocess_func is not None:
        result_ids = [str(record.id) for record in created[1::2]]
        output = m.UserDataModel(workflow_id=workflow_id, name=f"{postprocess_func}_output")
        reply = api.create_user_data_list(m.UserDataListModel(user_data=[output]))
        final = (reply.user_data or [output])[0]
        assert final.id is not None
        made.append(
            api.create_job(
                m.JobModel(
                    workflow_id=workflow_id,
                    name=postprocess_func,
                    command=_command(
                        api,
                        module_name,
                        postprocess_func,
                        module_directory,
                        "--collect-user-data-ids",
                        ",".join(result_ids),
                        "--output-user-data-id",
                        str(final.id),
                    ),
                    input_user_data_ids=[int(i) for i in result_ids],
                    output_user_data_ids=[final.id],
                    resource_requirements_id=resource_requirements_id,
                )
            )
        )
    return made
