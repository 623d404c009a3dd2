"""Schemathesis fuzzes every operation of api/openapi.yaml against a live server.

Generated requests, valid and invalid, must never get a 5xx, and every answer must be one
the contract documents: its status code, content type, headers and body schema. In half
the generated parameter sets and bodies the IDs name the records of a freshly seeded
workflow (see ``fuzz_seed``), so the fuzzer gets past the 404s into the code behind them.

A third server requires authentication and enforces access control: the seed workflow
is made by an administrator for ``fuzzer``, who sends every fuzzed request with a
password, so the requests pass through the authentication layer and the access rules.

The default run (examples and 10 random cases per operation, on SQLite and PostgreSQL)
takes about a minute and a half, the authenticated one some 40 s more; the slow run adds
schemathesis's coverage phase (boundary values, wrong types, missing fields) and 100
cases per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import bcrypt
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.schemas import BaseSchema

from tests.conftest import CONTRACT, ServerProcess
from tests.server.fuzz_seed import point_at_seed, seed_workflow
from torc.api import TorcApi

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


PASSWORDS = {"fuzzer": "fuzz-password", "root": "root-password"}


def with_authentication(home: Path) -> list[str]:
    """Server options that require a password and enforce access control; root is admin."""
    users = home / "htpasswd"
    users.write_text(
        "".join(
            f"{user}:{bcrypt.hashpw(secret.encode(), bcrypt.gensalt(4)).decode()}\n"
            for user, secret in PASSWORDS.items()
        )
    )
    options = ["--auth-file", str(users), "--require-auth", "--enforce-access-control"]
    return [*options, "--admin-user", "root"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "sqlite-auth"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One server per storage backend: each answers some requests its own way."""
    home = tmp_path_factory.mktemp("fuzz")
    if request.param == "postgresql":
        database: str | Path = request.getfixturevalue("postgres").new_database()
    else:
        database = home / "torc.db"
    options = with_authentication(home) if request.param == "sqlite-auth" else []
    process = ServerProcess(database, *options)
    process.authenticated = bool(options)  # type: ignore[attr-defined]
    yield process
    process.stop()


def fuzzer_auth(server: ServerProcess) -> tuple[str, str] | None:
    return ("fuzzer", PASSWORDS["fuzzer"]) if getattr(server, "authenticated", False) else None


@pytest.fixture
def seeded(server: ServerProcess) -> None:
    """A new seed workflow for each operation: the last one's deletes may have emptied
    the previous one."""
    admin = ("root", PASSWORDS["root"]) if fuzzer_auth(server) else (None, None)
    with closing(TorcApi(server.url, *admin, retry_timeout=30)) as api:
        SEED.update(seed_workflow(api))


FUZZ_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
"""``seeded`` is meant to run once per operation, not once per generated case; and how fast
cases are generated on a shared 2-core machine says nothing about the server."""


@QUICK.parametrize()
@FUZZ_SETTINGS
def test_fuzz(case: Case[Any], server: ServerProcess, seeded: None) -> None:
    case.call_and_validate(base_url=server.url, auth=fuzzer_auth(server))


@pytest.mark.slow
@DEEP.parametrize()
@FUZZ_SETTINGS
def test_fuzz_deep(case: Case[Any], server: ServerProcess, seeded: None) -> None:
    case.call_and_validate(base_url=server.url, auth=fuzzer_auth(server))
