"""Action API types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from kht.types import AwareDateTime

ActionType = Literal["call", "visit", "meeting", "task", "note", "email", "sms"]
ActionStatus = Literal["planned", "done", "cancelled"]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=20000)]
Short = Annotated[str, msgspec.Meta(max_length=300)]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class ActionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new action about a record (`kind` + `record_id`, e.g. customer 12)."""

    kind: str
    record_id: int
    type: ActionType = "note"
    subject: Subject
    body: Text = ""
    status: ActionStatus = "done"
    due_at: AwareDateTime | None = None
    outcome: Short = ""
    next_step: Short = ""
    meeting_url: Annotated[str, msgspec.Meta(max_length=500)] = ""
    ext: dict[str, dict[str, Any]] = {}


class ActionUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    type: ActionType | Unset = UNSET
    subject: Subject | Unset = UNSET
    body: Text | Unset = UNSET
    status: ActionStatus | Unset = UNSET
    due_at: AwareDateTime | None | Unset = UNSET
    outcome: Short | Unset = UNSET
    next_step: Short | Unset = UNSET
    meeting_url: Annotated[str, msgspec.Meta(max_length=500)] | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class ActionOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    record_id: int
    customer_id: int | None
    type: str
    subject: str
    body: str
    status: str
    due_at: datetime | None
    done_at: datetime | None
    outcome: str
    next_step: str
    meeting_url: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    created_at: datetime


class ActionPage(msgspec.Struct, kw_only=True):
    items: list[ActionOut]
    total: int
    page: int
    page_size: int


class TimelineItem(msgspec.Struct, kw_only=True):
    """One entry of a record's timeline: an action, a stage change, a mail (later)."""

    at: datetime
    type: str
    title: str
    body: str = ""
    user_id: int | None = None
    ref_kind: str = ""
    ref_id: int | None = None
