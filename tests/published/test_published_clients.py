"""Each scenario script run by each published client that has its operations, against our
server on SQLite and on PostgreSQL; a script stops at its first failing step."""

from __future__ import annotations

import pytest

from tests.conftest import ServerProcess
from tests.published.conftest import PublishedClient, install

CURRENT, PREVIOUS, OLDEST = "0.35.0", "0.22.2", "0.12.3"
CASES = [
    (CURRENT, "crud"),
    (PREVIOUS, "crud"),
    (CURRENT, "lifecycle"),
    (PREVIOUS, "lifecycle"),
    (OLDEST, "lifecycle"),
    (CURRENT, "archive"),
    (CURRENT, "spawn"),
    (CURRENT, "async_init"),
]


@pytest.mark.parametrize(
    ("published_client", "scenario"),
    CASES,
    indirect=["published_client"],
    ids=[f"{version}-{scenario}" for version, scenario in CASES],
)
def test_scenario(
    published_client: PublishedClient, scenario: str, any_server: ServerProcess
) -> None:
    summary = published_client.run(scenario, any_server.url)
    assert summary["client"] == published_client.version
    assert summary["scenario"] == scenario
    assert summary["failed"] is None, summary
    assert summary["passed"], "the scenario ran no step"


def test_both_generations_share_one_server(any_server: ServerProcess) -> None:
    """0.22.2 and 0.35.0 against the same running server: every scenario of each, then each
    reads the workflows the other wrote (ADR 0008), whichever wrote first."""
    clients = {version: install(version) for version in (CURRENT, PREVIOUS)}
    for version, scenario in CASES:
        if version in clients:
            assert clients[version].run(scenario, any_server.url)["failed"] is None
    for version in (PREVIOUS, CURRENT, PREVIOUS):
        summary = clients[version].run("shared", any_server.url)
        assert summary["failed"] is None and summary["passed"], summary
