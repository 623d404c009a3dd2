"""HPC system profiles: clusters' partitions, detection of the current cluster and the
choice of a partition for a job's resources (``torc hpc``, ``torc slurm generate``).

- :mod:`torc.hpc.model`: :class:`Partition` and :class:`HpcProfile`.
- :mod:`torc.hpc.profiles`: built-in and custom profiles, lookup and detection.
- :mod:`torc.hpc.matching`: :class:`Need` and the partition matcher.
- :mod:`torc.hpc.from_cluster`: a profile generated from a live Slurm cluster.
"""
