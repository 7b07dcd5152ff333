"""Campaign API types: the campaign, its stage moves, costs, members and results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Ext, Id, Notes, Version

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Code = Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9_-]{0,40}$")]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Channel = Literal["email", "sms", "event", "online_ad", "telemarketing", "direct_mail", "other"]
MemberStatus = Literal[
    "targeted",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "responded",
    "registered",
    "attended",
    "converted",
    "unsubscribed",
    "bounced",
]
Count = Annotated[int, msgspec.Meta(ge=0)]


class CampaignCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new campaign, in the first stage of the campaign process (or of `process_id`)."""

    name: Name
    channel: Channel = "other"
    code: Code = ""
    department_id: Id | None = None
    start_date: date | None = None
    end_date: date | None = None
    segment_view_id: Id | None = None
    budget: Decimal = Decimal("0.00")
    expected_response: Count = 0
    expected_revenue: Decimal = Decimal("0.00")
    parent_id: Id | None = None
    process_id: Id | None = None
    description: Notes = ""
    owner_id: Id | None = None
    ext: Ext = {}


CampaignUpdate = update_schema(
    CampaignCreate,
    "CampaignUpdate",
    "A partial update carrying the `version` shown (409 when stale); the stage moves only "
    "through `POST /api/v1/campaigns/{id}/stage`.",
    drop=("process_id", "owner_id"),
)


class CampaignOut(RecordOut, kw_only=True):
    name: str
    code: str
    channel: str
    owner_id: int | None
    department_id: int | None
    start_date: date | None
    end_date: date | None
    segment_view_id: int | None
    budget: Decimal
    expected_response: int
    expected_revenue: Decimal
    parent_id: int | None
    process_id: int
    stage_id: int
    stage_key: str
    status: str
    launched_at: datetime | None
    description: str
    tags: list[str] = []
    deleted_at: datetime | None = None


class StageMove(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move a campaign to another stage of its process (gates checked going forward)."""

    stage_id: Id
    version: Version


class Launch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Freeze the target segment into the member list (once)."""

    version: Version


class CampaignMailIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Mail the launched campaign's segment: a mail template and the account to send from
    (None: the instance's KHT_SMTP_* server)."""

    template_id: int
    account_id: int | None = None


class CampaignSmsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Text the launched campaign's members: an SMS template, the kind of members (default:
    the segment's) and the numbers a minute (default: the SMS gateway's)."""

    template_id: int
    kind: Literal["customer", "contact", "lead"] | None = None
    rate_per_minute: Annotated[int, msgspec.Meta(ge=1, le=6000)] | None = None


class CostIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A cost line: amount ≥ 0 (a negative one is a 422 naming `amount`)."""

    category: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    amount: Decimal
    spent_on: date
    supplier: Short = ""
    attachment_id: Id | None = None
    notes: Notes = ""


class CostOut(msgspec.Struct, kw_only=True):
    id: int
    campaign_id: int
    category: str
    amount: Decimal
    spent_on: date
    supplier: str
    attachment_id: int | None
    notes: str


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Add a lead, contact or customer to a campaign by hand, or set their status."""

    kind: Literal["lead", "contact", "customer"]
    record_id: Id
    status: MemberStatus = "targeted"


class CheckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A check-in code from an event registration's confirmation (scanned or typed)."""

    code: Annotated[str, msgspec.Meta(max_length=40)]


class MemberOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    record_id: int
    name: str
    email: str
    status: str
    updated_at: datetime


class MemberPage(msgspec.Struct, kw_only=True):
    items: list[MemberOut]
    total: int


class ResultsOut(msgspec.Struct, kw_only=True):
    """A campaign's money and funnel; ratios are None where their base is zero."""

    budget: Decimal
    cost: Decimal
    remaining: Decimal
    over_budget: bool
    members: int
    reached: int
    responded: int
    response_rate: Decimal | None
    leads: int
    cost_per_lead: Decimal | None
    opportunities: int
    cost_per_opportunity: Decimal | None
    won_deals: int
    cost_per_won_deal: Decimal | None
    won_revenue_first_touch: Decimal
    won_revenue_last_touch: Decimal
    roi: Decimal | None
    funnel: dict[str, int]
    # The campaign's SMS the carrier accepted, and their fees from its receipts (not added
    # to `cost`: enter the carrier's bill as a cost line).
    texts_sent: int = 0
    text_fees: Decimal = Decimal(0)
