"""Schemathesis fuzzes every operation of api/openapi.yaml against a live server.

Generated requests, valid and invalid, must never get a 5xx, and every answer must be one
the contract documents: its status code, content type, headers and body schema. In half
the generated parameter sets and bodies the IDs name the records of a freshly seeded
workflow (see ``fuzz_seed``), so the fuzzer gets past the 404s into the code behind them.

The default run (examples and 10 random cases per operation, on SQLite and PostgreSQL)
takes about a minute and a half; the slow run adds schemathesis's coverage phase
(boundary values, wrong types, missing fields) and 100 cases per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.schemas import BaseSchema

from tests.conftest import CONTRACT, ServerProcess
from tests.server.fuzz_seed import point_at_seed, seed_workflow

pytestmark = pytest.mark.drill

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
SEED: dict[str, int] = {}
"""IDs of the seed workflow of the operation under test (set by the ``seeded`` fixture)."""


def load_schema(max_examples: int, *, coverage: bool) -> BaseSchema:
    """The contract, fuzzed with a fixed seed (reproducible runs) and only ``CHECKS``.

    ``coverage`` adds schemathesis's systematic boundary and wrong-type cases to the
    examples and random fuzzing.
    """
    config = schemathesis.Config.from_dict(
        {
            "seed": 20260101,
            "cache": {"enabled": False},  # no replay of earlier runs' crashes: same run each time
            "phases": {"coverage": {"enabled": coverage}},
            "generation": {"max-examples": max_examples, "deterministic": True},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )
    schema = schemathesis.openapi.from_path(CONTRACT, config=config)
    for container in ("path_parameters", "query", "body"):
        schema.hook(f"flatmap_{container}")(sometimes_seeded)
    return schema


def sometimes_seeded(context: HookContext, value: Any) -> st.SearchStrategy[Any]:
    """``value`` as generated, or pointing at the seed workflow's records."""
    assert context.operation is not None
    path = context.operation.path
    return st.sampled_from([value, point_at_seed(value, SEED, path)])


QUICK = load_schema(max_examples=10, coverage=False)
DEEP = load_schema(max_examples=100, coverage=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One server per storage backend: each answers some requests its own way."""
    if request.param == "sqlite":
        database: str | Path = tmp_path_factory.mktemp("fuzz") / "torc.db"
    else:
        database = request.getfixturevalue("postgres").new_database()
    process = ServerProcess(database)
    yield process
    process.stop()


@pytest.fixture
def seeded(server: ServerProcess) -> None:
    """A new seed workflow for each operation: the last one's deletes may have emptied
    the previous one."""
    with closing(server.api()) as api:
        SEED.update(seed_workflow(api))


FUZZ_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
"""``seeded`` is meant to run once per operation, not once per generated case; and how fast
cases are generated on a shared 2-core machine says nothing about the server."""


@QUICK.parametrize()
@FUZZ_SETTINGS
def test_fuzz(case: Case[Any], server: ServerProcess, seeded: None) -> None:
    case.call_and_validate(base_url=server.url)


@pytest.mark.slow
@DEEP.parametrize()
@FUZZ_SETTINGS
def test_fuzz_deep(case: Case[Any], server: ServerProcess, seeded: None) -> None:
    case.call_and_validate(base_url=server.url)
