"""The request context `ctx`: one object passed down to services and hooks, no globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar.di import NamedDependency
from sqlalchemy.orm import Session

from kht import clock
from kht.config import Settings
from kht.db.base import utcnow
from kht.db.stamps import bind_clock
from kht.events import Event
from kht.plugins import Plugins


@dataclass
class Ctx:
    """Session (one transaction per request), acting user, settings, clock and plugins."""

    session: Session
    settings: Settings
    plugins: Plugins
    user: Any = None
    language: str = "zh_CN"
    clock: Callable[[], datetime] = utcnow
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Rows' default times (created_at, updated_at, audit `at`) follow this clock.
        bind_clock(self.session, self.now)

    @property
    def hook(self) -> Any:
        """The pluggy hook relay of the enabled plugins."""
        return self.plugins.pm.hook

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "id", None)

    def now(self) -> datetime:
        """The current instant (UTC); tests freeze it."""
        return self.clock()

    @property
    def zone(self) -> ZoneInfo:
        """The acting user's time zone (Asia/Shanghai without a user or a known zone)."""
        return clock.zone_of(self.user)

    def local(self, value: datetime | None = None) -> datetime:
        """`value` (default: now) on the acting user's wall clock."""
        return clock.local(self.now() if value is None else value, self.zone)

    def today(self) -> date:
        """Today's date for the acting user: every default date and "today" uses this."""
        return self.local().date()

    def day_start(self, day: date) -> datetime:
        """The UTC instant the user's `day` begins (for comparing with stored times)."""
        return clock.midnight(day, self.zone)

    def period(self, period: clock.Period, day: date | None = None) -> tuple[datetime, datetime]:
        """[start, end) of the user's day, week, month, quarter or year holding `day`
        (default: today), as UTC instants for queries."""
        first = clock.period_start(period, self.today() if day is None else day)
        return self.day_start(first), self.day_start(clock.period_after(period, first))

    def fire(self, event: Event) -> None:
        """Fire a lifecycle event to every enabled plugin inside the current transaction."""
        self.hook.kht_on_event(ctx=self, event=event)


# A route handler's parameter `ctx: RequestCtx` receives the request's Ctx.
RequestCtx = NamedDependency[Ctx]
