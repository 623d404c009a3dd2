"""Access groups: who may see which workflows when the server enforces access control.

A workflow is open to its owner, to the members of the groups it is shared with and to
system administrators. These helpers read whole listings, whatever the server's page size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, Self, TypeVar

import torc_models as m
from torc.api import TorcApi

ROLES = ("member", "admin")


class Paged(Protocol):
    """A page of an access-control listing (these page by ``offset``/``limit``)."""

    @property
    def items(self) -> Sequence[Any]: ...

    @property
    def has_more(self) -> bool: ...

    @property
    def total_count(self) -> int: ...

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Self: ...


PageT = TypeVar("PageT", bound=Paged)


def whole(fetch: Callable[[int], PageT]) -> PageT:
    """Every page of ``fetch(offset)`` as one: the first page, holding all the items."""
    first = page = fetch(0)
    items = list(page.items)
    while page.has_more and page.items:
        page = fetch(len(items))
        items += page.items
    total = max(page.total_count, len(items))
    return first.model_copy(update={"items": items, "has_more": False, "total_count": total})


def create(api: TorcApi, name: str, description: str | None = None) -> m.AccessGroupModel:
    return api.create_access_group(m.AccessGroupModel(name=name, description=description))


def add_user(
    api: TorcApi, group_id: int, user_name: str, role: str = "member"
) -> m.UserGroupMembershipModel:
    """Make ``user_name`` a member (or an admin, who may share workflows with the group)."""
    body = m.UserGroupMembershipModel(group_id=group_id, user_name=user_name, role=role)
    return api.add_user_to_group(group_id, body)


def all_groups(api: TorcApi) -> m.ListAccessGroupsResponse:
    return whole(lambda offset: api.list_access_groups(offset=offset))


def members(api: TorcApi, group_id: int) -> m.ListUserGroupMembershipsResponse:
    return whole(lambda offset: api.list_group_members(group_id, offset=offset))


def groups_of_user(api: TorcApi, user_name: str) -> m.ListAccessGroupsResponse:
    return whole(lambda offset: api.list_user_groups(user_name, offset=offset))


def groups_of_workflow(api: TorcApi, workflow_id: int) -> m.ListAccessGroupsResponse:
    return whole(lambda offset: api.list_workflow_groups(workflow_id, offset=offset))
