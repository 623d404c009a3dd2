"""Start-up check of handler signatures, for hand-written and generated handlers."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from torc_server import routers
from torc_server.dispatch import HANDLERS, Operation, Param, check_signature, load_operations


def operation(*names: str, body: str | None = None) -> Operation:
    params = [Param(name, "query", "integer", False) for name in names]
    return Operation("op", "GET", "/op", params=params, body_name=body)


def test_a_hand_written_handler_must_take_exactly_the_contract_parameters() -> None:
    def handler(ctx: Any, id: int, file_model: Any) -> None: ...

    check_signature(operation("id", body="file_model"), handler)
    with pytest.raises(RuntimeError, match="missing a required argument: 'file_model'"):
        check_signature(operation("id"), handler)
    with pytest.raises(RuntimeError, match="unexpected keyword argument 'limit'"):
        check_signature(operation("id", "limit", body="file_model"), handler)


def test_a_handler_with_kwargs_takes_the_rest_but_needs_its_named_parameters() -> None:
    def handler(ctx: Any, id: int, **rest: Any) -> None: ...

    check_signature(operation("id"), handler)
    check_signature(operation("id", "offset", "limit"), handler)
    with pytest.raises(RuntimeError, match="missing a required argument: 'id'"):
        check_signature(operation("workflow_id"), handler)


@pytest.fixture
def contract_operations(contract: dict[str, Any]) -> dict[str, Operation]:
    routers.load_all()
    return {op.operation_id: op for op in load_operations(contract)}


def test_a_generated_handler_fails_at_start_up_on_a_contract_it_does_not_fit(
    contract_operations: dict[str, Operation],
) -> None:
    listing = contract_operations["list_local_schedulers"]
    handler = HANDLERS["list_local_schedulers"]
    check_signature(listing, handler)

    def without(name: str) -> Operation:
        return dataclasses.replace(listing, params=[p for p in listing.params if p.name != name])

    # A filter that the where function uses, and the workflow's ID, must be given ...
    for needed in ("num_cpus", "workflow_id", "offset"):
        with pytest.raises(RuntimeError, match=f"missing a required argument: '{needed}'"):
            check_signature(without(needed), handler)
    # ... a parameter that nothing would read must not be ...
    extra = dataclasses.replace(listing, params=[*listing.params, Param("x", "query", "", False)])
    with pytest.raises(RuntimeError, match="unexpected keyword argument 'x'"):
        check_signature(extra, handler)
    # ... and sorting is optional.
    check_signature(without("sort_by"), handler)

    create = contract_operations["create_local_scheduler"]
    check_signature(create, HANDLERS["create_local_scheduler"])
    renamed = dataclasses.replace(create, body_name="body")
    with pytest.raises(RuntimeError, match="local_scheduler_model"):
        check_signature(renamed, HANDLERS["create_local_scheduler"])
