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


class CompanyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The company settings as sent (every text field; `version` as shown, 409 when stale)."""

    version: int
    legal_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    tax_id: Annotated[str, msgspec.Meta(max_length=40)] = ""
    bank_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    bank_account: Annotated[str, msgspec.Meta(max_length=60)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""


class CompanyOut(msgspec.Struct, kw_only=True):
    """The company settings; `logo_url` is null when there is no logo."""

    version: int
    legal_name: str
    address: str
    tax_id: str
    bank_name: str
    bank_account: str
    phone: str
    logo_url: str | None
