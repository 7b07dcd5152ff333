"""API types of competitors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Ext

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]
PricePositioning = Literal["", "low", "mid", "high"]


class CompetitorCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new competitor; its name is unique (ignoring case) among live competitors."""

    name: Name
    products: LongText = ""
    price_positioning: PricePositioning = ""
    strengths: LongText = ""
    weaknesses: LongText = ""
    ext: Ext = {}


CompetitorUpdate = update_schema(
    CompetitorCreate, "CompetitorUpdate", "A partial update of a competitor."
)


class CompetitorOut(RecordOut, kw_only=True):
    name: str
    products: str
    price_positioning: str
    strengths: str
    weaknesses: str
    owner_id: int | None
    tags: list[str]
    deleted_at: datetime | None
