"""Telling administrators that a webhook subscription was disabled (under the bell)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kht.actions.models import Notification
from kht.auth.models import Role, User
from kht.web.i18n import N_, translations
from kht.webhooks.models import WebhookSubscription

TITLE = N_("Webhook %(name)s was disabled")
BODY = N_(
    "Its receiver failed %(count)s deliveries in a row. Check it, send a test, then enable it "
    "again."
)


def administrators(session: Session) -> list[User]:
    """Active users who manage webhooks (superusers and roles granting `users: admin`)."""
    roles = [
        role.id
        for role in session.scalars(select(Role))
        if "admin" in ((role.grants or {}).get("users") or {}).get("ops", [])
    ]
    query = select(User).where(User.active, or_(User.is_admin, User.role_id.in_(roles)))
    return list(session.scalars(query.order_by(User.id)))


def notify_disabled(session: Session, webhook_id: int, now: datetime) -> None:
    """A notification for every administrator, linking to the subscription's page."""
    row = session.get(WebhookSubscription, webhook_id)
    if row is None:
        return
    for user in administrators(session):
        gettext = translations(user.language or "zh_CN").gettext
        session.add(
            Notification(
                user_id=user.id,
                title=(gettext(TITLE) % {"name": row.name})[:300],
                body=gettext(BODY) % {"count": row.failures},
                url=f"/admin/webhooks/{row.id}",
                kind="webhook",
                record_id=row.id,
                created_at=now,
            )
        )
