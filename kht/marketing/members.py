"""Campaign members: the target segment frozen at launch, then each member's status.

Statuses come by hand or import (offline channels) and automatically from sends and
tracking (`advance`): an automatic update only moves a member forward along the funnel,
except unsubscribed and bounced, which always win.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from kht import record_service as records
from kht.audit.service import record_action
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.leads.models import Lead
from kht.lists.service import get_view, view_filters
from kht.marketing.models import MEMBER_STATUSES, Campaign, CampaignMember
from kht.marketing.service import KIND, MODULE, SPEC, get_campaign
from kht.records import record_kind

FINAL = ("unsubscribed", "bounced")
RESPONDED = ("responded", "registered", "attended", "converted")
RANK = {status: index for index, status in enumerate(MEMBER_STATUSES)}


def _identity(record: Any) -> dict[str, str]:
    return {"name": str(getattr(record, "name", "") or "")[:200], "email": record.email or ""}


def launch(ctx: Ctx, campaign_id: int, *, version: int) -> int:
    """Freeze the campaign's segment (the records of its saved view the launching user can
    see) into its member list, once; returns how many members it has."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    if campaign.launched_at is not None:
        raise Conflict("the campaign was launched already", "version")
    if campaign.segment_view_id is None:
        raise ValidationError("choose a target segment before launching", "segment_view_id")
    try:
        view = get_view(ctx, campaign.segment_view_id)
    except NotFound:
        raise ValidationError(
            "the target segment is not visible to you", "segment_view_id"
        ) from None
    spec = record_kind(ctx, view.kind)
    query = spec.query(ctx, filters=view_filters(view)).with_only_columns(
        spec.model.id, spec.model.name, spec.model.email
    )
    rows = [
        {"campaign_id": campaign.id, "kind": view.kind, "record_id": row.id, **_identity(row)}
        for row in ctx.session.execute(query)
    ]
    rows = _new_only(ctx, campaign.id, view.kind, rows)
    if rows:
        now = ctx.now()
        ctx.session.execute(
            insert(CampaignMember),
            [{**row, "status": "targeted", "updated_at": now} for row in rows],
        )
    records.update_record(ctx, SPEC, campaign, version, {"launched_at": ctx.now()})
    return member_count(ctx, campaign.id)


def _new_only(
    ctx: Ctx, campaign_id: int, kind: str, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    known = set(
        ctx.session.scalars(
            select(CampaignMember.record_id).where(
                CampaignMember.campaign_id == campaign_id, CampaignMember.kind == kind
            )
        )
    )
    return [row for row in rows if row["record_id"] not in known]


def member_count(ctx: Ctx, campaign_id: int) -> int:
    query = select(func.count()).where(CampaignMember.campaign_id == campaign_id)
    return int(ctx.session.scalar(query) or 0)


def set_member(
    ctx: Ctx, campaign_id: int, kind: str, record_id: int, status: str
) -> CampaignMember:
    """Add a lead, contact or customer the user can see to the campaign, or set their status
    by hand (any status: offline channels report what happened). Audited on the campaign."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    if status not in RANK:
        raise ValidationError(f"unknown status {status!r}", "status")
    try:
        record = record_kind(ctx, kind).get(ctx, record_id)
    except NotFound:
        raise ValidationError(f"{kind} {record_id} not found", "record_id") from None
    member = _member(ctx, campaign.id, kind, record_id)
    if member is None:
        member = CampaignMember(
            campaign_id=campaign.id, kind=kind, record_id=record_id, **_identity(record)
        )
        ctx.session.add(member)
    old = member.status
    member.status, member.updated_at = status, ctx.now()
    _responded(ctx, member)
    ctx.session.flush()
    changes = {"member": [None, member.name or f"#{record_id}"], "member_status": [old, status]}
    record_action(ctx, KIND, campaign.id, "member", changes)
    return member


def _responded(ctx: Ctx, member: CampaignMember) -> None:
    """A lead that responds becomes the campaign's lead (unless another campaign has it)."""
    if member.kind == "lead" and member.status in RESPONDED:
        lead = ctx.session.get(Lead, member.record_id)
        if lead is not None and lead.campaign_id is None:
            lead.campaign_id = member.campaign_id


def _member(ctx: Ctx, campaign_id: int, kind: str, record_id: int) -> CampaignMember | None:
    return ctx.session.scalar(
        select(CampaignMember).where(
            CampaignMember.campaign_id == campaign_id,
            CampaignMember.kind == kind,
            CampaignMember.record_id == record_id,
        )
    )


def advance(ctx: Ctx, campaign_id: int, email: str, status: str) -> int:
    """Move the members of a campaign with this address to `status` if that is further along
    (unsubscribed and bounced always apply); for sends and tracking. Returns how many moved."""
    return _advance(
        ctx, campaign_id, func.lower(CampaignMember.email) == email.strip().lower(), status
    )


def advance_record(ctx: Ctx, campaign_id: int, kind: str, record_id: int, status: str) -> int:
    """`advance` for the member that is this record (an SMS goes to a record's number)."""
    return _advance(
        ctx,
        campaign_id,
        (CampaignMember.kind == kind) & (CampaignMember.record_id == record_id),
        status,
    )


def _advance(ctx: Ctx, campaign_id: int, which: Any, status: str) -> int:
    if status not in RANK:
        raise ValidationError(f"unknown status {status!r}", "status")
    moved = 0
    query = select(CampaignMember).where(CampaignMember.campaign_id == campaign_id, which)
    for member in ctx.session.scalars(query):
        if member.status in FINAL:
            continue
        if status in FINAL or RANK[status] > RANK[member.status]:
            member.status, member.updated_at = status, ctx.now()
            _responded(ctx, member)
            moved += 1
    ctx.session.flush()
    return moved


def members_of(
    ctx: Ctx, campaign_id: int, *, page: int = 1, page_size: int = 50, q: str = ""
) -> tuple[list[CampaignMember], int]:
    """A page of a campaign's members (in the caller's scope of the campaign), those whose
    name or address contains `q` when given (the check-in desk's search)."""
    get_campaign(ctx, campaign_id)
    query = select(CampaignMember).where(CampaignMember.campaign_id == campaign_id)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(
            func.lower(CampaignMember.name).like(like) | func.lower(CampaignMember.email).like(like)
        )
    rows = ctx.session.scalars(
        query.order_by(CampaignMember.id).offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows), member_count(ctx, campaign_id)


def status_counts(ctx: Ctx, campaign_id: int) -> dict[str, int]:
    """How many members are in each status (every status present, zero when none)."""
    counts = dict.fromkeys(MEMBER_STATUSES, 0)
    query = (
        select(CampaignMember.status, func.count())
        .where(CampaignMember.campaign_id == campaign_id)
        .group_by(CampaignMember.status)
    )
    counts.update({status: int(n) for status, n in ctx.session.execute(query)})
    return counts


__all__ = [
    "Campaign",
    "advance",
    "advance_record",
    "launch",
    "members_of",
    "set_member",
    "status_counts",
]
