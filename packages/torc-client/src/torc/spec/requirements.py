"""Inline resource requirements: a job's own needs become a named record on the server.

The server links a job to a resource-requirements record by ID, so each distinct inline
set of needs becomes one record, shared by every job that gives the same needs (same
CPUs, GPUs and nodes, same memory in bytes and runtime in seconds: ``16g`` and
``16384m`` are one record). Its name is deterministic, readable in ``torc
resource-requirements list`` and never one of the spec's own names:
``inline_4cpu_0gpu_1node_16g_PT2H``, with ``_2``, ``_3``, ... appended in the unlikely case
that the spec already uses that name.

Memory and runtime may hold parameter placeholders (``memory: "{mem}g"``); they are
rendered per job like the command, so their values are checked after expansion, naming
the file, the line, the job and the field.
"""

from __future__ import annotations

from torc.spec.checks import needs_problem
from torc.spec.errors import Path
from torc.spec.models import ResourceNeeds, ResourceRequirementsSpec, WorkflowSpec
from torc_models.units import duration_seconds, memory_bytes

Key = tuple[int, int, int, int, int]


class InlineRequirements:
    """Names inline needs, one record per distinct set, in the order jobs first use them."""

    def __init__(self, spec: WorkflowSpec) -> None:
        self.spec = spec
        self.taken = {r.name for r in spec.resource_requirements} | {"default"}
        self.records: list[ResourceRequirementsSpec] = []
        self._names: dict[Key, str] = {}

    def name_for(self, needs: ResourceNeeds, job: str, path: Path) -> str:
        """The record name for ``needs`` of job ``job`` (whose spec entry is at ``path``)."""
        problem = needs_problem(needs)
        if problem is not None:
            field, reason = problem
            message = f"job '{job}': resource_requirements.{field}: {reason}"
            raise self.spec.source.error((*path, "resource_requirements", field), message)
        key = (
            needs.num_cpus,
            needs.num_gpus,
            needs.num_nodes,
            memory_bytes(needs.memory),
            duration_seconds(needs.runtime),
        )
        name = self._names.get(key)
        if name is None:
            name = self._free_name(needs)
            self._names[key] = name
            self.taken.add(name)
            self.records.append(ResourceRequirementsSpec(name=name, **needs.model_dump()))
        return name

    def _free_name(self, needs: ResourceNeeds) -> str:
        memory = needs.memory.strip().replace(" ", "")
        base = (
            f"inline_{needs.num_cpus}cpu_{needs.num_gpus}gpu_{needs.num_nodes}node_"
            f"{memory}_{needs.runtime.strip()}"
        )
        name, suffix = base, 1
        while name in self.taken:
            suffix += 1
            name = f"{base}_{suffix}"
        return name
