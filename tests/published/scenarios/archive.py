# mypy: ignore-errors
"""Archiving through torc-client 0.35: the flag set and cleared by ``archive_workflow``, shown
on the workflow, and filtering ``list_workflows``. Run as ``python archive.py SERVER_URL``."""

from __future__ import annotations

from _support import Scenario, equal

from torc.openapi_client.models import ArchiveWorkflowRequest, WorkflowModel


def listed(api, archived: bool) -> set[int]:
    return {w.id for w in api.list_workflows(is_archived=archived, limit=1000).items}


def main() -> None:
    run = Scenario("archive")
    api = run.api()

    with run.step("create workflows"):
        old = api.create_workflow(WorkflowModel(name="arch-old", user="carol")).id
        kept = api.create_workflow(WorkflowModel(name="arch-kept", user="carol")).id
        equal(api.get_workflow(old).is_archived, False, "is_archived of a new workflow")

    with run.step("archive_workflow"):
        archived = api.archive_workflow(old, ArchiveWorkflowRequest(is_archived=True))
        equal((archived.id, archived.name), (old, "arch-old"), "the archived workflow")
        equal(archived.is_archived, True, "is_archived in the answer")
        equal(api.get_workflow(old).is_archived, True, "is_archived read back")

    with run.step("list_workflows(is_archived)"):
        yes, no = listed(api, True), listed(api, False)
        equal((old in yes, kept in yes), (True, False), "in the archived listing (old, kept)")
        equal((old in no, kept in no), (False, True), "in the unarchived listing (old, kept)")

    with run.step("unarchive"):
        restored = api.archive_workflow(old, ArchiveWorkflowRequest(is_archived=False))
        equal(restored.is_archived, False, "is_archived after unarchiving")
        equal(old in listed(api, False), True, "listed as unarchived again")
        equal(old in listed(api, True), False, "still listed as archived")

    run.finish()


if __name__ == "__main__":
    main()
