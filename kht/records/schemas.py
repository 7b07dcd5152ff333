"""API types every record kind shares: a list page, its columns, bulk operations."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from kht.types import Id

BulkAction = Literal["assign", "tag", "set", "delete", "restore"]


class BulkRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A bulk operation on `ids`, or (without ids) on everything `q`/`f`/`view` match."""

    action: BulkAction
    ids: list[Id] | None = None
    q: str = ""
    f: list[str] = []
    view: Id | None = None
    owner_id: Id | None = None
    add_tags: list[str] = []
    remove_tags: list[str] = []
    field: str = ""
    value: Any = None


class BulkResult(msgspec.Struct, kw_only=True):
    """What a bulk operation did: its action and how many records it changed."""

    action: str
    count: int


class ChoiceOut(msgspec.Struct, kw_only=True):
    """One choice of a column: the stored key and its labels."""

    key: str
    label_zh: str
    label_en: str


class ColumnOut(msgspec.Struct, kw_only=True):
    """A column a list can show, filter (`f=key:op:value`) and sort by (`sort=key`);
    `choices` are the keys a filter or a write takes, `choice_labels` the same choices with
    the labels a page shows."""

    key: str
    label_zh: str
    label_en: str
    type: str
    choices: list[str]
    sortable: bool
    default: bool
    choice_labels: list[ChoiceOut] = []


def page_schema(out: type[msgspec.Struct]) -> type[msgspec.Struct]:
    """The list answer of a kind whose records are `out`: `<Name>Page` with `items`,
    `total`, `page` and `page_size` (`CustomerOut` -> `CustomerPage`)."""
    name = out.__name__.removesuffix("Out") + "Page"
    return msgspec.defstruct(
        name,
        [("items", list[out]), ("total", int), ("page", int), ("page_size", int)],  # type: ignore[valid-type]
        kw_only=True,
        module=out.__module__,
    )
