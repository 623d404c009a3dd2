"""The library's transport credentials (``TorcApi(token=, ca_cert=, cookie_header=)`` and
their variables), as a header recorder and real servers with authentication and TLS see
them: what the job runner, the Python API and any other client built on it send."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

import torc_models as m
from tests.cli.auth_helpers import PASSWORDS, auth_server, header_recorder, self_signed
from tests.conftest import ServerProcess
from torc.api import ApiError, TorcApi
from torc.config import ConfigError
from torc.errors import ServerUnreachable

CREDENTIAL_VARIABLES = ("TORC_USERNAME", "TORC_PASSWORD", "TORC_TOKEN", "TORC_COOKIE_HEADER")


@pytest.fixture(autouse=True)
def no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*CREDENTIAL_VARIABLES, "TORC_CA_CERT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict[str, str]]]]:
    with header_recorder() as recorded:
        yield recorded


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = auth_server(tmp_path_factory.mktemp("auth"))
    yield process
    process.stop()


def sent(url: str, seen: list[dict[str, str]], **options: object) -> dict[str, str]:
    """The headers of one ping sent by ``TorcApi(url, **options)``."""
    with TorcApi(url, retry_timeout=0, **options) as api:  # type: ignore[arg-type]
        assert api.ping().status == "ok"
    return seen[-1]


def test_token_is_a_bearer_header_that_wins(
    recorder: tuple[str, list[dict[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    assert sent(url, seen, token="t1", username="alice", password="pw")["Authorization"] == (
        "Bearer t1"
    )
    monkeypatch.setenv("TORC_TOKEN", "t2")
    monkeypatch.setenv("TORC_PASSWORD", "pw")
    assert sent(url, seen)["Authorization"] == "Bearer t2"
    basic = sent(url, seen, token="", username="bob")["Authorization"]  # "": not the variable
    assert base64.b64decode(basic.removeprefix("Basic ")).decode() == "bob:pw"


def test_cookie_header(
    recorder: tuple[str, list[dict[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    assert sent(url, seen, cookie_header="session=abc")["Cookie"] == "session=abc"
    assert "Cookie" not in sent(url, seen)
    monkeypatch.setenv("TORC_COOKIE_HEADER", "session=env")
    assert sent(url, seen)["Cookie"] == "session=env"


def test_anonymous_sends_and_reads_nothing(
    recorder: tuple[str, list[dict[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("TORC_CA_CERT", "/nonexistent/ca.pem")
    headers = sent(url, seen, anonymous=True)
    assert "Authorization" not in headers and "Cookie" not in headers


def test_basic_and_bearer_against_a_real_server(server: ServerProcess) -> None:
    with TorcApi(server.url, "alice", PASSWORDS["alice"], retry_timeout=0) as alice:
        workflow = alice.create_workflow(m.WorkflowModel(name="w", user="alice"))
        assert workflow.id is not None
        minted = alice.create_worker_token(m.CreateWorkerTokenRequest(workflow_id=workflow.id))
    assert minted.token is not None
    with TorcApi(server.url, token=minted.token, retry_timeout=0) as worker:
        assert worker.get_workflow(workflow.id).name == "w"
    wrong = TorcApi(server.url, "alice", "wrong", retry_timeout=0)
    with wrong, pytest.raises(ApiError) as refused:
        wrong.ping()
    assert (refused.value.status_code, refused.value.message) == (
        401,
        "Authentication failed for user 'alice'",
    )


def test_ca_cert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed(tmp_path)
    https = auth_server(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key))
    url = f"https://127.0.0.1:{https.port}/torc-service/v1"
    alice = ("alice", PASSWORDS["alice"])
    try:
        with TorcApi(url, *alice, ca_cert=str(cert), retry_timeout=0) as api:
            assert api.ping().status == "ok"
        untrusted = TorcApi(url, *alice, retry_timeout=0)
        with untrusted, pytest.raises(ServerUnreachable, match="certificate verify failed"):
            untrusted.ping()
        monkeypatch.setenv("TORC_CA_CERT", str(cert))
        with TorcApi(url, *alice, retry_timeout=0) as api:
            assert api.ping().status == "ok"
    finally:
        https.stop()
    with pytest.raises(ConfigError, match=r"CA certificate file .*missing.pem .* does not exist"):
        TorcApi(url, ca_cert=str(tmp_path / "missing.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(ConfigError, match="is not a PEM bundle"):
        TorcApi(url, ca_cert=str(junk))
