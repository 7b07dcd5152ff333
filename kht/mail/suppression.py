"""The suppression list: addresses no mass mail goes to (unsubscribed, hard-bounced,
complained). Every mass send checks it when it picks its recipients and again when it moves
each batch to the outbox, so an address suppressed mid-send gets nothing more."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound
from kht.mail.accounts import MODULE
from kht.mail.models import Suppression

Reason = Literal["unsubscribed", "bounced", "complained"]


def suppressed(session: Session, emails: Iterable[str]) -> set[str]:
    """Those of `emails` (lower case) on the list."""
    wanted = {e.lower() for e in emails}
    if not wanted:
        return set()
    query = select(Suppression.email).where(Suppression.email.in_(wanted))
    return set(session.scalars(query))


def suppress(
    session: Session, email: str, reason: Reason, *, send_id: int | None = None, detail: str = ""
) -> bool:
    """Put `email` on the list (a second reason keeps the first); True when it is new."""
    email = email.strip().lower()
    if not email or session.scalar(select(Suppression.id).where(Suppression.email == email)):
        return False
    session.add(Suppression(email=email, reason=reason, send_id=send_id, detail=detail[:200]))
    session.flush()
    return True


def list_suppressions(
    ctx: Ctx, *, q: str = "", page: int = 1, page_size: int = 50
) -> tuple[list[Suppression], int]:
    """The list, newest first (mail administrators)."""
    require(ctx.user, MODULE, "admin")
    query = select(Suppression)
    if q.strip():
        query = query.where(Suppression.email.contains(q.strip().lower(), autoescape=True))
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = ctx.session.scalars(
        query.order_by(Suppression.id.desc()).limit(page_size).offset((page - 1) * page_size)
    )
    return list(rows), total


def lift(ctx: Ctx, email: str) -> None:
    """Take an address off the list (mail administrators; the person asked again)."""
    require(ctx.user, MODULE, "admin")
    row = ctx.session.scalar(select(Suppression).where(Suppression.email == email.lower()))
    if row is None:
        raise NotFound(f"{email} is not suppressed", "email")
    ctx.session.delete(row)
    ctx.session.flush()
