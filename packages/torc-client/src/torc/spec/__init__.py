"""Workflow specifications: read YAML, JSON, JSON5 or KDL; expand; validate; create.

The pipeline is ``load_spec`` (parse and check structure and types) -> ``expand_spec``
(parameters, substitutions, references, cycles) -> ``create_workflow_from_spec`` (send
it to a server, all or nothing), with ``summarize``/``format_summary`` for
``--dry-run``. Every problem with the input is a :class:`SpecError` naming the file and,
where the parser can tell, the line; never a traceback.

The same workflow written in any of the four formats expands to the same result. The
choices made where the seeds are ambiguous are stated in the docstrings of
:mod:`torc.spec.models`, :mod:`torc.spec.parameters`, :mod:`torc.spec.expand`,
:mod:`torc.spec.references`, :mod:`torc.spec.checks` and :mod:`torc.spec.create`.
"""

from torc.spec.create import create_workflow_from_spec
from torc.spec.errors import SpecError
from torc.spec.expanded import ExpandedWorkflow
from torc.spec.loading import load_spec, parse_spec_text
from torc.spec.models import (
    FailureHandlerRuleSpec,
    FailureHandlerSpec,
    FileSpec,
    JobSpec,
    ResourceMonitorConfig,
    ResourceRequirementsSpec,
    SlurmDefaultsSpec,
    SlurmSchedulerSpec,
    UserDataSpec,
    WorkflowActionSpec,
    WorkflowSpec,
)
from torc.spec.summary import format_summary, summarize
from torc.spec.workflow import expand_spec

__all__ = [
    "ExpandedWorkflow",
    "FailureHandlerRuleSpec",
    "FailureHandlerSpec",
    "FileSpec",
    "JobSpec",
    "ResourceMonitorConfig",
    "ResourceRequirementsSpec",
    "SlurmDefaultsSpec",
    "SlurmSchedulerSpec",
    "SpecError",
    "UserDataSpec",
    "WorkflowActionSpec",
    "WorkflowSpec",
    "create_workflow_from_spec",
    "expand_spec",
    "format_summary",
    "load_spec",
    "parse_spec_text",
    "summarize",
]
