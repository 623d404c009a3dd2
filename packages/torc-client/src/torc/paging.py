"""Reading paged listings in full or in ranges larger than one server page.

The server caps every page at ``MAX_PAGE`` records, while users ask for "the first 50,000
jobs" and the exporter needs everything; these helpers hide the page loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T_co = TypeVar("T_co", covariant=True)

MAX_PAGE = 10_000
"""Largest page the server hands out (its ``max_limit``)."""


class Page(Protocol[T_co]):
    """What every list response of the API has in common."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def has_more(self) -> bool: ...


def fetch_all(fetch: Callable[[int], Page[T_co]]) -> list[T_co]:
    """Every item of a paged list: ``fetch(offset)`` returns one page."""
    items: list[T_co] = []
    while True:
        page = fetch(len(items))
        items += page.items
        if not page.has_more or not page.items:
            return items


def fetch_range(fetch: Callable[[int, int], Page[T_co]], offset: int, limit: int) -> list[T_co]:
    """Up to ``limit`` items starting at ``offset``: ``fetch(offset, limit)`` returns a page."""
    items: list[T_co] = []
    while len(items) < limit:
        page = fetch(offset + len(items), min(MAX_PAGE, limit - len(items)))
        items += page.items
        if not page.has_more or not page.items:
            break
    return items
