"""SMS on a record's timeline: every template SMS queued to the record, with its status."""

from __future__ import annotations

from sqlalchemy import select

from kht.actions.schemas import TimelineItem
from kht.context import Ctx
from kht.sms.models import SmsMessage, SmsTemplate
from kht.web.i18n import N_, translations

STATUS = {
    "queued": N_("Waiting to be sent"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
    "opted_out": N_("Opted out"),
}


def sms_items(ctx: Ctx, kind: str, record_id: int, limit: int) -> list[TimelineItem]:
    """The newest SMS about a record the caller can see (the timeline's caller checked it):
    the template's name, the number and the status in the reader's language."""
    gettext = translations(ctx.language).gettext
    rows = ctx.session.execute(
        select(SmsMessage, SmsTemplate.name)
        .outerjoin(SmsTemplate, SmsTemplate.id == SmsMessage.template_id)
        .where(SmsMessage.kind == kind, SmsMessage.record_id == record_id)
        .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
        .limit(limit)
    ).all()
    return [
        TimelineItem(
            at=message.created_at,
            type="sms",
            title=name or message.template_code,
            body=f"{message.number} · {gettext(STATUS.get(message.status, message.status))}",
            user_id=message.created_by_id,
            ref_kind="sms",
            ref_id=message.id,
        )
        for message, name in rows
    ]
