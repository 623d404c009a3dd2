"""The job runner: claims ready jobs, runs them as local processes, reports results.

One engine serves ``torc run``, the Slurm runner and remote SSH workers.
"""

from torc.runner.engine import JobRunner
from torc.runner.options import RunnerOptions, RunSummary

__all__ = ["JobRunner", "RunSummary", "RunnerOptions"]
