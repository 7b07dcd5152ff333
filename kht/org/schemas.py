"""Organisation API types."""

from __future__ import annotations

from typing import Annotated

import msgspec

from kht.types import Id

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Code = Annotated[str, msgspec.Meta(max_length=40)]


class DepartmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    parent_id: Id | None = None


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


class DepartmentUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Rename or move a department: fields left out keep their value (`parent_id: null` = root)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    parent_id: Id | None | msgspec.UnsetType = msgspec.UNSET


class UnitUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Rename a branch or a business line, or change its code."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    code: Code | msgspec.UnsetType = msgspec.UNSET


class DepartmentPage(msgspec.Struct, kw_only=True):
    """Departments, parents before children."""

    items: list[DepartmentOut]
    total: int
    page: int
    page_size: int


class UnitPage(msgspec.Struct, kw_only=True):
    """Branches or business lines, by name."""

    items: list[UnitOut]
    total: int
    page: int
    page_size: int
