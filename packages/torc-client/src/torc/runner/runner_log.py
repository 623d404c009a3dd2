"""The runner's own log: a file per runner with a line per job, warnings on the console.

A 100,000-job run writes 100,000 "completed" lines. Sent one by one through ``logging``
(a record, a formatted time and a flushed write each) they cost the runner about as much
CPU as starting the jobs, so the lines of one round trip are formatted with one timestamp
and written at once, in the file's usual format. Everything else goes through ``logging``.
"""

from __future__ import annotations

import logging
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RunnerLog:
    def __init__(self, logger: logging.Logger, path: Path) -> None:
        self.logger = logger
        self.file = logging.FileHandler(path)
        self.formatter = logging.Formatter(FORMAT)
        self.file.setFormatter(self.formatter)
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        self.handlers: list[logging.Handler] = [self.file, console]
        for handler in self.handlers:
            logger.addHandler(handler)

    def info_lines(self, messages: list[str]) -> None:
        """Write INFO lines, as ``logger.info`` would, with one timestamp and one write."""
        if not messages or not self.logger.isEnabledFor(logging.INFO):
            return
        record = logging.makeLogRecord({"name": self.logger.name, "levelname": "INFO"})
        prefix = f"{self.formatter.formatTime(record)} INFO {self.logger.name}: "
        text = "".join(f"{prefix}{message}\n" for message in messages)
        with self.file.lock:  # type: ignore[union-attr]  # Handler.__init__ always makes it
            if self.file.stream is not None:
                self.file.stream.write(text)
                self.file.stream.flush()

    def close(self) -> None:
        for handler in self.handlers:
            self.logger.removeHandler(handler)
            handler.close()
