"""Organisation API types."""

from __future__ import annotations

from typing import Annotated

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Code = Annotated[str, msgspec.Meta(max_length=40)]


class DepartmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    parent_id: int | None = None


class DepartmentOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    parent_id: int | None
    path: str


class UnitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A branch or a business line."""

    name: Name
    code: Code = ""


class UnitOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    code: str
