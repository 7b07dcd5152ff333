"""Sales process API types."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from kht.types import Id, Version

Key = Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9_.]{0,59}$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Percent = Annotated[int, msgspec.Meta(ge=0, le=100)]
# An opportunity ends won or lost; other kinds (a campaign) end closed.
Outcome = Literal["open", "won", "lost", "closed"]
RoleKey = Annotated[str, msgspec.Meta(max_length=40)]


class StageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A stage as an administrator defines it; stages keep their key forever."""

    key: Key
    name_zh: Label
    name_en: Label
    probability: Percent = 0
    outcome: Outcome = "open"
    required_actions: list[str] = []
    required_fields: list[str] = []
    # A role key: leaving the stage needs a user with that role to approve ("" = none).
    approval_role: RoleKey = ""
    active: bool = True


class ProcessIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A whole process: its stages in order (position = place in the list)."""

    key: Key
    name_zh: Label
    name_en: Label
    stages: list[StageIn]
    # The record kind whose records follow the process (opportunity, campaign, …).
    kind: Annotated[str, msgspec.Meta(max_length=40)] = "opportunity"
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    is_default: bool = False
    active: bool = True
    product_line_ids: list[Id] = []
    version: Version | None = None


class StageOut(msgspec.Struct, kw_only=True):
    id: int
    key: str
    name_zh: str
    name_en: str
    position: int
    probability: int
    outcome: str
    required_actions: list[str]
    required_fields: list[str]
    approval_role: str
    active: bool


class ProcessOut(msgspec.Struct, kw_only=True):
    id: int
    key: str
    name_zh: str
    name_en: str
    kind: str
    plugin: str
    description: str
    is_default: bool
    active: bool
    product_line_ids: list[int]
    stages: list[StageOut]
    version: int
