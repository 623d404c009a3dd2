"""A job runner as its own process: ``runner_process.py URL WORKFLOW OUTPUT [OPTIONS_JSON]``.

Prints the run summary as JSON on stdout; tests use it to run several runners at once and
to send a runner signals.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions


def start_runner(url: str, workflow_id: int, output: Path, **options: Any) -> subprocess.Popen[str]:
    """This script as a child process (its own runner, killable by the test)."""
    settings = {"max_parallel_jobs": 2, "poll_interval": 0.2, **options}
    return subprocess.Popen(
        [sys.executable, __file__, url, str(workflow_id), str(output), json.dumps(settings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    url, workflow_id, output = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    runner = JobRunner(
        TorcApi(url, retry_timeout=60), workflow_id, RunnerOptions(output_dir=output, **options)
    )
    summary = runner.run()
    print(json.dumps(asdict(summary)))


if __name__ == "__main__":
    main()
