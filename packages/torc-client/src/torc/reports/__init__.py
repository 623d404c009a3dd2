"""What torc tells about a workflow after (or while) it runs: status summaries, resource
over-use and results with their log paths (:mod:`.results`), and plots of the resource
samples the runner records (:mod:`.plots`).

Nothing is imported here, so a command that needs one report loads only that module.
"""
