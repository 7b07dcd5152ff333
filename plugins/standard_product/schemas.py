"""The pack's settings: the target profile, the nurture threshold and the routing rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec

Threshold = Annotated[int, msgspec.Meta(ge=0, le=100)]
TagName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Routing = Literal["none", "round_robin", "territory"]


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the company sets on /standard_product/settings (or the API's PUT).

    The `target_*` lists are the ideal customer profile (keys of the pack's field choices,
    such as `instruments`); a lead scoring `threshold` or more is routed to a rep, one below
    it is tagged `nurture_tag`.
    `routing`: `round_robin` over `reps`, or `territory` (`territories` maps a province to a
    rep; a province without a rep falls back to round robin), or `none`.
    `revenue_target`: the order total of the last 12 months that earns a customer the full
    30 revenue points of the customer value (a decimal string in the API).
    """

    target_industries: list[str] = []
    target_sizes: list[str] = []
    target_timeframes: list[str] = []
    target_budgets: list[str] = []
    target_products: list[str] = []
    threshold: Threshold = 60
    nurture_tag: TagName = "培育中"
    routing: Routing = "round_robin"
    reps: list[int] = []
    territories: dict[str, int] = {}
    revenue_target: Decimal = Decimal("1000000")
