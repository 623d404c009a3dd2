"""Access groups, memberships, workflow sharing and access checks end to end."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import torc_models as m
from tests.server.helpers import MISSING, check_paging, check_unknown_ids, fails, ids, rid
from torc.api import TorcApi


def group(api: TorcApi, name: str, description: str | None = None) -> int:
    return rid(api.create_access_group(m.AccessGroupModel(name=name, description=description)))


def member(
    api: TorcApi, group_id: int, user: str, role: str = "member"
) -> m.UserGroupMembershipModel:
    body = m.UserGroupMembershipModel(group_id=group_id, user_name=user, role=role)
    return api.add_user_to_group(group_id, body)


def test_access_groups(api: TorcApi) -> None:
    created = api.create_access_group(m.AccessGroupModel(name="ops", description="operators"))
    assert created.id is not None and created.description == "operators"
    assert created.created_at and datetime.fromisoformat(created.created_at).tzinfo is not None
    assert api.get_access_group(created.id) == created
    others = [group(api, name) for name in ("dev", "qa", "admins")]
    check_paging(api.list_access_groups, [created.id, *others])
    page = api.list_access_groups(offset=0, limit=10)
    assert (page.limit, page.total_count, page.has_more) == (10, 4, False)

    assert "ops" in fails(409, api.create_access_group, m.AccessGroupModel(name="ops"))
    assert "name" in fails(422, api.create_access_group, m.AccessGroupModel(name="  "))
    check_unknown_ids("access group", api.get_access_group, api.delete_access_group)
    assert api.delete_access_group(created.id).name == "ops"
    fails(404, api.get_access_group, created.id)
    assert api.list_access_groups().total_count == 3
    group(api, "ops")  # the name is free again


def test_group_members(api: TorcApi) -> None:
    ops, dev = group(api, "ops"), group(api, "dev")
    alice = member(api, ops, "alice", "admin")
    assert (alice.group_id, alice.user_name, alice.role) == (ops, "alice", "admin")
    assert alice.id is not None and alice.created_at
    bob, carol = member(api, ops, "bob"), member(api, ops, "carol")
    member(api, dev, "alice")
    listing = partial(api.list_group_members, ops)
    check_paging(listing, [alice.id, rid(bob), rid(carol)])
    assert [(x.user_name, x.role) for x in listing().items] == [
        ("alice", "admin"),
        ("bob", "member"),
        ("carol", "member"),
    ]
    assert [g.name for g in api.list_user_groups("alice").items] == ["ops", "dev"]
    assert ids(api.list_user_groups("bob")) == [ops]
    page = api.list_user_groups("alice", offset=1, limit=1)
    assert (ids(page), page.total_count, page.has_more, page.limit) == ([dev], 2, False, 1)
    assert api.list_user_groups("nobody").total_count == 0

    assert "role" in fails(422, member, api, ops, "dave", "owner")
    assert "alice" in fails(409, member, api, ops, "alice")
    wrong = m.UserGroupMembershipModel(group_id=dev, user_name="erin", role="member")
    assert "group_id" in fails(422, api.add_user_to_group, ops, wrong)
    assert "user_name" in fails(422, member, api, ops, "")
    fails(404, member, api, MISSING, "dave")
    fails(404, api.list_group_members, MISSING)

    removed = api.remove_user_from_group(ops, "bob")
    assert (removed.user_name, removed.group_id) == ("bob", ops)
    assert "bob" in fails(404, api.remove_user_from_group, ops, "bob")
    fails(404, api.remove_user_from_group, MISSING, "alice")
    assert api.list_user_groups("bob").total_count == 0

    # deleting a group ends its memberships
    api.delete_access_group(ops)
    assert ids(api.list_user_groups("alice")) == [dev]
    assert ids(api.list_user_groups("carol")) == []


def test_workflow_sharing_and_access_checks(api: TorcApi) -> None:
    wf = rid(api.create_workflow(m.WorkflowModel(name="w", user="alice")))
    other = rid(api.create_workflow(m.WorkflowModel(name="o", user="bob")))
    ops, dev, qa = group(api, "ops"), group(api, "dev"), group(api, "qa")
    member(api, ops, "carol")
    member(api, dev, "dave")

    owner = api.check_workflow_access(wf, "alice")
    assert owner.has_access and owner.workflow_id == wf and owner.user_name == "alice"
    assert owner.reason and "owns" in owner.reason
    denied = api.check_workflow_access(wf, "carol")
    assert not denied.has_access and denied.reason

    shared = api.add_workflow_to_group(wf, ops)
    assert (shared.workflow_id, shared.group_id) == (wf, ops) and shared.created_at
    granted = api.check_workflow_access(wf, "carol")
    assert granted.has_access and granted.reason and "ops" in granted.reason
    assert not api.check_workflow_access(wf, "dave").has_access
    assert not api.check_workflow_access(other, "carol").has_access

    api.add_workflow_to_group(wf, dev)
    api.add_workflow_to_group(wf, qa)
    check_paging(partial(api.list_workflow_groups, wf), [ops, dev, qa])
    assert api.list_workflow_groups(other).total_count == 0
    assert "already" in fails(409, api.add_workflow_to_group, wf, ops)
    assert "access group" in fails(404, api.add_workflow_to_group, wf, MISSING)
    assert "workflow" in fails(404, api.add_workflow_to_group, MISSING, ops)
    fails(404, api.list_workflow_groups, MISSING)
    fails(404, api.check_workflow_access, MISSING, "alice")

    removed = api.remove_workflow_from_group(wf, ops)
    assert (removed.workflow_id, removed.group_id) == (wf, ops)
    assert not api.check_workflow_access(wf, "carol").has_access
    fails(404, api.remove_workflow_from_group, wf, ops)
    fails(404, api.remove_workflow_from_group, other, dev)

    # deleting a group or the workflow ends the sharing
    api.delete_access_group(qa)
    assert ids(api.list_workflow_groups(wf)) == [dev]
    api.delete_workflow(wf)
    fails(404, api.list_workflow_groups, wf)
    assert ids(api.list_access_groups()) == [ops, dev]
    assert api.list_group_members(dev).total_count == 1


def test_reload_auth_without_authentication(api: TorcApi) -> None:
    reply = api.reload_auth()
    assert reply.user_count == 0 and "not configured" in reply.message
