"""Search API types: one hit per matching record, and a page of hits."""

from __future__ import annotations

import msgspec


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """A matching record: its kind (`customer`, `contact`, `lead`), id, what to show, its page."""

    kind: str
    record_id: int
    title: str
    subtitle: str
    url: str


class SearchPage(msgspec.Struct, frozen=True, kw_only=True):
    """The best hits (at most `limit`) and how many records match in all."""

    items: list[SearchHit]
    total: int
