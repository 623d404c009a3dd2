"""The torc REST server: all workflow state, the job lifecycle, and its storage."""

__version__ = "0.1.0"
