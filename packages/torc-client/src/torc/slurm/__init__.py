"""Slurm: allocations submitted with sbatch, each running a torc job runner."""
