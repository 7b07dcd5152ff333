"""Rep discipline: planned against done visits, on-time and in-radius rates, time in store and
audits completed, per rep and for the whole team in the caller's scope, over a period — and
the exceptions a manager acts on (missed stops, check-ins outside the radius, impossible
travel, short visits)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from kht.plugin_api import Ctx, require
from plugins.promotion.models import Visit
from plugins.promotion.service import MODULE, outlet_names, rep_names
from plugins.promotion.visits import VISITS

EXCEPTION_FLAGS = ("outside_radius", "impossible_travel", "short_visit", "unplanned")


class Discipline(msgspec.Struct, kw_only=True):
    """One rep's (or the team's) figures; rates in percent, None when nothing to rate."""

    rep_id: int | None
    name: str
    planned: int = 0
    done: int = 0
    missed: int = 0
    unplanned: int = 0
    attainment: Decimal | None = None
    on_time: Decimal | None = None
    in_radius: Decimal | None = None
    avg_minutes: Decimal | None = None
    audits: int = 0
    audit_rate: Decimal | None = None


def _rate(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _visits(ctx: Ctx, start: date, end: date) -> list[Any]:
    from kht.plugin_api import visible

    query = visible(ctx, VISITS).where(Visit.planned_on >= start, Visit.planned_on <= end)
    return list(ctx.session.scalars(query))


def _figures(rep_id: int | None, name: str, visits: list[Any]) -> Discipline:
    planned = [v for v in visits if not v.unplanned]
    done = [v for v in visits if v.status == "done"]
    timed = [v for v in done if v.on_time is not None]
    located = [v for v in done if v.in_radius is not None]
    minutes = [v.minutes_in_store for v in done if v.minutes_in_store is not None]
    audits = sum(1 for v in done if v.audited)
    planned_done = sum(1 for v in planned if v.status == "done")
    return Discipline(
        rep_id=rep_id,
        name=name,
        planned=len(planned),
        done=len(done),
        missed=sum(1 for v in planned if v.status == "missed"),
        unplanned=len(visits) - len(planned),
        attainment=_rate(planned_done, len(planned)),
        on_time=_rate(sum(1 for v in timed if v.on_time), len(timed)),
        in_radius=_rate(sum(1 for v in located if v.in_radius), len(located)),
        avg_minutes=(Decimal(sum(minutes)) / len(minutes)).quantize(Decimal("0.1"))
        if minutes
        else None,
        audits=audits,
        audit_rate=_rate(audits, len(done)),
    )


def discipline(ctx: Ctx, start: date, end: date) -> tuple[list[Discipline], Discipline]:
    """Per rep (by name) and the team's total, over [start, end]."""
    require(ctx.user, MODULE, "view")
    visits = _visits(ctx, start, end)
    by_rep: dict[int | None, list[Any]] = defaultdict(list)
    for visit in visits:
        by_rep[visit.owner_id].append(visit)
    names = rep_names(ctx)
    rows = [_figures(rep, names.get(rep, f"#{rep}"), rows) for rep, rows in by_rep.items()]
    return sorted(rows, key=lambda r: r.name), _figures(None, "", visits)


def exceptions(ctx: Ctx, start: date, end: date, limit: int = 200) -> list[dict[str, Any]]:
    """Visits of [start, end] that need a look: missed, or flagged (outside the radius,
    impossible travel, short, unplanned), newest first."""
    require(ctx.user, MODULE, "view")
    names = rep_names(ctx)
    found = []
    for visit in sorted(_visits(ctx, start, end), key=lambda v: (v.planned_on, v.id), reverse=True):
        flags = [f for f in visit.flags.split(",") if f in EXCEPTION_FLAGS]
        if visit.status == "missed":
            flags.insert(0, "missed")
        if flags:
            found.append({"visit": visit, "flags": flags, "rep": names.get(visit.owner_id, "")})
        if len(found) >= limit:
            break
    outlets = {v["visit"].outlet_id for v in found}
    named = outlet_names(ctx, outlets)
    for item in found:
        item["outlet"] = named.get(item["visit"].outlet_id, "")
    return found
