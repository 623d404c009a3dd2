"""``torc-server run --https``: a real server with a self-signed certificate answers HTTPS
clients that trust it, refuses TLS older than 1.2 and plain HTTP, and a certificate or
key it cannot use stops it with one line naming the file."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ops_helpers import torc_server
from tests.tls import self_signed

PING = "/torc-service/v1/ping"
CLI = [sys.executable, "-m", "torc_server.cli"]


class TlsServer:
    """``torc-server run --https ...`` on a free loopback port; stderr goes to a file."""

    def __init__(self, root: Path, *args: str) -> None:
        self.stderr_path = root / "stderr.txt"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
        with self.stderr_path.open("w") as stderr:
            self.proc = subprocess.Popen(
                [*CLI, "run", "--no-config", "--port", "0", "--database", ":memory:", *args],
                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=root,
                env={**env, "PYTHONUNBUFFERED": "1", "TORC_LOG_LEVEL": "info"},
            )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("TORC_SERVER_PORT="):
            self.proc.kill()
            raise AssertionError(f"no port line: {line!r}; stderr: {self.stderr()}")
        self.port = int(line.strip().split("=", 1)[1])

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed(tmp_path, "server")


@pytest.fixture
def server(tmp_path: Path, pair: tuple[Path, Path]) -> Iterator[TlsServer]:
    cert, key = pair
    started = TlsServer(tmp_path, "--https", "--tls-cert", str(cert), "--tls-key", str(key))
    yield started
    assert started.stop() == 0


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cert)


def handshake(port: int, context: ssl.SSLContext) -> str | None:
    """The protocol version a handshake agreed on."""
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        return tls.version()


def test_https_with_a_trusted_certificate(server: TlsServer, pair: tuple[Path, Path]) -> None:
    cert, _ = pair
    reply = httpx.get(f"https://127.0.0.1:{server.port}{PING}", verify=trusting(cert), timeout=10)
    assert reply.json() == {"status": "ok"}
    assert f"Clients connect to https://127.0.0.1:{server.port}/torc-service/v1" in (
        server.stderr()
    )
    with pytest.raises(httpx.ConnectError):  # a client that does not trust it
        httpx.get(f"https://127.0.0.1:{server.port}{PING}", timeout=10)


def test_tls_1_2_is_the_oldest_protocol_served(server: TlsServer) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    assert handshake(server.port, context) == "TLSv1.2"

    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname, old.verify_mode = False, ssl.CERT_NONE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # that is the point
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 allows TLS < 1.2 only so
    except (ValueError, ssl.SSLError) as exc:
        pytest.skip(f"this OpenSSL cannot build a TLS 1.1 client to test with: {exc}")
    with pytest.raises(ssl.SSLError) as refused:
        handshake(server.port, old)
    if refused.value.reason == "NO_PROTOCOLS_AVAILABLE":
        pytest.skip("this OpenSSL refuses to offer TLS 1.1 at all, so the server is not asked")
    # refused with a protocol-version alert, or (uvloop) by closing the connection unanswered
    assert refused.value.reason in (
        "TLSV1_ALERT_PROTOCOL_VERSION",
        "UNSUPPORTED_PROTOCOL",
        "UNEXPECTED_EOF_WHILE_READING",
    ), refused.value
    assert handshake(server.port, context) == "TLSv1.2"  # still serving


def test_plain_http_to_the_tls_port_fails(server: TlsServer, pair: tuple[Path, Path]) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{server.port}{PING}", timeout=10)
    cert, _ = pair  # and the server still serves HTTPS afterwards
    reply = httpx.get(f"https://127.0.0.1:{server.port}{PING}", verify=trusting(cert), timeout=10)
    assert reply.json() == {"status": "ok"}
    assert "Traceback" not in server.stderr()


def test_certificate_and_key_alone_turn_https_on(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    started = TlsServer(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        reply = httpx.get(
            f"https://127.0.0.1:{started.port}{PING}", verify=trusting(cert), timeout=10
        )
        assert reply.json() == {"status": "ok"}
    finally:
        assert started.stop() == 0


def test_https_url_and_config_file(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    work = tmp_path / "work"
    work.mkdir()
    (work / "torc.toml").write_text(
        f'[server]\nurl = "https://127.0.0.1"\nport = 0\ntls_cert = "{cert}"\ntls_key = "{key}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORC_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [*CLI, "run", "--database", ":memory:"], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, cwd=work, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip().split("=", 1)[1])
        reply = httpx.get(f"https://127.0.0.1:{port}{PING}", verify=trusting(cert), timeout=10)
        assert reply.json() == {"status": "ok"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith("torc-server: error: "), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def test_unusable_certificates_are_one_line_errors(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    _, other_key = self_signed(tmp_path, "other")
    run = ["run", "--no-config", "--port", "0", "--database", ":memory:"]
    mismatched = torc_server(*run, "--https", "--tls-cert", cert, "--tls-key", other_key)
    message = one_line_error(mismatched, 1)
    assert f"{other_key} is not the private key of the certificate {cert}" in message

    missing = tmp_path / "missing.pem"
    message = one_line_error(torc_server(*run, "--tls-cert", missing, "--tls-key", key), 1)
    assert f"cannot read {missing}: No such file or directory" in message

    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    message = one_line_error(torc_server(*run, "--tls-cert", garbage, "--tls-key", key), 1)
    assert f"{garbage}: not a PEM certificate" in message
    message = one_line_error(torc_server(*run, "--tls-cert", cert, "--tls-key", garbage), 1)
    assert f"{garbage}: not a PEM private key" in message


def test_https_without_its_files_is_a_usage_error(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, _ = pair
    run = ["run", "--no-config", "--port", "0"]
    message = one_line_error(torc_server(*run, "--https"), 2)
    assert "--https needs --tls-cert FILE and --tls-key FILE" in message
    message = one_line_error(torc_server(*run, "--url", "https://127.0.0.1:0"), 2)
    assert "--url https://127.0.0.1:0 needs --tls-cert FILE and --tls-key FILE" in message
    message = one_line_error(torc_server(*run, "--tls-cert", cert), 2)
    assert "--tls-cert needs --tls-key as well" in message
