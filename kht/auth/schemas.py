"""User, token and role API types: what a client may send and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from kht.types import Id

Login = Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET
# A moment in time from a client must carry its offset: a naive one is ambiguous.
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class UserCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new user; without `password` one is generated and returned once."""

    login: Login
    name: Name
    role: str
    password: str | None = None
    email: Short = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    department_id: Id | None = None
    branch_id: Id | None = None
    business_line_ids: list[Id] = []
    language: str = "zh_CN"
    time_zone: str = "Asia/Shanghai"


class UserUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An administrator's change to a user (password and activation have their own calls)."""

    name: Name | Unset = UNSET
    email: Short | Unset = UNSET
    phone: Annotated[str, msgspec.Meta(max_length=40)] | Unset = UNSET
    role: str | Unset = UNSET
    department_id: Id | None | Unset = UNSET
    branch_id: Id | None | Unset = UNSET
    business_line_ids: list[Id] | Unset = UNSET
    language: str | Unset = UNSET
    time_zone: str | Unset = UNSET


class UserOut(msgspec.Struct, kw_only=True):
    """A user as the API shows it: never a password hash or a TOTP secret."""

    id: int
    login: str
    name: str
    email: str
    phone: str
    role: str | None
    department_id: int | None
    branch_id: int | None
    business_line_ids: list[int]
    language: str
    time_zone: str
    active: bool
    totp_enabled: bool
    created_at: datetime


class UserCreated(msgspec.Struct, kw_only=True):
    """The created user, and the generated password when none was given (shown once)."""

    user: UserOut
    password: str | None = None


class HandOver(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move everything a user owns to `to_user_id`, or to the shared pool when it is null."""

    to_user_id: Id | None = None


class HandOverResult(msgspec.Struct, kw_only=True):
    """How many records of each kind changed owner."""

    moved: dict[str, int]


class OwnedRecords(msgspec.Struct, kw_only=True):
    """How many live records of each kind a user owns (what a hand-over would move)."""

    owned: dict[str, int]


class PasswordReset(msgspec.Struct, kw_only=True):
    """The new random password of a user (shown once); their sessions have ended."""

    password: str


class Grant(msgspec.Struct, kw_only=True):
    ops: list[str]
    scope: str | None


class MeOut(msgspec.Struct, kw_only=True):
    """The acting user, whether they are an administrator, and what they may do per module."""

    user: UserOut
    is_admin: bool
    grants: dict[str, Grant]


class UserPage(msgspec.Struct, kw_only=True):
    items: list[UserOut]
    total: int
    page: int
    page_size: int


class TokenCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new token of the acting user; without `expires_at` it lives until revoked."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    expires_at: AwareDatetime | None = None


class TokenOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenPage(msgspec.Struct, kw_only=True):
    items: list[TokenOut]
    total: int
    page: int
    page_size: int


class TokenCreated(msgspec.Struct, kw_only=True):
    """The new token: `token` is shown this once and cannot be retrieved later."""

    token: str
    info: TokenOut


class RoleOut(msgspec.Struct, kw_only=True):
    id: int
    key: str
    name_zh: str
    name_en: str
    builtin: bool
    require_2fa: bool
    grants: dict[str, Any]


class RolePage(msgspec.Struct, kw_only=True):
    items: list[RoleOut]
    total: int
    page: int
    page_size: int


class RoleUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    grants: dict[str, Any] | Unset = UNSET
    require_2fa: bool | Unset = UNSET


class PasswordChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    current_password: str
    new_password: str
