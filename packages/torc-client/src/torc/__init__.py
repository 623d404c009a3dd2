"""The torc client library, job runner, `torc` command line and Python API."""

__version__ = "0.1.0"
