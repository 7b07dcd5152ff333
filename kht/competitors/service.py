"""Competitors as a record kind, and the links between competitors and opportunities.

Competitors are shared records (no owner; the `competitors` permission module decides who
reads and edits them). An opportunity's competitors are links (`opportunity_competitors`);
the opportunity's `competitors` text is their names, kept in step here so that its list
column, its search box and the reports grouping by it read the same names.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, false, func, insert, select, update

from kht import record_service as records
from kht.competitors.models import Competitor, OpportunityCompetitor
from kht.competitors.schemas import CompetitorCreate, CompetitorOut, CompetitorUpdate
from kht.context import Ctx
from kht.db.custom_fields import Choice
from kht.errors import Conflict, ValidationError
from kht.fields import builtin, common
from kht.plugin_types import KindMenu, RecordKind

KIND = "competitor"
MODULE = "competitors"
# How names were separated in the free text the opportunities held before the links.
SEPARATORS = re.compile(r"[,，;；、/|\n]+")


def split_names(text: str) -> list[str]:
    """The distinct names in a free-text list ("华为, Cisco；华为" -> ["华为", "Cisco"])."""
    names: dict[str, str] = {}
    for part in SEPARATORS.split(text or ""):
        name = part.strip()[:200]
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def _same_name(ctx: Ctx, name: str, other_than: int | None = None) -> int | None:
    query = select(Competitor.id).where(
        func.lower(Competitor.name) == name.lower(), Competitor.deleted_at.is_(None)
    )
    if other_than is not None:
        query = query.where(Competitor.id != other_than)
    return ctx.session.scalar(query.limit(1))


def _clean(ctx: Ctx, values: dict[str, Any], record_id: int | None = None) -> dict[str, Any]:
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise ValidationError("name is required", "name")
        if _same_name(ctx, values["name"], record_id) is not None:
            raise ValidationError(f"a competitor named {values['name']} exists", "name")
    return values


def create_competitor(ctx: Ctx, data: CompetitorCreate) -> Competitor:
    """A new shared competitor (422 naming `name` when one of that name exists)."""
    values = _clean(ctx, records.changes_of(data))
    return records.create_record(ctx, SPEC, values, owner_id=None)


def update_competitor(ctx: Ctx, competitor_id: int, data: Any) -> Competitor:
    """A partial update (409 when stale); a new name is shown at once on its opportunities."""
    competitor = records.get_record(ctx, SPEC, competitor_id)
    if data.version != competitor.version:
        raise Conflict(f"competitor {competitor_id} was changed by someone else", "version")
    changes = _clean(ctx, records.changes_of(data), competitor_id)
    renamed = "name" in changes and changes["name"] != competitor.name
    records.update_record(ctx, SPEC, competitor, data.version, changes)
    if renamed:
        _refresh_names(ctx, _opportunities_linked(ctx, competitor_id))
    return competitor


def get_competitor(ctx: Ctx, competitor_id: int) -> Competitor:
    """One live competitor the user may view (404 otherwise)."""
    return records.get_record(ctx, SPEC, competitor_id)


def competitor_named(ctx: Ctx, name: str, *, create: bool = False) -> Competitor | None:
    """The live competitor of that name (ignoring case); with `create`, a new one when none
    is (which needs the `competitors` create right)."""
    found = _same_name(ctx, name.strip())
    if found is not None:
        return ctx.session.get(Competitor, found)
    if not create:
        return None
    return create_competitor(ctx, CompetitorCreate(name=name.strip()))


def competitor_names(ctx: Ctx) -> dict[int, str]:
    """Every live competitor's name by id, by name (for pickers and labels)."""
    rows = ctx.session.execute(
        select(Competitor.id, Competitor.name)
        .where(Competitor.deleted_at.is_(None))
        .order_by(Competitor.name, Competitor.id)
    )
    return {row.id: row.name for row in rows}


# ------------------------------------------------------------ links to opportunities


def linked_ids(ctx: Ctx, opportunity_id: int) -> list[int]:
    """The ids of an opportunity's competitors, by name. The caller checks the opportunity
    is in scope (the opportunity service does)."""
    query = (
        select(Competitor.id)
        .join(OpportunityCompetitor, OpportunityCompetitor.competitor_id == Competitor.id)
        .where(OpportunityCompetitor.opportunity_id == opportunity_id)
        .order_by(Competitor.name, Competitor.id)
    )
    return list(ctx.session.scalars(query))


def check_ids(ctx: Ctx, ids: list[int]) -> list[int]:
    """`ids` without repeats, each a live competitor (else 422 naming `competitor_ids`)."""
    wanted = list(dict.fromkeys(ids))
    live = set(
        ctx.session.scalars(
            select(Competitor.id).where(Competitor.id.in_(wanted), Competitor.deleted_at.is_(None))
        )
    )
    missing = [str(i) for i in wanted if i not in live]
    if missing:
        raise ValidationError(f"competitor {', '.join(missing)} does not exist", "competitor_ids")
    return wanted


def names_of(ctx: Ctx, ids: list[int]) -> str:
    """The names of competitors `ids`, by name, as the opportunity's `competitors` text."""
    if not ids:
        return ""
    rows = ctx.session.scalars(
        select(Competitor.name).where(Competitor.id.in_(ids)).order_by(Competitor.name)
    )
    return ", ".join(rows)[:500]


def replace_links(ctx: Ctx, opportunity_id: int, ids: list[int]) -> None:
    """Make `ids` (checked with `check_ids`) the opportunity's competitors. Only for the
    opportunity service, which audits the change as its `competitors`."""
    ctx.session.execute(
        delete(OpportunityCompetitor).where(OpportunityCompetitor.opportunity_id == opportunity_id)
    )
    if ids:
        ctx.session.execute(
            insert(OpportunityCompetitor),
            [{"opportunity_id": opportunity_id, "competitor_id": i} for i in ids],
        )


def _opportunities_linked(ctx: Ctx, competitor_id: int) -> list[int]:
    return list(
        ctx.session.scalars(
            select(OpportunityCompetitor.opportunity_id).where(
                OpportunityCompetitor.competitor_id == competitor_id
            )
        )
    )


def _refresh_names(ctx: Ctx, opportunity_ids: list[int]) -> None:
    """The derived `competitors` text of these opportunities, after a rename."""
    from kht.sales.opportunities.models import Opportunity

    for opportunity_id in opportunity_ids:
        text = names_of(ctx, linked_ids(ctx, opportunity_id))
        ctx.session.execute(
            update(Opportunity).where(Opportunity.id == opportunity_id).values(competitors=text)
        )


def to_out(ctx: Ctx, competitor: Competitor, tags: list[str]) -> CompetitorOut:
    return records.record_out(CompetitorOut, competitor, tags)


PRICE_CHOICES = (
    Choice(key="low", label_zh="低价", label_en="Below us"),
    Choice(key="mid", label_zh="相当", label_en="Like us"),
    Choice(key="high", label_zh="高价", label_en="Above us"),
)

FIELDS = (
    builtin("name", "text", "名称", "Name", required=True),
    builtin("products", "long_text", "产品", "Products"),
    builtin(
        "price_positioning",
        "single_choice",
        "价格定位",
        "Price positioning",
        choices=PRICE_CHOICES,
    ),
    builtin("strengths", "long_text", "优势", "Strengths"),
    builtin("weaknesses", "long_text", "劣势", "Weaknesses"),
    *common("created_at", "updated_at"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Competitor,
    module=MODULE,
    label_zh="竞争对手",
    label_en="Competitors",
    plural="competitors",
    menu=KindMenu(section="sales", icon="flag", order=80),
    fields=FIELDS,
    searchable=("name", "products"),
    default_sort="name",
    open_filter=false,  # shared records: a hand-over never moves competitors
    owned=False,
    list_defaults=("name", "price_positioning", "products", "updated_at"),
    create=create_competitor,
    create_schema=CompetitorCreate,
    update=update_competitor,
    update_schema=CompetitorUpdate,
    out_schema=CompetitorOut,
    to_out=to_out,
)
