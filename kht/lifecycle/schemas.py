"""Lifecycle API types: stage moves, history, and the stage/transition configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from kht.types import Version

StageKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Cause = Annotated[str, msgspec.Meta(max_length=300)]


class StageMove(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move a record to `to_stage`; `version` is the one the client was shown (409 if stale)."""

    to_stage: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    cause: Cause = ""
    version: Version | None = None


class MoveOut(msgspec.Struct, kw_only=True):
    """A record's stage after a move, and its new version."""

    id: int
    stage: str
    stage_changed_at: datetime | None
    version: int


class HistoryEntry(msgspec.Struct, kw_only=True):
    """A stay in one stage: when it began and ended (None: still there) and how long."""

    stage: str
    entered_at: datetime
    left_at: datetime | None
    seconds: int
    cause: str
    user_id: int | None


class HistoryOut(msgspec.Struct, kw_only=True):
    items: list[HistoryEntry]


class StageCount(msgspec.Struct, kw_only=True):
    """How many moves from one stage to another (for conversion reports)."""

    from_stage: str | None
    to_stage: str
    count: int


class StageDef(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One stage: a fixed key, labels in both languages, an order, and whether it is in use."""

    key: StageKey
    label_zh: Label
    label_en: Label
    position: Annotated[int, msgspec.Meta(ge=0, le=100000)] = 0
    active: bool = True


class TransitionDef(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An allowed move from one stage to another."""

    from_stage: StageKey
    to_stage: StageKey


class LifecycleConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Every stage and every allowed move: what GET returns and PUT replaces."""

    stages: list[StageDef]
    transitions: list[TransitionDef]
