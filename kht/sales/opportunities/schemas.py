"""Opportunity API types: amounts travel as decimal strings ("1234.50")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from kht.types import Id, Version

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=300)]
Text = Annotated[str, msgspec.Meta(max_length=20000)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
ForecastCategory = Literal["pipeline", "best_case", "commit", "omitted"]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class OpportunityCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new opportunity; without `process_id` the product line's (or default) process is
    used, without `stage_id` its first stage; without `owner_id` the acting user owns it."""

    name: Name
    customer_id: Id
    amount: Decimal = Decimal("0.00")
    currency: Currency = "CNY"
    expected_close: date | None = None
    process_id: Id | None = None
    stage_id: Id | None = None
    owner_id: Id | None = None
    contact_id: Id | None = None
    product_line_id: Id | None = None
    forecast_category: ForecastCategory = "pipeline"
    # The competitors in the running (kht.competitors records).
    competitor_ids: list[Id] = []
    source: Annotated[str, msgspec.Meta(max_length=40)] = ""
    lead_id: Id | None = None
    campaign_id: Id | None = None
    description: Text = ""
    ext: dict[str, dict[str, Any]] = {}


class OpportunityUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial update carrying the `version` shown (409 when stale). Stage moves and
    closing go through their own endpoints, which check the gates."""

    version: Version
    name: Name | Unset = UNSET
    amount: Decimal | Unset = UNSET
    currency: Currency | Unset = UNSET
    expected_close: date | None | Unset = UNSET
    contact_id: Id | None | Unset = UNSET
    product_line_id: Id | None | Unset = UNSET
    forecast_category: ForecastCategory | Unset = UNSET
    competitor_ids: list[Id] | Unset = UNSET
    source: Annotated[str, msgspec.Meta(max_length=40)] | Unset = UNSET
    description: Text | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class StageMove(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move to `stage_id` (of the same process); `version` as shown on the board."""

    stage_id: Id
    version: Version
    cause: Short = ""
    # Moving a won or lost opportunity reopens it: only with this flag (409 otherwise).
    reopen: bool = False


class CloseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Close as won or lost, with the reason (a lost opportunity needs one)."""

    won: bool
    version: Version
    reason: Short = ""
    # Turning a won opportunity into lost (or back) reopens it: only with this flag.
    reopen: bool = False


class OpportunityOut(msgspec.Struct, kw_only=True):
    """An opportunity as the API returns it."""

    id: int
    name: str
    customer_id: int
    contact_id: int | None
    process_id: int
    stage_id: int
    stage_key: str
    stage_entered_at: datetime
    status: str
    amount: Decimal
    currency: str
    probability: int
    forecast_category: str
    expected_close: date | None
    closed_at: datetime | None
    close_reason: str
    # The names of its competitors (kept in step with `competitor_ids`), and their ids.
    competitors: str
    competitor_ids: list[int]
    source: str
    lead_id: int | None
    campaign_id: int | None
    product_line_id: int | None
    department_id: int | None
    owner_id: int | None
    description: str
    version: int
    ext: dict[str, dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class StageStay(msgspec.Struct, kw_only=True):
    """One stay in a stage (the stage history)."""

    stage_id: int
    stage_name_zh: str
    stage_name_en: str
    probability: int
    amount: Decimal
    entered_at: datetime
    left_at: datetime | None
    seconds_in_stage: int | None
    user_id: int | None
    cause: str


class BoardCard(msgspec.Struct, kw_only=True):
    id: int
    name: str
    customer_id: int
    customer_name: str
    amount: Decimal
    currency: str
    owner_id: int | None
    expected_close: date | None
    version: int


class BoardColumn(msgspec.Struct, kw_only=True):
    stage_id: int
    key: str
    name_zh: str
    name_en: str
    probability: int
    outcome: str
    count: int
    amount: Decimal
    cards: list[BoardCard]


class Board(msgspec.Struct, kw_only=True):
    process_id: int
    columns: list[BoardColumn]
