"""What the delivery API reads and answers: subscriptions."""

from __future__ import annotations

from datetime import datetime

import msgspec


class SubscriptionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Mail a report (`report_key`) or, without one, the recipient's dashboard `frequency`
    (daily, weekly, monthly) to a user (`user_id`), to every user of a role (`role`), or,
    with neither, to the caller. Each recipient gets their own data."""

    frequency: str
    report_key: str = ""
    user_id: int | None = None
    role: str | None = None


class SubscriptionOut(msgspec.Struct, kw_only=True):
    """A subscription: what, how often, to whom, set up by whom."""

    id: int
    report_key: str
    title: str
    frequency: str
    user_id: int | None
    role: str | None
    created_by_id: int | None
    active: bool
    created_at: datetime
