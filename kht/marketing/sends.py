"""A campaign's own sends: mail and SMS to its members through mass mail and mass SMS, and
the members moved by what happens to them.

Both sends carry the origin `campaign:<id>`; the hooks `kht_on_mail_status` and
`kht_on_sms_status` hand it back with every change, and `on_mail_status` / `on_sms_status`
move the member forward (kht.marketing.members: forward only, except unsubscribed and
bounced, which always win). A mail change finds its members by address, an SMS change by
its record (a number is not a member's column).
"""

from __future__ import annotations

from typing import Any

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.service import get_view
from kht.marketing.members import advance, advance_record
from kht.marketing.models import Campaign
from kht.marketing.service import MODULE, get_campaign

ORIGIN = "campaign:"
# What a mass mail recipient's change means for the campaign member with that address (a
# refused or failed mail, or a suppressed address, leaves the member where it is).
MAIL_STATUSES = {
    "sent": "sent",
    "opened": "opened",
    "clicked": "clicked",
    "bounced": "bounced",
    "complained": "unsubscribed",
    "unsubscribed": "unsubscribed",
}
# What an SMS change means for the member it went to (a refusal by the carrier, a number
# at its daily limit or parameters that could not be filled leave the member where it is).
SMS_STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "bounced",
    "opted_out": "unsubscribed",
    "replied": "responded",
}


def _launched(ctx: Ctx, campaign_id: int, channel: str) -> tuple[Campaign, Any]:
    """The campaign (the `edit` operation on campaigns) and its segment's saved view; 422
    naming `status` before the launch, `segment_view_id` for a segment the user cannot
    see."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    if campaign.launched_at is None or campaign.segment_view_id is None:
        raise ValidationError(f"launch the campaign to its segment before {channel}", "status")
    try:
        return campaign, get_view(ctx, campaign.segment_view_id)
    except NotFound:
        raise ValidationError(
            "the target segment is not visible to you", "segment_view_id"
        ) from None


def send_mail(ctx: Ctx, campaign_id: int, template_id: int, account_id: int | None = None) -> Any:
    """Mail the launched campaign's members (of its segment's kind, the member list frozen
    at launch plus those added since) with a mail template through mass mail (kht.mail.mass:
    batched, tracked, unsubscribe and suppression honoured), within the sender's scope. The
    send's origin is the campaign, so its sends, opens, clicks, bounces and unsubscribes move
    the members with those addresses (`on_mail_status`). Returns the mass send."""
    from kht.mail.mass import send_mass
    from kht.mail.schemas import MassSendIn

    campaign, view = _launched(ctx, campaign_id, "mailing it")
    data = MassSendIn(
        template_id=template_id,
        kind=view.kind,
        campaign_id=campaign.id,
        account_id=account_id,
        name=campaign.name[:200],
    )
    return send_mass(ctx, data, origin=f"{ORIGIN}{campaign.id}")


def send_sms(
    ctx: Ctx,
    campaign_id: int,
    template_id: int,
    *,
    kind: str | None = None,
    rate_per_minute: int | None = None,
) -> Any:
    """Text the launched campaign's members of `kind` (default: its segment's kind) with an
    SMS template through mass SMS (kht.sms.mass: the worker's batches, quiet hours, opt-outs
    and the daily limit honoured), within the sender's scope and SMS right. The send's
    origin is the campaign, so its sends, receipts, opt-outs and replies move the members
    (`on_sms_status`). Returns the mass SMS; no member with a number is a 422 naming
    `campaign_id`."""
    from kht.sms.mass import send_mass
    from kht.sms.schemas import MassIn

    campaign, view = _launched(ctx, campaign_id, "texting it")
    data = MassIn(
        template_id=template_id,
        kind=kind or view.kind,  # type: ignore[arg-type]
        campaign_id=campaign.id,
        name=campaign.name[:200],
        rate_per_minute=rate_per_minute,
    )
    return send_mass(ctx, data, origin=f"{ORIGIN}{campaign.id}")


def _campaign_of(origin: str) -> int | None:
    number = origin.removeprefix(ORIGIN) if origin.startswith(ORIGIN) else ""
    return int(number) if number.isdigit() else None


def on_mail_status(ctx: Ctx, change: Any) -> int:
    """Move the members of the campaign a mass mail was sent for (origin `campaign:<id>`)
    along with its recipient's status; other sends are not the campaign's business."""
    campaign, status = _campaign_of(change.origin), MAIL_STATUSES.get(change.status)
    if campaign is None or status is None:
        return 0
    return advance(ctx, campaign, change.email, status)


def on_sms_status(ctx: Ctx, change: Any) -> int:
    """Move the member a campaign's SMS went to (origin `campaign:<id>`, by its record):
    sent, delivered, undelivered (bounced), opted out (unsubscribed), replied (responded)."""
    campaign, status = _campaign_of(change.origin), SMS_STATUSES.get(change.status)
    if campaign is None or status is None or change.record_id is None:
        return 0
    return advance_record(ctx, campaign, change.kind, change.record_id, status)
