"""Event check-in by code: a registered member's check-in code, shown as a QR code on the
registration confirmation, and checking a member in by scanning or typing it.

The code is `<member id>-<signature>`: an HMAC of the member id under the instance's secret
key, so it cannot be guessed from another member's code, needs no stored column, and a
handheld scanner (which types what it reads, then Enter) or a person can enter it at the desk.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

import segno
from markupsafe import Markup
from sqlalchemy import select

from kht.audit.service import record_action
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import ValidationError
from kht.marketing.models import Campaign, CampaignMember
from kht.marketing.service import KIND, MODULE, get_campaign

CODE = re.compile(r"^\s*(\d{1,12})-([A-Z2-7]{10})\s*$", re.IGNORECASE)


def _signature(secret: str, member_id: int) -> str:
    digest = hmac.new(secret.encode(), f"checkin:{member_id}".encode(), hashlib.sha256).digest()
    # Base32 without the look-alike-free padding: letters and digits a person can read out.
    return base64.b32encode(digest[:10]).decode()[:10]


def checkin_code(secret: str, member_id: int) -> str:
    """The member's check-in code, e.g. `42-K7QX3MZP2A`."""
    return f"{member_id}-{_signature(secret, member_id)}"


def qr_svg(code: str) -> Markup:
    """The code as an inline SVG QR code (segno writes and escapes the SVG itself)."""
    return Markup(segno.make(code, error="m").svg_inline(scale=5, title=code))  # noqa: S704


@dataclass(frozen=True)
class Confirmation:
    """What a registration confirmation shows: the event and the member's code and QR."""

    campaign_name: str
    code: str
    qr: Markup


def confirmation_for_lead(ctx: Ctx, lead_id: int) -> Confirmation | None:
    """The check-in confirmation of a lead just registered through an event's web form, or
    None (not an event, or no campaign)."""
    row = ctx.session.execute(
        select(CampaignMember.id, Campaign.name)
        .join(Campaign, Campaign.id == CampaignMember.campaign_id)
        .where(
            CampaignMember.kind == "lead",
            CampaignMember.record_id == lead_id,
            CampaignMember.status == "registered",
            Campaign.channel == "event",
            Campaign.deleted_at.is_(None),
        )
        .order_by(CampaignMember.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    code = checkin_code(ctx.settings.secret_key, row.id)
    return Confirmation(campaign_name=row.name, code=code, qr=qr_svg(code))


def check_in(ctx: Ctx, campaign_id: int, code: str) -> CampaignMember:
    """Mark the member whose code this is as attended at this campaign (the user needs the
    campaigns' edit right and the campaign in scope). A malformed or forged code, or another
    campaign's, is a 422 naming `code`; checking in twice is harmless. Audited."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    found = CODE.match(code or "")
    if found is None:
        raise ValidationError("this is not a check-in code", "code")
    member_id, signature = int(found.group(1)), found.group(2).upper()
    if not hmac.compare_digest(signature, _signature(ctx.settings.secret_key, member_id)):
        raise ValidationError("this check-in code is not valid", "code")
    member = ctx.session.get(CampaignMember, member_id)
    if member is None or member.campaign_id != campaign.id:
        raise ValidationError("this check-in code is for another event", "code")
    if member.status in ("unsubscribed", "bounced", "attended", "converted"):
        # Already in (or further along): checking in again changes nothing.
        return member
    old = member.status
    member.status, member.updated_at = "attended", ctx.now()
    ctx.session.flush()
    record_action(
        ctx, KIND, campaign.id, "member", {f"{member.kind}:{member.record_id}": [old, "attended"]}
    )
    return member
