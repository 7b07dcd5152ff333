"""Action API types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import update_schema
from kht.types import AwareDateTime, Ext, Id

ActionType = Literal["call", "visit", "meeting", "task", "note", "email", "sms"]
ActionStatus = Literal["planned", "done", "cancelled"]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=20000)]
Short = Annotated[str, msgspec.Meta(max_length=300)]
# Users taking part besides the owner; they see the action in their agenda and calendar.
ParticipantIds = Annotated[list[int], msgspec.Meta(max_length=50)]


class ActionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new action about a record (`kind` + `record_id`, e.g. customer 12)."""

    kind: str
    record_id: Id
    type: ActionType = "note"
    subject: Subject
    body: Text = ""
    status: ActionStatus = "done"
    due_at: AwareDateTime | None = None
    outcome: Short = ""
    next_step: Short = ""
    meeting_url: Annotated[str, msgspec.Meta(max_length=500)] = ""
    # Minutes, 5 to a day; None: the default length of its type (an hour for a meeting).
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=1440)] | None = None
    remind_at: AwareDateTime | None = None
    participant_ids: ParticipantIds = []
    ext: Ext = {}


ActionUpdate = update_schema(
    ActionCreate,
    "ActionUpdate",
    "A partial update of an action (what it is about stays); `version` as shown.",
    drop=("kind", "record_id"),
)


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
    duration_minutes: int | None
    remind_at: datetime | None
    reminded_at: datetime | None
    participant_ids: list[int]
    owner_id: int | None
    version: int
    ext: Ext
    created_at: datetime


class TimelineItem(msgspec.Struct, kw_only=True):
    """One entry of a record's timeline: an action, a stage change, a mail (later)."""

    at: datetime
    type: str
    title: str
    body: str = ""
    user_id: int | None = None
    ref_kind: str = ""
    ref_id: int | None = None


class Agenda(msgspec.Struct, kw_only=True):
    """A user's planned actions: overdue, due today (in their time zone), the next 7 days."""

    overdue: list[ActionOut]
    today: list[ActionOut]
    upcoming: list[ActionOut]


class CalendarEvent(msgspec.Struct, kw_only=True):
    """One action as a FullCalendar event (the field names FullCalendar reads)."""

    id: str
    title: str
    start: datetime
    end: datetime
    url: str
    color: str
    type: str
    status: str
    action_id: int
    owner_id: int | None


class NotificationOut(msgspec.Struct, kw_only=True):
    id: int
    title: str
    body: str
    url: str
    kind: str
    record_id: int | None
    created_at: datetime
    read_at: datetime | None
