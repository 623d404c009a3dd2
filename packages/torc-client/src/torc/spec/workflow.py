"""``expand_spec``: a validated spec to the complete, checked list of what to create.

The order matters: values are checked first (so a bad memory string is reported even in
an otherwise broken spec), then parameters are expanded, names must be unique, file and
user-data references in commands are substituted (they add links), all references are
resolved, and only then can cycles be looked for, over the final dependency graph.
"""

from __future__ import annotations

from torc.spec import checks
from torc.spec.expand import Expander
from torc.spec.expanded import ExpandedWorkflow
from torc.spec.models import WorkflowSpec
from torc.spec.references import Resolver


def expand_spec(spec: WorkflowSpec) -> ExpandedWorkflow:
    """Expand parameters, apply substitutions and resolve and validate every reference."""
    if not spec.jobs:
        raise spec.source.error(("jobs",), "a workflow needs at least one job")
    checks.check_values(spec)
    expander = Expander(spec)
    jobs, parameterized = expander.jobs()
    inline = expander.inline.records
    resolver = Resolver(spec, jobs, expander.files(), expander.user_data(), inline)
    resolver.check_unique()
    resolver.substitute()
    resolver.resolve_jobs()
    actions = resolver.actions()
    resolver.check_cycles()
    return ExpandedWorkflow(
        spec=spec,
        jobs=jobs,
        files=resolver.files,
        user_data=resolver.user_data,
        actions=actions,
        warnings=checks.warnings(spec, jobs),
        check_errors=checks.check_errors(spec, jobs, inline),
        parameterized_job_specs=parameterized,
        inline_requirements=inline,
    )
