"""Shared by the spec tests: expanding a spec written inline."""

from __future__ import annotations

import textwrap

from torc.spec import expand_spec, parse_spec_text
from torc.spec.expanded import ExpandedJob, ExpandedWorkflow


def expand(text: str, fmt: str = "yaml") -> ExpandedWorkflow:
    return expand_spec(parse_spec_text(textwrap.dedent(text), fmt, f"inline.{fmt}"))


def names(text: str, fmt: str = "yaml") -> list[str]:
    return [job.name for job in expand(text, fmt).jobs]


def by_name(expanded: ExpandedWorkflow) -> dict[str, ExpandedJob]:
    return {job.name: job for job in expanded.jobs}
