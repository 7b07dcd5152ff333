"""Duplicate and merge API types."""

from __future__ import annotations

from typing import Literal

import msgspec

from kht.types import Id, Version

Pick = Literal["survivor", "merged"]


class MergeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Merge `merged_id` into `survivor_id`.

    `choices` maps a field (`name`, `phone`, ... or `ext.<namespace>.<field>`) to the record
    whose value the survivor keeps; a field left out keeps the survivor's value unless that
    one is empty. Both versions are the ones the client was shown (409 when either is stale).
    """

    survivor_id: Id
    merged_id: Id
    version_survivor: Version
    version_merged: Version
    choices: dict[str, Pick] = {}


class MergeOut(msgspec.Struct, kw_only=True):
    """The survivor after a merge, and how many related rows moved to it, by kind."""

    survivor_id: int
    merged_id: int
    version: int
    moved: dict[str, int]


class RecordBrief(msgspec.Struct, kw_only=True):
    """The part of a record a duplicate list shows."""

    id: int
    name: str
    phone: str
    email: str
    owner_id: int | None
    version: int


class DuplicateOut(msgspec.Struct, kw_only=True):
    """Two records that look like one: why (`phone`, `email`, `name`) and how similar."""

    a: RecordBrief
    b: RecordBrief
    reasons: list[str]
    score: int


class DuplicateList(msgspec.Struct, kw_only=True):
    items: list[DuplicateOut]
    total: int
