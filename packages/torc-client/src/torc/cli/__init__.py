"""The ``torc`` command line: a thin layer over :mod:`torc.api` and the client library."""
