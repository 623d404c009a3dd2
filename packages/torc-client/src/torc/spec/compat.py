"""A spec the original accepts is accepted: warnings, not errors, where it is lenient.

The original refuses unknown keys almost everywhere (the workflow, jobs, files, ...), and
so does torc. Two kinds of key are let through here, before validation, each with one
warning on stderr that names the file, the line and the key path:

* Unknown keys where the original ignores them: its resource-monitor section has no
  ``deny_unknown_fields`` (``resource_monitor: {metrics: [cpu, memory]}`` is accepted
  there). The key is dropped, with a did-you-mean when it looks like a known one.
* Fields the original defines that torc accepts but does not act on yet (:data:`UNUSED`):
  they are kept (stored where the server has a column), and the warning says so.

Both spellings of the monitor section (``resource_monitor`` and the remote-workers page's
``resource_monitor_config``) are one section; giving both is an error.
"""

from __future__ import annotations

import logging
from typing import Any

from torc.spec.errors import Path, SourceMap, describe_path, did_you_mean
from torc.spec.models import ResourceMonitorConfig

logger = logging.getLogger("torc.spec")

MONITOR_KEYS = ("resource_monitor", "resource_monitor_config")
_STORED = "stored on the workflow, but torc's job runners do not act on it yet"
UNUSED: dict[tuple[str, ...], str] = {
    ("compute_node_ignore_workflow_completion",): _STORED,
    ("compute_node_wait_for_healthy_database_minutes",): _STORED,
    ("compute_node_min_time_for_new_jobs_seconds",): _STORED,
    ("resource_monitor", "generate_plots"): (
        "accepted, but plots are not generated automatically yet (the original reserves it "
        "for future use); run torc plot-resources on the metrics database"
    ),
}
"""Key path (list indexes left out) -> why it has no effect yet."""


def tolerate(data: dict[str, Any], source: SourceMap) -> dict[str, Any]:
    """``data`` without the keys the original ignores; warns once for each key let through.

    Returns a shallow copy where something was dropped; ``data`` itself is not changed.
    """
    notices: dict[Path, str] = {}
    data = _drop_unknown_monitor_keys(data, source, notices)
    for path in _present(data, ()):
        keys = [str(p) for p in path if not isinstance(p, int)]
        if keys[0] in MONITOR_KEYS:
            keys[0] = "resource_monitor"
        reason = UNUSED.get(tuple(keys))
        if reason is not None:
            notices.setdefault(path, reason)
    for path, message in notices.items():
        line = source.locate(path)[0]
        where = f"{source.file}:{line}" if source.file and line else source.file or "<spec>"
        logger.warning("%s: %s: %s", where, describe_path(path, data), message)
    return data


def _drop_unknown_monitor_keys(
    data: dict[str, Any], source: SourceMap, notices: dict[Path, str]
) -> dict[str, Any]:
    given = [key for key in MONITOR_KEYS if key in data]
    if len(given) > 1:
        raise source.error(
            (given[1],),
            "resource_monitor and resource_monitor_config are the same section; give one",
        )
    if not given or not isinstance(data[given[0]], dict):
        return data  # missing, or the wrong type: validation reports it
    key, section = given[0], data[given[0]]
    known = list(ResourceMonitorConfig.model_fields)
    unknown = [name for name in section if name not in known]
    if not unknown:
        return data
    for name in unknown:
        hint = did_you_mean(str(name), known)
        notices[(key, name)] = f"unknown key, ignored as the original ignores it{hint}"
    return {**data, key: {k: v for k, v in section.items() if k not in unknown}}


def _present(node: Any, path: Path) -> list[Path]:
    """Paths of the keys given in the sections :data:`UNUSED` looks at."""
    found: list[Path] = []
    if isinstance(node, dict):
        for key, value in node.items():
            child = (*path, key)
            found.append(child)
            if key in ("actions", *MONITOR_KEYS) and not path:
                found += _present(value, child)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict):
                found += [(*path, index, key) for key in item]
    return found
