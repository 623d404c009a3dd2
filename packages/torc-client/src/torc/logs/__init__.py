"""A workflow's log files: which files in an output directory are whose, bundling them into
``wf<id>.tar.gz`` for a support request (:mod:`.bundle`), and scanning them for the errors
that explain a failure (:mod:`.analysis`, ``torc logs analyze``).
"""
