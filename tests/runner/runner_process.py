"""A job runner as its own process: ``runner_process.py URL WORKFLOW OUTPUT [OPTIONS_JSON]``.

Prints the run summary as JSON on stdout; tests use it to run several runners at once and
to send a runner signals.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from torc.api import TorcApi
from torc.runner import JobRunner, RunnerOptions


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
