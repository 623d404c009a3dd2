"""Failure detection: OOM, timeout and unknown causes (torc.recovery.diagnosis)."""
