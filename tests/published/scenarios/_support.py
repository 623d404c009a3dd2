# mypy: ignore-errors
"""What every scenario script shares: the published client's version, steps that stop at the
first failure with the server's answer, polling with a deadline, and the JSON summary line.

The scripts run under a published ``torc-client``'s own interpreter, never the workspace's,
so nothing here may import the project's packages.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

VERSION = importlib.metadata.version("torc-client")
GENERATION = tuple(int(part) for part in VERSION.split(".")[:2])
"""(0, 35), (0, 22) or (0, 12): where the published APIs differ, scenarios branch on this."""


class Failed(Exception):
    """A check that did not hold: the scenario stops here."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


def equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise Failed(f"{what}: expected {expected!r}, got {actual!r}")


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def wait_for(probe: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll ``probe`` until it returns something truthy; the server settles some things (such
    as unblocking dependents) in a background thread, so a fixed sleep would be a guess."""
    deadline = time.monotonic() + timeout
    interval = 0.05
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
        interval = min(interval * 2, 0.5)


def describe(error: BaseException) -> str:
    """The failure with the server's status and body when the client raised an API error."""
    status = getattr(error, "status", None)
    if status is not None:
        body = getattr(error, "body", None) or getattr(error, "data", None)
        return f"HTTP {status} {getattr(error, 'reason', '')}: {body}".strip()
    return f"{type(error).__name__}: {error}"


class Scenario:
    """Runs named steps in order; the first failing step ends the script with exit code 1."""

    def __init__(self, name: str) -> None:
        if len(sys.argv) != 2:
            sys.exit(f"usage: {sys.argv[0]} SERVER_URL")
        self.name = name
        self.url = sys.argv[1]
        self.passed: list[str] = []

    def api(self) -> Any:
        """The published package's own entry point: ``make_api`` wraps the generated classes
        (``DefaultApi`` in 0.12; the per-tag ``WorkflowsApi``, ``JobsApi``... from 0.22)."""
        from torc.api import make_api

        return make_api(self.url)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        try:
            yield
        except Exception as error:  # every failure ends the scenario with its cause
            traceback.print_exc()
            print(f"FAILED {self.name} [torc-client {VERSION}] step {name!r}: {describe(error)}")
            self._summary(failed=name, error=describe(error))
            sys.exit(1)
        self.passed.append(name)

    def finish(self) -> None:
        self._summary(failed=None, error=None)

    def _summary(self, failed: str | None, error: str | None) -> None:
        summary = {
            "scenario": self.name,
            "client": VERSION,
            "passed": self.passed,
            "failed": failed,
            "error": error,
        }
        print(json.dumps(summary), flush=True)
