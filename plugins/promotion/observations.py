"""Competitor observations: at an outlet visit a rep records what they saw of a competitor
(the core's shared competitor records) — present or not, the product, its shelf price, its
share of the shelf, an activity (promotion, new product, display) — with photos cleaned like
the visit's. Stored one row each, with territory, region and outlet type copied in, so the
report engine groups them by territory, region, competitor and month.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kht.competitors.service import competitor_named, competitor_names, get_competitor
from kht.files.service import list_files, upload
from kht.plugin_api import (
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    NotFound,
    RecordKind,
    RecordPages,
    ValidationError,
    create_record,
    get_record,
    require_change,
    visible,
)
from plugins.promotion import photos
from plugins.promotion.models import CompetitorObservation, Outlet
from plugins.promotion.schemas import (
    ObservationCreate,
    ObservationIn,
    ObservationOut,
    ValueUpdate,
)
from plugins.promotion.service import MODULE, outlet_names, region_of, territory_names
from plugins.promotion.visits import VISITS, get_visit

OBSERVATION_KIND = "promotion_competitor_observation"
MAX_PRICE = Decimal(100000)
HUNDRED = Decimal(100)


def record_observation(ctx: Ctx, visit_id: int, data: ObservationIn) -> CompetitorObservation:
    """Store what was seen of a competitor at the visit's outlet (checked in first, 409
    otherwise). The competitor is `competitor_id` (a live one, else 422 naming it) or found
    by `competitor_name`, added when none has that name (the `competitors` create right);
    a competitor not present has no price, shelf share or activity (422 naming the field)."""
    visit = get_visit(ctx, visit_id)
    require_change(ctx, VISITS, visit)
    if visit.status not in ("in_store", "done"):
        raise Conflict("check in before recording competitors", "status")
    _check(data)
    competitor = _competitor(ctx, data)
    outlet = ctx.session.get(Outlet, visit.outlet_id)
    day = ctx.local(visit.checkin_at).date() if visit.checkin_at else ctx.today()
    values = {
        "visit_id": visit.id,
        "outlet_id": outlet.id,
        "territory_id": outlet.territory_id,
        "region_id": region_of(ctx).get(outlet.territory_id) if outlet.territory_id else None,
        "outlet_type": outlet.outlet_type,
        "competitor_id": competitor,
        "observed_on": day,
        "product": data.product.strip(),
        "present": data.present,
        "price": data.price,
        "shelf_share": data.shelf_share,
        "activity": data.activity,
        "note": data.note.strip(),
        "ext": getattr(data, "ext", {}) or {},
    }
    return create_record(ctx, OBSERVATIONS, values, owner_id=visit.owner_id)


def create_observation(ctx: Ctx, data: ObservationCreate) -> CompetitorObservation:
    """The API's create (POST /api/v1/competitor-observations): an observation at a visit."""
    return record_observation(ctx, data.visit_id, data)


def _check(data: ObservationIn) -> None:
    if not data.present:
        for name, what in (
            ("price", "price"),
            ("shelf_share", "shelf share"),
            ("activity", "activity"),
        ):
            if getattr(data, name) not in (None, ""):
                raise ValidationError(f"a competitor not on the shelf has no {what}", name)
    if data.price is not None and (not data.price.is_finite() or not 0 <= data.price <= MAX_PRICE):
        raise ValidationError(f"the price is from 0 to {MAX_PRICE}", "price")
    share = data.shelf_share
    if share is not None and (not share.is_finite() or not 0 <= share <= HUNDRED):
        raise ValidationError("the shelf share is a percentage from 0 to 100", "shelf_share")


def _competitor(ctx: Ctx, data: ObservationIn) -> int:
    if data.competitor_id is not None:
        try:
            return get_competitor(ctx, data.competitor_id).id
        except NotFound:
            raise ValidationError(
                f"competitor {data.competitor_id} does not exist", "competitor_id"
            ) from None
    name = data.competitor_name.strip()
    if not name:
        raise ValidationError("choose a competitor or type its name", "competitor_id")
    return competitor_named(ctx, name, create=True).id


def add_photo(ctx: Ctx, observation_id: int, filename: str, data: bytes) -> Any:
    """A photo of what was seen, cleaned like the visit's (resized, no EXIF) and attached to
    the observation; 422 naming `photo` when it is not an image."""
    observation = get_observation(ctx, observation_id)
    clean = photos.cleaned(data)
    stem = (filename or "photo").rsplit(".", 1)[0][:80] or "photo"
    file = upload(ctx, OBSERVATION_KIND, observation.id, f"{stem}.jpg", clean)
    observation.photos += 1
    ctx.session.flush()
    return file


def get_observation(ctx: Ctx, observation_id: int) -> CompetitorObservation:
    """An observation in the caller's scope (404 otherwise)."""
    return get_record(ctx, OBSERVATIONS, observation_id)


def photos_of(ctx: Ctx, observation_id: int) -> list[Any]:
    return list_files(ctx, OBSERVATION_KIND, observation_id)


def of_visit(ctx: Ctx, visit_id: int) -> list[CompetitorObservation]:
    """The observations made at a visit (in scope), in the order they were made."""
    get_visit(ctx, visit_id)
    query = visible(ctx, OBSERVATIONS).where(CompetitorObservation.visit_id == visit_id)
    return list(ctx.session.scalars(query.order_by(CompetitorObservation.id)))


def of_competitor(ctx: Ctx, competitor_id: int, limit: int = 20) -> list[CompetitorObservation]:
    """The latest sightings of a competitor in the caller's scope."""
    query = visible(ctx, OBSERVATIONS).where(CompetitorObservation.competitor_id == competitor_id)
    order = (CompetitorObservation.observed_on.desc(), CompetitorObservation.id.desc())
    return list(ctx.session.scalars(query.order_by(*order).limit(limit)))


# ---------------------------------------------------------------------------- the kind


def _f(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


ACTIVITY_CHOICES = (
    Choice(key="promotion", label_zh="促销", label_en="Promotion"),
    Choice(key="new_product", label_zh="新品", label_en="New product"),
    Choice(key="display", label_zh="陈列", label_en="Display"),
)

FIELDS = (
    _f("observed_on", "date", "日期", "Seen on"),
    _f("competitor_id", "number", "竞争对手", "Competitor", required=True),
    _f("outlet_id", "number", "网点", "Outlet"),
    _f("territory_id", "number", "片区", "Territory"),
    _f("region_id", "number", "区域", "Region"),
    _f("outlet_type", "text", "网点类型", "Outlet type"),
    _f("product", "text", "产品", "Product"),
    _f("present", "boolean", "在售", "Present"),
    _f("price", "money", "价格", "Price"),
    _f("shelf_share", "number", "排面占比%", "Shelf share %"),
    _f("activity", "single_choice", "活动", "Activity", choices=ACTIVITY_CHOICES),
    _f("note", "text", "备注", "Note"),
    _f("photos", "number", "照片", "Photos"),
    _f("visit_id", "number", "拜访", "Visit"),
)


def labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Names for the ids the list, record page and reports show."""
    places = territory_names(ctx)
    return {"competitor_id": competitor_names(ctx), "territory_id": places, "region_id": places}


def _refs(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    ids = {row.outlet_id for row in rows if row is not None}
    return {"refs": {**labels(ctx), "outlet_id": outlet_names(ctx, ids)}}


def _detail(ctx: Ctx, record: Any) -> dict[str, Any]:
    return _refs(ctx, [record])


OBSERVATIONS = RecordKind(
    kind=OBSERVATION_KIND,
    model=CompetitorObservation,
    module=MODULE,
    label_zh="竞品观察",
    label_en="Competitor observations",
    plural="competitor-observations",
    fields=FIELDS,
    searchable=("product", "note"),
    default_sort="-observed_on",
    list_defaults=(
        "observed_on", "competitor_id", "outlet_id", "product", "price", "shelf_share",
        "activity",
    ),
    create_schema=ObservationCreate,
    update_schema=ValueUpdate,
    out_schema=ObservationOut,
    create=create_observation,
    inline_edit=False,
    pages=RecordPages(
        badge="activity",
        list_filters=("competitor_id", "territory_id", "region_id", "activity", "observed_on"),
        labels=labels,
        list_context=_refs,
        detail_context=_detail,
    ),
)  # fmt: skip
