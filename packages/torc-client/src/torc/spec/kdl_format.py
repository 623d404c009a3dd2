"""KDL specs: nodes mapped onto the same plain data the YAML and JSON loaders produce.

The mapping follows the seed's KDL examples: ``job "name" { ... }`` with the name as the
argument, ``file "name" path="..."`` with fields as properties or child nodes, repeated
singular nodes building lists (``depends_on_job``, ``input_file``, ``command`` in an
``action``, ``rule`` in a ``failure_handler``), several arguments building a list
(``use_parameters "lr" "batch_size"``), ``parameters { lr "[...]" }`` building a map, and
``user_data`` carrying its ``data`` as a JSON string. The plural field names of the other
formats are accepted too. Unknown nodes are errors with a suggestion, like unknown keys,
except in the resource-monitor section, whose unknown keys the original ignores (they
pass through to :mod:`torc.spec.compat`, which warns).

The seed shows no KDL for a job's inline resource requirements; torc reads
``resource_requirements "name"`` as a reference and the same node with children or
properties as the needs themselves, the way other records are written::

    job "train" {
        command "python train.py"
        resource_requirements { num_cpus 4; memory "16g"; runtime "PT2H"; }
    }
    job "small" { command "echo"; resource_requirements num_cpus=1 memory="1g"; }

``resource_monitor_config { ... }`` is the same section as ``resource_monitor { ... }``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torc.spec.errors import Path, SourceMap, SpecError, did_you_mean
from torc.spec.kdl_syntax import KdlNode, parse_kdl


@dataclass(frozen=True)
class _Rule:
    """How one node name maps onto a field: ``kind`` is scalar, list, map, json or record."""

    field: str
    kind: str = "scalar"
    schema: dict[str, _Rule] | None = None
    many: bool = True  # records: a list of them, or one object
    named: bool = True  # records: the first argument is the name
    open: bool = False  # records: unknown child nodes pass through as plain values


def _scalars(*names: str) -> dict[str, _Rule]:
    return {name: _Rule(name) for name in names}


def _lists(**names: str) -> dict[str, _Rule]:
    """Each list field under its singular and plural spelling."""
    rules: dict[str, _Rule] = {}
    for singular, plural in names.items():
        rules[singular] = rules[plural] = _Rule(plural, "list")
    return rules


_PARAMETERIZED = {
    "parameters": _Rule("parameters", "map"),
    "parameter_mode": _Rule("parameter_mode"),
    "use_parameters": _Rule("use_parameters", "list"),
    "use_parameter": _Rule("use_parameters", "list"),
}
_JOB = {
    **_scalars(
        "name",
        "command",
        "invocation_script",
        "failure_handler",
        "scheduler",
        "slurm_scheduler",
        "cancel_on_blocking_job_failure",
        "supports_termination",
    ),
    **_lists(
        depends_on_job="depends_on",
        depends_on_regex="depends_on_regexes",
        input_file="input_files",
        input_file_regex="input_file_regexes",
        output_file="output_files",
        output_file_regex="output_file_regexes",
        input_user_data_regex="input_user_data_regexes",
        output_user_data_regex="output_user_data_regexes",
    ),
    "input_user_data": _Rule("input_user_data", "list"),
    "output_user_data": _Rule("output_user_data", "list"),
    "env": _Rule("env", "map"),
    "resource_requirements": _Rule(
        "resource_requirements",
        "name_or_record",
        _scalars("num_cpus", "num_gpus", "num_nodes", "memory", "runtime"),
        many=False,
        named=False,
    ),
    **_PARAMETERIZED,
}
_FILE = {**_scalars("name", "path"), **_PARAMETERIZED}
_USER_DATA = {**_scalars("name", "is_ephemeral"), "data": _Rule("data", "json"), **_PARAMETERIZED}
_RESOURCES = _scalars("name", "num_cpus", "num_gpus", "num_nodes", "memory", "runtime")
_RULE = {
    **_scalars("match_all_exit_codes", "recovery_script", "max_retries"),
    **_lists(exit_code="exit_codes"),
}
_FAILURE_HANDLER = {
    "name": _Rule("name"),
    "rule": _Rule("rules", "record", _RULE, named=False),
    "rules": _Rule("rules", "record", _RULE, named=False),
}
_SLURM = _scalars(
    "name",
    "account",
    "partition",
    "nodes",
    "walltime",
    "mem",
    "gres",
    "qos",
    "ntasks_per_node",
    "tmp",
    "extra",
)
_ACTION = {
    **_scalars(
        "trigger_type",
        "action_type",
        "scheduler",
        "scheduler_type",
        "num_allocations",
        "start_one_worker_per_node",
        "max_parallel_jobs",
        "persistent",
    ),
    **_lists(command="commands", job="jobs", job_name_regex="job_name_regexes"),
}
_MONITOR = _scalars("enabled", "granularity", "sample_interval_seconds", "generate_plots")
_WORKFLOW = {
    **_scalars(
        "name",
        "user",
        "description",
        "use_pending_failed",
        "compute_node_expiration_buffer_seconds",
        "compute_node_wait_for_new_jobs_seconds",
        "compute_node_ignore_workflow_completion",
        "compute_node_wait_for_healthy_database_minutes",
        "compute_node_min_time_for_new_jobs_seconds",
        "jobs_sort_method",
        "job_sort_method",
    ),
    "parameters": _Rule("parameters", "map"),
    "slurm_defaults": _Rule("slurm_defaults", "map"),
    "env": _Rule("env", "map"),
    "dynamic_jobs": _Rule(
        "dynamic_jobs", "record", _scalars("max_iterations"), many=False, named=False
    ),
    "job": _Rule("jobs", "record", _JOB),
    "file": _Rule("files", "record", _FILE),
    "user_data": _Rule("user_data", "record", _USER_DATA),
    "resource_requirements": _Rule("resource_requirements", "record", _RESOURCES),
    "failure_handler": _Rule("failure_handlers", "record", _FAILURE_HANDLER),
    "slurm_scheduler": _Rule("slurm_schedulers", "record", _SLURM),
    "action": _Rule("actions", "record", _ACTION, named=False),
    **{
        key: _Rule(key, "record", _MONITOR, many=False, named=False, open=True)
        for key in ("resource_monitor", "resource_monitor_config")
    },
}


def load_kdl(text: str, source: SourceMap) -> Any:
    """Parse KDL ``text`` into the plain data of a workflow spec; positions into ``source``."""
    nodes = parse_kdl(text, source.file)
    return _Converter(source).fields(nodes, _WORKFLOW, (), "the workflow", {})


class _Converter:
    def __init__(self, source: SourceMap) -> None:
        self.source = source

    def error(self, node: KdlNode, message: str) -> SpecError:
        return SpecError(message, self.source.file, node.line)

    def fields(
        self,
        nodes: list[KdlNode],
        schema: dict[str, _Rule],
        path: Path,
        where: str,
        result: dict[str, Any],
        open: bool = False,
    ) -> dict[str, Any]:
        for node in nodes:
            rule = schema.get(node.name)
            if rule is None and open:
                self.source.add((*path, node.name), node.line)
                result[node.name] = self._loose(node)
                continue
            if rule is None:
                hint = did_you_mean(node.name, schema)
                raise self.error(node, f"unknown node '{node.name}' in {where}{hint}")
            key = (*path, rule.field)
            self.source.add(key, node.line)
            handler: Callable[[KdlNode, _Rule, Path, dict[str, Any]], None] = getattr(
                self, f"_{rule.kind}"
            )
            handler(node, rule, key, result)
        return result

    def _loose(self, node: KdlNode) -> Any:
        """An unknown node's value as plain data, for a section that ignores unknown keys."""
        if node.children or node.props:
            children = {c.name: self._loose(c) for c in node.children}
            return {**node.props, **children}
        return node.args[0] if len(node.args) == 1 else list(node.args)

    def _name_or_record(
        self, node: KdlNode, rule: _Rule, path: Path, result: dict[str, Any]
    ) -> None:
        """A name (one value) refers to a record; children or properties are one inline."""
        if node.children or node.props:
            self._record(node, rule, path, result)
        else:
            self._scalar(node, rule, path, result)

    def _plain(self, node: KdlNode) -> None:
        if node.props or node.children:
            raise self.error(node, f"'{node.name}' takes only values, not properties or children")

    def _scalar(self, node: KdlNode, rule: _Rule, path: Path, result: dict[str, Any]) -> None:
        self._plain(node)
        if len(node.args) != 1:
            raise self.error(node, f"'{node.name}' needs exactly one value")
        if rule.field in result:
            raise self.error(node, f"'{node.name}' is given more than once")
        result[rule.field] = node.args[0]

    def _list(self, node: KdlNode, rule: _Rule, path: Path, result: dict[str, Any]) -> None:
        self._plain(node)
        items = result.setdefault(rule.field, [])
        for value in node.args:
            self.source.add((*path, len(items)), node.line)
            items.append(value)

    def _json(self, node: KdlNode, rule: _Rule, path: Path, result: dict[str, Any]) -> None:
        self._scalar(node, rule, path, result)
        value = result[rule.field]
        if isinstance(value, str):
            try:
                result[rule.field] = json.loads(value)
            except ValueError as exc:
                raise self.error(node, f"'{node.name}' must be a JSON string: {exc}") from None

    def _map(self, node: KdlNode, rule: _Rule, path: Path, result: dict[str, Any]) -> None:
        if node.args or node.props:
            raise self.error(node, f"'{node.name}' takes child nodes: {node.name} {{ key value }}")
        mapping = result.setdefault(rule.field, {})
        for child in node.children:
            self._plain(child)
            if not child.args:
                raise self.error(child, f"'{child.name}' in '{node.name}' needs a value")
            self.source.add((*path, child.name), child.line)
            mapping[child.name] = child.args[0] if len(child.args) == 1 else list(child.args)

    def _record(self, node: KdlNode, rule: _Rule, path: Path, result: dict[str, Any]) -> None:
        assert rule.schema is not None
        record: dict[str, Any] = {}
        if rule.many:
            items = result.setdefault(rule.field, [])
            path = (*path, len(items))
            items.append(record)
        elif rule.field in result:
            raise self.error(node, f"'{node.name}' is given more than once")
        else:
            result[rule.field] = record
        self.source.add(path, node.line)
        where = f"{node.name} '{node.args[0]}'" if rule.named and node.args else f"'{node.name}'"
        if rule.named and node.args:
            if len(node.args) > 1:
                raise self.error(node, f"{where} takes one name; give other values as children")
            self.source.add((*path, "name"), node.line)
            record["name"] = node.args[0]
        elif node.args:
            raise self.error(node, f"'{node.name}' takes no values, only child nodes")
        props = [KdlNode(key, node.line, [value]) for key, value in node.props.items()]
        self.fields(props + node.children, rule.schema, path, where, record, rule.open)
