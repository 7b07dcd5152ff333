"""The request context `ctx`: one object passed down to services and hooks, no globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar.di import NamedDependency
from sqlalchemy.orm import Session

from kht.config import Settings
from kht.db.base import utcnow
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

    @property
    def hook(self) -> Any:
        """The pluggy hook relay of the enabled plugins."""
        return self.plugins.pm.hook

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "id", None)

    def now(self) -> datetime:
        return self.clock()

    def fire(self, event: Event) -> None:
        """Fire a lifecycle event to every enabled plugin inside the current transaction."""
        self.hook.kht_on_event(ctx=self, event=event)


# A route handler's parameter `ctx: RequestCtx` receives the request's Ctx.
RequestCtx = NamedDependency[Ctx]
