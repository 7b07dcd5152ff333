"""API types every record kind shares: a list page, its columns, bulk operations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Union

import msgspec

from kht.types import UNSET, Ext, Id, Unset, Version

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
    `total`, `total_exact` (False: `total` is an estimate, kht.lists.counting), `page` and
    `page_size` (`CustomerOut` -> `CustomerPage`)."""
    name = out.__name__.removesuffix("Out") + "Page"
    return msgspec.defstruct(
        name,
        [
            ("items", list[out]),  # type: ignore[valid-type]
            ("total", int),
            ("total_exact", bool),
            ("page", int),
            ("page_size", int),
        ],
        kw_only=True,
        module=out.__module__,
    )


class RecordOut(msgspec.Struct, kw_only=True):
    """What every record's API answer carries; a kind's `out_schema` adds its own fields."""

    id: int
    version: int
    ext: Ext
    created_at: datetime
    updated_at: datetime


def update_schema(
    create: type[msgspec.Struct],
    name: str,
    doc: str,
    *,
    drop: tuple[str, ...] = (),
    more: tuple[tuple[str, Any], ...] = (),
) -> type[msgspec.Struct]:
    """The partial update of a kind whose new records are `create`: the `version` the client
    was shown (409 when stale), then each field of `create` but `drop` and each `(name,
    type)` of `more`, with the same limits, every one optional (UNSET: left as it is)."""
    fields: list[Any] = [("version", Version)]
    kept = [(f.name, f.type) for f in msgspec.structs.fields(create) if f.name not in drop]
    fields += [(key, Union[hint, Unset], UNSET) for key, hint in (*kept, *more)]  # noqa: UP007
    schema = msgspec.defstruct(
        name, fields, kw_only=True, forbid_unknown_fields=True, module=create.__module__
    )
    schema.__doc__ = doc
    return schema


def out_of(schema: type[msgspec.Struct], source: Any, **computed: Any) -> Any:
    """`schema` filled from `source`'s attributes of the same names, and from `computed`
    for what `source` does not hold as it is (a role's key, a list of ids); a field that
    neither gives keeps its default."""
    values = {n: getattr(source, n, _MISSING) for n in schema.__struct_fields__}
    values.update((n, v) for n, v in computed.items() if n in values)
    return schema(**{n: v for n, v in values.items() if v is not _MISSING})


_MISSING = object()
