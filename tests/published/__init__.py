"""Our server driven by the original project's published Python clients (``torc-client`` from
PyPI, each in its own virtualenv): wire compatibility checked by the clients themselves."""
