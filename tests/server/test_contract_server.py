"""The server implements exactly the contract: every operation, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.routing import Route

from tests.conftest import ROOT
from torc_server import routers
from torc_server.app import create_app
from torc_server.context import Settings
from torc_server.dispatch import BASE_PATH, HANDLERS, load_operations


def test_every_operation_has_a_handler(contract: dict[str, Any]) -> None:
    routers.load_all()
    operation_ids = {op.operation_id for op in load_operations(contract)}
    assert sorted(operation_ids - set(HANDLERS)) == [], "operations without a handler"
    assert sorted(set(HANDLERS) - operation_ids) == [], "handlers for unknown operations"


def test_routes_match_the_contract(contract: dict[str, Any], tmp_path: Path) -> None:
    app = create_app(Settings(database=str(tmp_path / "t.db")))
    served = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith(BASE_PATH) and route.methods
        for method in route.methods
        if method != "HEAD"
        and not route.path.endswith(("/docs", "/openapi.json"))
        and "docs/oauth2-redirect" not in route.path
    }
    documented = {
        (method.upper(), BASE_PATH + path)
        for path, item in contract["paths"].items()
        for method in item
    }
    assert served == documented


def test_server_ships_the_contract(contract: dict[str, Any]) -> None:
    shipped = (ROOT / "packages/torc-server/src/torc_server/openapi.json").read_text()
    assert json.loads(shipped) == contract
