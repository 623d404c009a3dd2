"""JSON-valued fields take the shape each client generation expects (ADR 0008), over raw
HTTP against a real server: strings for clients before 0.35, objects for the others."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import ServerProcess

LEGACY = {"User-Agent": "OpenAPI-Generator/0.12.0/python"}  # torc-client 0.22.2
CURRENT = {"User-Agent": "OpenAPI-Generator/0.21.0/python"}  # torc-client 0.35.0
SETTINGS = {"mode": "direct", "limit_resources": False}
MONITOR = {"enabled": True, "granularity": "summary", "sample_interval_seconds": 5}


def call(server: ServerProcess, method: str, path: str, **options: Any) -> httpx.Response:
    return httpx.request(method, server.url + path, timeout=30, **options)


def workflow_body(**fields: Any) -> dict[str, Any]:
    return {"name": "shapes", "user": "tester", **fields}


def test_each_generation_reads_its_own_shape(any_server: ServerProcess) -> None:
    legacy_written = workflow_body(
        metadata=json.dumps({"project": "x", "n": 1}),
        execution_config=json.dumps(SETTINGS),
        resource_monitor_config=json.dumps(MONITOR),
        slurm_defaults=json.dumps({"account": "proj"}),
    )
    created = call(any_server, "POST", "/workflows", json=legacy_written, headers=LEGACY)
    assert created.status_code == 200, created.text
    legacy = created.json()
    assert isinstance(legacy["metadata"], str)
    assert json.loads(legacy["metadata"]) == {"project": "x", "n": 1}
    assert json.loads(legacy["execution_config"]) == SETTINGS
    assert json.loads(legacy["slurm_defaults"]) == {"account": "proj"}

    wid = legacy["id"]
    current = call(any_server, "GET", f"/workflows/{wid}", headers=CURRENT).json()
    assert current["metadata"] == {"project": "x", "n": 1}
    assert current["execution_config"] == SETTINGS
    assert current["resource_monitor_config"] == MONITOR
    assert (current["run_id"], current["is_canceled"], current["is_archived"]) == (1, False, False)
    # No User-Agent of a published client: current shapes (curl, our own client).
    plain = call(any_server, "GET", "/workflows").json()["items"][0]
    assert plain["metadata"] == {"project": "x", "n": 1}
    listed = call(any_server, "GET", "/workflows", headers=LEGACY).json()["items"][0]
    assert json.loads(listed["resource_monitor_config"]) == MONITOR

    # An object write reads back as text for the old generation, and the header pins it.
    updated = call(
        any_server,
        "PUT",
        f"/workflows/{wid}",
        json=workflow_body(metadata={"project": "y"}),
        headers={**CURRENT, "X-Torc-Json-Fields": "string"},
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["metadata"] == '{"project":"y"}'
    pinned = call(
        any_server, "GET", f"/workflows/{wid}", headers={**LEGACY, "X-Torc-Json-Fields": "object"}
    )
    assert pinned.json()["metadata"] == {"project": "y"}


@pytest.mark.parametrize("bad", ["[1, 2]", "{oops", "3"])
def test_a_string_must_encode_an_object(any_server: ServerProcess, bad: str) -> None:
    reply = call(any_server, "POST", "/workflows", json=workflow_body(metadata=bad), headers=LEGACY)
    assert reply.status_code == 422
    assert "field 'metadata' must be a JSON object" in reply.json()["errorMessage"]
    assert call(any_server, "GET", "/workflows").json()["total_count"] == 0


def test_ro_crate_metadata_both_ways(any_server: ServerProcess) -> None:
    wid = call(any_server, "POST", "/workflows", json=workflow_body()).json()["id"]
    entity = {"workflow_id": wid, "entity_id": "#a", "entity_type": "File"}
    legacy = call(
        any_server,
        "POST",
        "/ro_crate_entities",
        json={**entity, "metadata": '{"name": "a"}'},
        headers=LEGACY,
    )
    assert legacy.status_code == 200, legacy.text
    assert json.loads(legacy.json()["metadata"]) == {"name": "a"}
    listing = call(any_server, "GET", f"/workflows/{wid}/ro_crate_entities").json()
    assert listing["items"][0]["metadata"] == {"name": "a"}
    bad = call(
        any_server, "POST", "/ro_crate_entities", json={**entity, "metadata": "[1]"}, headers=LEGACY
    )
    assert bad.status_code == 422 and "metadata" in bad.json()["errorMessage"]
