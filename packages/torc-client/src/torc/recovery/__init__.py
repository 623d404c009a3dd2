"""Failure recovery: why jobs failed (:mod:`torc.recovery.diagnosis`), shared by
``torc recover``, ``torc watch`` and ``torc reports check-resource-utilization``."""
