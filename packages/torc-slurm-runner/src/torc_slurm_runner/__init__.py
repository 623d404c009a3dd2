"""The torc job runner that runs inside Slurm allocations."""

__version__ = "0.1.0"
