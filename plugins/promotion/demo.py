"""Demo data of the pack (`kht demo`): 清泉饮品, a beverage company with a territory tree
(华东 / 华南 → cities → districts), 2,000 outlets around the districts' centres, its reps, a
month of approved daily plans with check-ins (most in radius, some not, a few unplanned),
photos, store audits, competitor sightings, reported sell-through, and two in-store
promotions with claims.

The outlets' customers come in through the core's customer import (its batched path); the
pack's own rows are written set-based (executemany). Idempotent: a second run finds the
outlets and adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

from PIL import Image
from sqlalchemy import func, insert, select, update

from kht.competitors.schemas import CompetitorCreate
from kht.competitors.service import competitor_named, create_competitor
from kht.customers.service import scoped_query
from kht.files.service import upload
from kht.importing.schemas import RunIn
from kht.importing.service import run
from kht.importing.service import upload as upload_import
from kht.plugin_api import Ctx
from plugins.promotion import promotions
from plugins.promotion.models import (
    AuditValue,
    CompetitorObservation,
    CostClaim,
    Outlet,
    OutletSale,
    Promotion,
    PromotionOutlet,
    Territory,
    Visit,
    VisitPlan,
)
from plugins.promotion.observations import OBSERVATION_KIND
from plugins.promotion.service import region_of, rep_names

OUTLETS = 2000
MAIL_HOST = "outlets.demo.example.com"
# (region, city, district, latitude, longitude) of each district's centre.
DISTRICTS = (
    ("华东", "上海", "静安", 31.229, 121.448),
    ("华东", "上海", "徐汇", 31.188, 121.437),
    ("华东", "上海", "浦东", 31.221, 121.544),
    ("华东", "杭州", "西湖", 30.259, 120.130),
    ("华东", "杭州", "上城", 30.242, 120.169),
    ("华南", "广州", "天河", 23.125, 113.361),
    ("华南", "广州", "越秀", 23.129, 113.267),
    ("华南", "深圳", "南山", 22.533, 113.930),
    ("华南", "深圳", "福田", 22.541, 114.055),
)
TYPES = (
    ("convenience", 40, "便利店"),
    ("supermarket", 20, "超市"),
    ("restaurant", 15, "餐饮店"),
    ("pharmacy", 10, "药房"),
    ("wholesaler", 8, "批发部"),
    ("hospital", 4, "医院小卖部"),
    ("other", 3, "商店"),
)
CHAINS = ("", "", "罗森", "全家", "7-Eleven", "华润万家", "联华", "美宜佳", "大参林")
SIZES = {"supermarket": 900, "wholesaler": 1200, "convenience": 300, "restaurant": 200}


def load_demo(ctx: Ctx, size: int = OUTLETS, seed: int = 21, days: int = 30) -> int:
    """Add the company's outlets and their month unless they are there; returns how many
    outlets were added."""
    if ctx.session.scalar(select(func.count()).select_from(Outlet)):
        return 0
    rng = random.Random(seed)
    reps = [user for user in rep_names(ctx) if user != ctx.user_id] or [ctx.user_id]
    districts = _territories(ctx, reps)
    outlets = _outlets(ctx, rng, size, districts)
    if not outlets:
        return 0
    today = ctx.today()
    _sales(ctx, rng, outlets, today, 75)
    _month(ctx, rng, outlets, today, days)
    _sightings(ctx, rng)
    _promotions(ctx, rng, outlets, today)
    return len(outlets)


def _territories(ctx: Ctx, reps: list[int]) -> list[tuple[int, float, float, int | None]]:
    """The tree; each district with its centre and its rep."""
    nodes: dict[tuple[str, ...], int] = {}
    found = []
    for index, (region, city, district, lat, lng) in enumerate(DISTRICTS):
        parent = None
        for level, key in (("region", (region,)), ("city", (region, city))):
            if key not in nodes:
                node = Territory(name=key[-1], level=level, parent_id=parent)
                ctx.session.add(node)
                ctx.session.flush()
                nodes[key] = node.id
            parent = nodes[key]
        rep = reps[index % len(reps)]
        node = Territory(name=district, level="district", parent_id=parent, rep_id=rep)
        ctx.session.add(node)
        ctx.session.flush()
        found.append((node.id, lat, lng, rep))
    return found


def _customers(ctx: Ctx, rng: random.Random, size: int) -> list[tuple[int, str]]:
    weights = [w for _, w, _ in TYPES]
    lines = ["name,kind,phone,email"]
    for i in range(size):
        kind = rng.choices(TYPES, weights)[0]
        chain = rng.choice(CHAINS) if kind[0] in ("convenience", "supermarket", "pharmacy") else ""
        lines.append(f"{chain}{kind[2]}{i + 1:04d},company,021{60000000 + i},o{i:05d}@{MAIL_HOST}")
    job = upload_import(ctx, "customer", "outlets.csv", ("\n".join(lines) + "\n").encode())
    run(ctx, job.id, RunIn(dedupe="create", commit_valid=True), here=True)
    # The customers the import brought (their mail is at the demo's host).
    rows = ctx.session.scalars(scoped_query(ctx))
    return sorted((c.id, c.name) for c in rows if (c.email or "").endswith(MAIL_HOST))


def _outlets(ctx: Ctx, rng: random.Random, size: int, districts: list) -> list[dict[str, Any]]:
    customers = _customers(ctx, rng, size)
    rows = []
    for customer_id, name in customers:
        territory, lat, lng, rep = rng.choice(districts)
        kind = next((t for t, _, label in TYPES if label in name), "other")
        rows.append(
            {
                "customer_id": customer_id,
                "name": name,
                "outlet_type": kind,
                "chain": next((c for c in CHAINS if c and name.startswith(c)), ""),
                "grade": rng.choices("ABC", (15, 35, 50))[0],
                "territory_id": territory,
                "address": f"{name} 门店",
                "latitude": Decimal(str(round(lat + rng.gauss(0, 0.02), 6))),
                "longitude": Decimal(str(round(lng + rng.gauss(0, 0.02), 6))),
                "opening_hours": "07:00-23:00" if kind == "convenience" else "09:00-21:00",
                "owner_id": rep,
                "created_by_id": ctx.user_id,
                "updated_by_id": ctx.user_id,
                "ext": {},
            }
        )
    if not rows:
        return []
    ctx.session.execute(insert(Outlet), rows)
    query = select(Outlet.id, Outlet.customer_id)
    ids = dict((c, i) for i, c in ctx.session.execute(query))
    for row in rows:
        row["id"] = ids[row["customer_id"]]
    return rows


def _sales(ctx: Ctx, rng: random.Random, outlets: list[dict], today: date, days: int) -> None:
    """Reported daily sell-through of one outlet in five (those that report)."""
    rows = []
    for outlet in outlets[::5]:
        base = (
            SIZES.get(outlet["outlet_type"], 150) * {"A": 2.0, "B": 1.0, "C": 0.5}[outlet["grade"]]
        )
        trend = rng.uniform(-0.004, 0.006)
        for back in range(days, 0, -1):
            amount = base * (1 + trend * (days - back)) * rng.uniform(0.8, 1.2)
            rows.append(
                {
                    "outlet_id": outlet["id"],
                    "sold_on": today - timedelta(days=back),
                    "amount": Decimal(str(round(amount, 2))),
                    "source": "reported",
                }
            )
    ctx.session.execute(insert(OutletSale), rows)


def _month(ctx: Ctx, rng: random.Random, outlets: list[dict], today: date, days: int) -> None:
    """For each rep and each workday of the last month: an approved plan of eight outlets,
    checked in (most in radius, on time), audited one time in two; photos on some."""
    by_rep: dict[int, list[dict]] = {}
    for outlet in outlets:
        by_rep.setdefault(outlet["owner_id"], []).append(outlet)
    photo = _photo()
    visits, values, photographed = [], [], []
    for rep, mine in by_rep.items():
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            plan = _plan(ctx, rep, day)
            for seq, outlet in enumerate(rng.sample(mine, min(8, len(mine)))):
                visit = _visit(ctx, rng, rep, plan, seq, outlet, day)
                visits.append(visit)
    ctx.session.execute(insert(Visit), visits)
    done = ctx.session.execute(
        select(
            Visit.id, Visit.outlet_id, Visit.owner_id, Visit.planned_on, Visit.territory_id
        ).where(Visit.status == "done", Visit.audited.is_(True))
    ).all()
    types = {o["id"]: o["outlet_type"] for o in outlets}
    for row in done:
        values += _audit(rng, row, types.get(row.outlet_id, ""))
        if rng.random() < 0.1:
            photographed.append(row.id)
    ctx.session.execute(insert(AuditValue), values)
    for visit_id in photographed[:150]:
        upload(ctx, "promotion_visit", visit_id, "shelf.jpg", photo)
        ctx.session.get(Visit, visit_id).photos = 1
    ctx.session.flush()


# name, products, price positioning, strengths, weaknesses; then its SKU and shelf prices.
RIVALS = (
    ("农夫山泉", "天然水、茶饮、果汁", "mid", "铺货最广，品牌强", "终端费用高", "农夫山泉 550ml",
     ("1.80", "2.00")),
    ("百岁山", "天然矿泉水", "high", "高端形象，餐饮渠道强", "价格高，便利店排面少",
     "百岁山 570ml", ("2.30", "2.50", "3.00")),
    ("怡宝", "纯净水", "mid", "华南网点密", "品类单一", "怡宝 555ml", ("1.80", "2.00")),
)  # fmt: skip


def _rivals(ctx: Ctx) -> list[tuple[int, str, tuple[str, ...]]]:
    """The beverage competitors (core competitor records, each created once)."""
    found = []
    for name, products, price, strengths, weaknesses, sku, prices in RIVALS:
        rival = competitor_named(ctx, name) or create_competitor(
            ctx,
            CompetitorCreate(
                name=name,
                products=products,
                price_positioning=price,
                strengths=strengths,
                weaknesses=weaknesses,
            ),
        )
        found.append((rival.id, sku, prices))
    return found


def _sightings(ctx: Ctx, rng: random.Random) -> None:
    """On about a third of the visits done, what the rep saw of one or two competitors:
    mostly on the shelf with a price and a share, now and then a promotion or a display."""
    rivals = _rivals(ctx)
    regions = region_of(ctx)
    done = ctx.session.execute(
        select(
            Visit.id, Visit.outlet_id, Visit.owner_id, Visit.planned_on, Visit.territory_id
        ).where(Visit.status == "done")
    ).all()
    types = dict(ctx.session.execute(select(Outlet.id, Outlet.outlet_type)).all())
    rows = []
    for visit in done:
        if rng.random() >= 0.35:
            continue
        for rival, sku, prices in rng.sample(rivals, rng.choice((1, 1, 2))):
            rows.append(_sighting(rng, visit, rival, sku, prices, regions, types))
    if rows:
        ctx.session.execute(insert(CompetitorObservation), rows)
        _photograph_activity(ctx)


def _photograph_activity(ctx: Ctx, count: int = 60) -> None:
    """A photo on the first sightings of a competitor's promotion or display: what a rep
    shows the manager."""
    shown = list(
        ctx.session.scalars(
            select(CompetitorObservation.id)
            .where(CompetitorObservation.activity.in_(("promotion", "display")))
            .order_by(CompetitorObservation.id)
            .limit(count)
        )
    )
    photo = _photo()
    for observation_id in shown:
        upload(ctx, OBSERVATION_KIND, observation_id, "competitor.jpg", photo)
    if shown:
        ctx.session.execute(
            update(CompetitorObservation)
            .where(CompetitorObservation.id.in_(shown))
            .values(photos=1)
        )


def _sighting(rng, visit, rival, sku, prices, regions, types) -> dict[str, Any]:
    present = rng.random() < 0.85
    activity = rng.choices(("", "promotion", "new_product", "display"), (70, 15, 5, 10))[0]
    return {
        "visit_id": visit.id,
        "outlet_id": visit.outlet_id,
        "territory_id": visit.territory_id,
        "region_id": regions.get(visit.territory_id),
        "outlet_type": types.get(visit.outlet_id, ""),
        "competitor_id": rival,
        "observed_on": visit.planned_on,
        "product": sku,
        "present": present,
        "price": Decimal(rng.choice(prices)) if present else None,
        "shelf_share": Decimal(rng.randint(5, 45)) if present else None,
        "activity": activity if present else "",
        "note": "",
        "photos": 0,
        "owner_id": visit.owner_id,
        "created_by_id": visit.owner_id,
        "updated_by_id": visit.owner_id,
        "ext": {},
    }


def _plan(ctx: Ctx, rep: int, day: date) -> int:
    plan = VisitPlan(
        start_on=day,
        days=1,
        status="approved",
        owner_id=rep,
        approved_by_id=ctx.user_id,
        approved_at=ctx.day_start(day),
        created_by_id=rep,
        updated_by_id=rep,
        ext={},
    )
    ctx.session.add(plan)
    ctx.session.flush()
    return plan.id


def _visit(ctx: Ctx, rng: random.Random, rep, plan, seq, outlet, day) -> dict[str, Any]:
    planned = ctx.day_start(day) + timedelta(hours=9, minutes=45 * seq)
    row = {
        "outlet_id": outlet["id"],
        "territory_id": outlet["territory_id"],
        "plan_id": plan,
        "seq": seq,
        "planned_on": day,
        "planned_at": planned,
        "owner_id": rep,
        "created_by_id": rep,
        "updated_by_id": rep,
        "ext": {},
        "flags": "",
    }
    if rng.random() < 0.08:
        return row | {"status": "missed"}
    late = timedelta(minutes=rng.choice((0, 5, 10, 20, 50)))
    inside = rng.random() < 0.9
    distance = rng.randint(5, 150) if inside else rng.randint(300, 3000)
    minutes = rng.choice((3, 12, 18, 25, 35, 50))
    flags = [f for f, on in (("outside_radius", not inside), ("short_visit", minutes < 5)) if on]
    checkin = planned + late
    return row | {
        "status": "done",
        "checkin_at": checkin,
        "checkin_lat": outlet["latitude"] + Decimal(str(round(distance / 111_000, 6))),
        "checkin_lng": outlet["longitude"],
        "accuracy_m": rng.randint(5, 60),
        "distance_m": distance,
        "in_radius": inside,
        "on_time": late <= timedelta(minutes=30),
        "checkout_at": checkin + timedelta(minutes=minutes),
        "minutes_in_store": minutes,
        "audited": rng.random() < 0.5,
        "flags": ",".join(flags),
    }


def _audit(rng: random.Random, visit: Any, outlet_type: str) -> list[dict[str, Any]]:
    common = {
        "visit_id": visit.id,
        "outlet_id": visit.outlet_id,
        "territory_id": visit.territory_id,
        "outlet_type": outlet_type,
        "audited_on": visit.planned_on,
        "owner_id": visit.owner_id,
        "ext": {},
    }
    answers = (
        ("facings", "清泉", "", True, Decimal(rng.randint(2, 12)), None),
        ("facings", "百岁山", "", False, Decimal(rng.randint(1, 10)), None),
        ("price", "清泉", "清泉 550ml", True, Decimal(rng.choice(("1.80", "2.00", "2.20"))), None),
        ("price", "百岁山", "百岁山 570ml", False, Decimal(rng.choice(("2.30", "2.50"))), None),
        ("stock", "清泉", "清泉 550ml", True, Decimal(rng.randint(0, 100)), None),
        ("out_of_stock", "清泉", "清泉 550ml", True, None, rng.random() < 0.12),
        ("posm", "清泉", "", True, None, rng.random() < 0.6),
        ("freshness", "清泉", "清泉 550ml", True, Decimal(rng.randint(20, 300)), None),
    )
    return [
        common | {"metric": m, "brand": b, "sku": s, "own": o, "number": n, "flag": f}
        for m, b, s, o, n, f in answers
    ]


def _photo() -> bytes:
    """A small shelf-coloured JPEG (the demo's visit photos)."""
    out = BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, "JPEG", quality=70)
    return out.getvalue()


def _promotions(ctx: Ctx, rng: random.Random, outlets: list[dict], today: date) -> None:
    """Two promotions on reporting supermarkets and convenience stores: a discount that
    ended a week ago and a tasting running now, with claims (one approved, one waiting)."""
    reporting = outlets[::5]
    plans = (
        ("夏日清泉 第二件半价", "discount", -28, -8, "supermarket"),
        ("清泉 新品试饮", "tasting", -6, 7, "convenience"),
    )
    for name, mechanic, first, last, kind in plans:
        start, end = today + timedelta(days=first), today + timedelta(days=last)
        alike = [o for o in reporting if o["outlet_type"] == kind]
        chosen = alike[: min(25, len(alike) // 2)]  # the others are the control group
        promotion = Promotion(
            name=name,
            mechanic=mechanic,
            start_on=start,
            end_on=end,
            budget=Decimal("30000.00"),
            owner_id=ctx.user_id,
            created_by_id=ctx.user_id,
            updated_by_id=ctx.user_id,
            ext={},
        )
        ctx.session.add(promotion)
        ctx.session.flush()
        ctx.session.add_all(
            PromotionOutlet(promotion_id=promotion.id, outlet_id=o["id"]) for o in chosen
        )
        _lift_sales(ctx, [o["id"] for o in chosen], start, min(end, today - timedelta(days=1)))
        for amount, status in (
            (Decimal("12800.00"), "approved"),
            (Decimal("3600.00"), "submitted"),
        ):
            ctx.session.add(
                CostClaim(
                    promotion_id=promotion.id,
                    amount=amount,
                    description=f"{name} 费用",
                    status=status,
                    owner_id=ctx.user_id,
                    created_by_id=ctx.user_id,
                    updated_by_id=ctx.user_id,
                    decided_by_id=ctx.user_id if status == "approved" else None,
                    ext={},
                )
            )
        ctx.session.flush()
        promotion.cost_approved = promotions.approved_cost(ctx, promotion.id)
        promotions.refresh_uplift(ctx, promotion.id)


def _lift_sales(ctx: Ctx, outlet_ids: list[int], start: date, end: date) -> None:
    """The promoted outlets sold about a third more while the promotion ran."""
    rows = ctx.session.scalars(
        select(OutletSale).where(
            OutletSale.outlet_id.in_(outlet_ids),
            OutletSale.sold_on >= start,
            OutletSale.sold_on <= end,
        )
    )
    for sale in rows:
        sale.amount = (sale.amount * Decimal("1.35")).quantize(Decimal("0.01"))
    ctx.session.flush()
