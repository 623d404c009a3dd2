"""Developer tasks. Every session runs inside the uv workspace environment (uv.lock)."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "typecheck", "tests"]

TYPED = [f"packages/{p}/src" for p in ("torc-client", "torc-server", "torc-slurm-runner")] + [
    "scripts",
    "tests",
]


def uv_run(session: nox.Session, *args: str) -> None:
    session.run("uv", "run", "--all-packages", "--frozen", *args, external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """The default test suite (what CI runs); pass pytest arguments after `--`."""
    uv_run(session, "pytest", "-m", "not slow", *session.posargs)


@nox.session
def drills(session: nox.Session) -> None:
    """Every robustness drill, the slow ones included (16 runners x 20,000 jobs, deep
    fuzzing): crashes of runners and server, concurrency, fuzzing, full or read-only disk."""
    uv_run(session, "pytest", "-m", "drill", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over hand-written and generated code."""
    uv_run(session, "ruff", "check", ".")
    uv_run(session, "ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on hand-written code (generated models are excluded)."""
    uv_run(session, "mypy", *TYPED)


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate torc_models and the typed client from api/openapi.yaml."""
    uv_run(session, "python", "scripts/codegen.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run every bench/bench_*.py script; each prints a table and appends to bench/results/."""
    scripts = sorted(Path("bench").glob("bench_*.py"))
    if not scripts:
        session.error("no benchmark scripts under bench/")
    for script in scripts:
        uv_run(session, "python", "-m", f"bench.{script.stem}", *session.posargs)
