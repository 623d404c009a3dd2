"""Server logging: a human-readable console, an optional size-rotated file, JSON on request.

The original server logs through Rust's ``tracing`` with the levels error, warn, info,
debug and trace, takes its default level from ``RUST_LOG``, and rotates
``torc-server.log`` at 10 MiB keeping five old files. Operators' scripts and log
shippers rely on those names and on one record per line, so this module keeps them:
Python's WARNING prints as ``WARN`` and a TRACE level sits below DEBUG.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

TRACE = 5
logging.addLevelName(TRACE, "TRACE")
logging.addLevelName(logging.WARNING, "WARN")

LOG_FILE = "torc-server.log"
ROTATE_BYTES = 10 * 1024 * 1024
ROTATE_KEEP = 5
ROTATE_BYTES_ENV = "TORC_LOG_MAX_BYTES"
"""Overrides the rotation size; meant for tests and drills, not for production."""


class LogLevel(StrEnum):
    error = "error"
    warn = "warn"
    info = "info"
    debug = "debug"
    trace = "trace"

    @property
    def number(self) -> int:
        return {
            "error": logging.ERROR,
            "warn": logging.WARNING,
            "info": logging.INFO,
            "debug": logging.DEBUG,
            "trace": TRACE,
        }[self.value]


ALIASES = {"warning": "warn", "err": "error", "critical": "error", "off": "error"}


def parse_level(text: str) -> LogLevel | None:
    """A plain level name (any case, ``warning`` accepted), or None if ``text`` is not one."""
    name = text.strip().lower()
    name = ALIASES.get(name, name)
    return LogLevel(name) if name in LogLevel.__members__ else None


def rust_log_level(value: str) -> LogLevel | None:
    """The global level of a ``RUST_LOG`` filter such as ``info`` or ``warn,torc=debug``.

    Per-module directives (``torc::server::auth=debug``) have no equivalent here and are
    skipped rather than rejected, so a RUST_LOG shared with the Rust tools still works."""
    for directive in value.split(","):
        if "=" not in directive and (level := parse_level(directive)) is not None:
            return level
    return None


def default_level(
    environ: Mapping[str, str] = os.environ, fallback: LogLevel = LogLevel.info
) -> LogLevel:
    """``TORC_LOG_LEVEL``, else ``TORC_SERVER__LOG_LEVEL``, else a plain ``RUST_LOG``,
    else ``fallback`` (a config file's level, or info). A TORC_* variable naming no level
    is an error the operator must fix."""
    for name in ("TORC_LOG_LEVEL", "TORC_SERVER__LOG_LEVEL"):
        if value := environ.get(name):
            level = parse_level(value)
            if level is None:
                choices = ", ".join(LogLevel)
                raise ValueError(f"{name}={value!r} is not a log level ({choices})")
            return level
    return rust_log_level(environ.get("RUST_LOG", "")) or fallback


class TextFormatter(logging.Formatter):
    """``2026-01-02T03:04:05.678Z INFO torc_server.cli: message``, in UTC."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return timestamp(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message (+ exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def rotation_bytes() -> int:
    raw = os.environ.get(ROTATE_BYTES_ENV)
    if not raw:
        return ROTATE_BYTES
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{ROTATE_BYTES_ENV}={raw!r} must be a positive number of bytes")
    return int(raw)


def configure(
    level: LogLevel, *, log_dir: Path | None, json_logs: bool, console: bool = True
) -> Path | None:
    """Route every logger (uvicorn's included) to the console and/or the log file.

    ``--json-logs`` formats the file; without ``--log-dir`` it formats the console instead,
    so the flag is never silently ignored (useful under systemd or in containers). Returns
    the log file, whose directory is created here so that a bad ``--log-dir`` is reported
    before the server daemonizes. Raises OSError if it cannot be created or opened.
    """
    handlers: list[logging.Handler] = []
    log_file = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / LOG_FILE
        to_file = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=rotation_bytes(), backupCount=ROTATE_KEEP, encoding="utf-8"
        )
        to_file.setFormatter(JsonFormatter() if json_logs else TextFormatter())
        handlers.append(to_file)
    if console:
        to_console = logging.StreamHandler(sys.stderr)
        json_console = json_logs and log_dir is None
        to_console.setFormatter(JsonFormatter() if json_console else TextFormatter())
        handlers.append(to_console)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level.number)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return log_file
