"""Whole-workflow operations on a server, above single API calls.

* :mod:`~torc.workflows.operations`: initialize (with input checks), reset, archive,
  cancel, recording file times;
* :mod:`~torc.workflows.reinitialize`: rerun only what changed, and its exact dry run;
* :mod:`~torc.workflows.plan`: the dependency graph and execution plan of a spec or a
  workflow;
* :mod:`~torc.workflows.export_import`: a workflow as one JSON document and back;
* :mod:`~torc.workflows.jobs_from_file` and :mod:`~torc.workflows.mapping`: many jobs at
  once, from a file of commands or by mapping a Python function over parameter sets.

The CLI, dashboard and MCP server call these, so they all do the same steps in the same
order. Import the modules directly; this package imports nothing on its own, so that
``torc --help`` stays quick.
"""
