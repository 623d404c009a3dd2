"""Creating a workflow from a spec with generated Slurm schedulers (``submit-slurm``,
``workflows create-slurm``), remembering how they were generated.

The settings go to the workflow's ``metadata.slurm_generate``: ``torc slurm regenerate``
(and recovery after it) sizes new schedulers the way the user first asked, with the same
account, without the user repeating the flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from torc.slurm.generate import GenerateOptions
from torc.slurm.regenerate import METADATA_KEY

if TYPE_CHECKING:
    from torc.api import TorcApi
    from torc.slurm.generate import Generated
    from torc.spec import WorkflowSpec
    from torc.spec.create import Progress


def generation_settings(generated: Generated) -> dict[str, Any]:
    """What ``regenerate`` needs to size schedulers as these were."""
    options = generated.options or GenerateOptions(generated.account)
    return {
        "account": generated.account,
        "profile": generated.profile,
        "group_by": options.group_by,
        "walltime_strategy": options.sizing.walltime_strategy,
        "walltime_multiplier": options.sizing.walltime_multiplier,
        "single_allocation": options.sizing.single_allocation,
    }


def create_generated_workflow(
    api: TorcApi,
    spec: WorkflowSpec,
    settings: Mapping[str, Any],
    *,
    user: str | None,
    skip_checks: bool = False,
    no_resource_monitoring: bool = False,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Create the workflow and record ``settings``; returns its ID and its job count."""
    from torc.spec import create_workflow_from_spec

    workflow_id = create_workflow_from_spec(
        api,
        spec,
        user=user,
        skip_checks=skip_checks,
        no_resource_monitoring=no_resource_monitoring,
        progress=progress,
    )
    workflow = api.get_workflow(workflow_id)
    metadata = {**(workflow.metadata or {}), METADATA_KEY: dict(settings)}
    api.update_workflow(workflow_id, workflow.model_copy(update={"metadata": metadata}))
    jobs = api.list_jobs(workflow_id, limit=1).total_count or 0
    return workflow_id, jobs
