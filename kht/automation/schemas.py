"""The automation API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Condition = Annotated[str, msgspec.Meta(min_length=3, max_length=300)]


class TriggerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`type` is a trigger key (`record_created`, `date_anniversary`, a plugin's …)."""

    type: Key
    params: dict[str, Any] = {}


class ActionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`type` is an action key (`plan_action`, `notify`, `set_field`, …)."""

    type: Key
    params: dict[str, Any] = {}


class RuleCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A rule: on `trigger`, for records of `kind` matching every condition
    (`field:op:value`, as list filters; `owner.department:in:<ids>`), do `actions`."""

    name: Name
    kind: Key
    trigger: TriggerIn
    conditions: Annotated[list[Condition], msgspec.Meta(max_length=20)] = []
    actions: Annotated[list[ActionIn], msgspec.Meta(min_length=1, max_length=10)]
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    enabled: bool = True


class RuleUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: Key | msgspec.UnsetType = msgspec.UNSET
    trigger: TriggerIn | msgspec.UnsetType = msgspec.UNSET
    conditions: Annotated[list[Condition], msgspec.Meta(max_length=20)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    actions: (
        Annotated[list[ActionIn], msgspec.Meta(min_length=1, max_length=10)] | msgspec.UnsetType
    ) = msgspec.UNSET
    note: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET


class RuleOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    note: str
    kind: str
    enabled: bool
    trigger: TriggerIn
    conditions: list[str]
    actions: list[ActionIn]
    # The rule in words, in the reader's language.
    description: str
    version: int
    created_at: datetime
    updated_at: datetime


class RunOut(msgspec.Struct, kw_only=True):
    id: int
    rule_id: int
    kind: str
    record_id: int
    occurrence: str
    depth: int
    status: str
    attempts: int
    next_attempt_at: datetime | None
    done: list[Any]
    error: str
    created_at: datetime
    finished_at: datetime | None


class PreviewItem(msgspec.Struct, kw_only=True):
    record_id: int
    title: str
    occurrence: str
    # Whether this occurrence already ran (a time rule fires once per occurrence).
    already_run: bool


class PreviewOut(msgspec.Struct, kw_only=True):
    items: list[PreviewItem]
    total: int
    # True for a time rule (these records are due now); false for an event rule (these
    # records would run if the event happened to them now).
    timed: bool
