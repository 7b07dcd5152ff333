"""The member value model (kht_register_value_models), RFM quintiles and segments, and the
nightly run (statuses, points expiry, birthday bonuses, tier reviews, RFM) - set-based SQL,
one statement per step over all members, never a Python loop per member (but the few whose
review date is today)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, case, cast, func, literal, select, update

from kht.plugin_api import Ctx, Score, ScorePart
from plugins.membership import cross_sell, figures, points, rules
from plugins.membership.models import Member, PointsEntry, Tier, Transaction
from plugins.membership.service import evaluate_tier, settings, tiers

VALUE_MODEL = "membership.member_value"
CENT = Decimal("0.01")


# ---------------------------------------------------------------------------- RFM


def _segment_case(r: Any, f: Any, m: Any) -> Any:
    """rules.segment_of as a SQL CASE (the same thresholds, in the same order)."""
    fm = f + m
    return case(
        (r == 0, ""),
        ((r >= 4) & (fm >= 8), "champions"),
        ((r >= 3) & (fm >= 6), "loyal"),
        ((r >= 4) & (fm <= 3), "new"),
        (r >= 3, "potential"),
        (fm >= 9, "cant_lose"),
        (fm >= 6, "at_risk"),
        (r == 2, "hibernating"),
        else_="lost",
    )


def refresh_rfm(ctx: Ctx) -> int:
    """Score every live member with purchases 1..5 on recency, frequency and monetary value
    (quintiles, NTILE(5) ordered by the value then the id) and name their segment; members
    without purchases get 0 and no segment. Returns how many members were scored."""
    m = Member
    buyers = (m.deleted_at.is_(None)) & (m.purchase_count > 0)
    scored = (
        select(
            m.id.label("id"),
            func.ntile(5).over(order_by=(m.last_purchase_on, m.id)).label("r"),
            func.ntile(5).over(order_by=(m.purchase_count, m.id)).label("f"),
            func.ntile(5).over(order_by=(m.total_spend, m.id)).label("m"),
        )
        .where(buyers)
        .subquery()
    )
    ctx.session.execute(
        update(m)
        .where(m.id == scored.c.id)
        .values(
            r_score=scored.c.r,
            f_score=scored.c.f,
            m_score=scored.c.m,
            rfm_segment=_segment_case(scored.c.r, scored.c.f, scored.c.m),
        )
        .execution_options(synchronize_session=False)
    )
    ctx.session.execute(
        update(m)
        .where(m.purchase_count == 0, m.rfm_segment != "")
        .values(r_score=0, f_score=0, m_score=0, rfm_segment="")
        .execution_options(synchronize_session=False)
    )
    ctx.session.expire_all()
    return ctx.session.scalar(select(func.count()).select_from(m).where(buyers)) or 0


# ---------------------------------------------------------------------------- nightly


def refresh_statuses(ctx: Ctx, today: date) -> int:
    """Every live member's status from its dates (rules.status_on as one UPDATE)."""
    m = Member
    grace_cut = date.fromordinal(today.toordinal() - settings(ctx).grace_days)
    status = case(
        ((m.cancelled_on.is_not(None)) & (m.cancelled_on <= today), "cancelled"),
        ((m.start_date.is_(None)) | (m.start_date > today), "applicant"),
        ((m.end_date.is_(None)) | (m.end_date >= today), "active"),
        (m.end_date >= grace_cut, "grace"),
        else_="expired",
    )
    result = ctx.session.execute(
        update(m)
        .where(m.deleted_at.is_(None), m.status != status)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def birthday_bonuses(ctx: Ctx, today: date) -> int:
    """The birthday bonus lot for every active member celebrating today (solar or lunar),
    once a year (key `birthday:<member>:<year>`). Returns how many got it."""
    bonus = settings(ctx).birthday_bonus
    if not bonus:
        return 0
    m = Member
    key = literal("birthday:") + cast(m.id, String) + literal(f":{today.year}")
    taken = select(PointsEntry.id).where(PointsEntry.key == key).exists()
    who = (
        m.deleted_at.is_(None)
        & (m.status == "active")
        & m.birthday_key.in_(rules.keys_celebrating(today))
        & ~taken
    )
    ids = list(ctx.session.scalars(select(m.id).where(who)))
    if not ids:
        return 0
    expires = rules.add_months(today, settings(ctx).points_expiry_months)
    rows = select(
        m.id,
        literal("birthday"),
        literal(bonus),
        literal(bonus),
        literal(expires),
        key,
        literal("birthday bonus"),
        literal(today),
        literal(ctx.now()),
    ).where(m.id.in_(ids))
    ctx.session.execute(
        PointsEntry.__table__.insert().from_select(
            [
                "member_id",
                "entry",
                "points",
                "remaining",
                "expires_on",
                "key",
                "reason",
                "occurred_on",
                "created_at",
            ],
            rows,
        )
    )
    ctx.session.execute(
        update(m)
        .where(m.id.in_(ids))
        .values(points_balance=m.points_balance + bonus)
        .execution_options(synchronize_session=False)
    )
    ctx.session.expire_all()
    return len(ids)


def review_tiers(ctx: Ctx, today: date) -> dict[str, int]:
    """Evaluate the members whose tier review date has come (downgrades happen only here)."""
    moves: dict[str, int] = {}
    due = (
        select(Member)
        .where(Member.deleted_at.is_(None), Member.tier_review_on <= today)
        .execution_options(yield_per=500)
    )
    for member in ctx.session.scalars(due).all():
        move = evaluate_tier(ctx, member, "review", today)
        moves[move] = moves.get(move, 0) + 1
    return moves


def run_nightly(ctx: Ctx, today: date | None = None) -> dict[str, Any]:
    """The nightly run: statuses, points expiry, birthday bonuses, tier reviews, RFM, and the
    points and referral figures the reports group by, the co-purchase counts of cross-sell."""
    today = today or ctx.today()
    return {
        "statuses": refresh_statuses(ctx, today),
        "expired_points": points.expire_due(ctx, today),
        "birthdays": birthday_bonuses(ctx, today),
        "tiers": review_tiers(ctx, today),
        "rfm_scored": refresh_rfm(ctx),
        "figures": figures.refresh(ctx),
        "category_pairs": cross_sell.refresh(ctx),
    }


# ---------------------------------------------------------------------------- value model


def _part(zh: str, en: str, weight: int, share: float, why_zh: str, why_en: str) -> ScorePart:
    share = min(max(share, 0.0), 1.0)
    pts = (Decimal(weight) * Decimal(str(share))).quantize(CENT)
    return ScorePart(
        label_zh=zh, label_en=en, points=pts, explanation=why_zh, explanation_en=why_en
    )


def member_value(ctx: Ctx, member: Member) -> Score:
    """A member's value (0-100): recency, frequency, monetary (the RFM quintiles), category
    breadth, payment (share not on credit), loyalty (tenure and tier) and influence
    (referred members and their spend), each weighted by the pack's settings."""
    w = settings(ctx).weights
    weights = [w.recency, w.frequency, w.monetary, w.breadth, w.payment, w.loyalty, w.influence]
    scale = Decimal(100) / Decimal(sum(weights) or 1)
    today = ctx.today()
    t = Transaction
    mine = (t.member_id == member.id) & (t.deleted_at.is_(None))
    categories = (
        ctx.session.scalar(
            select(func.count(func.distinct(t.category))).where(
                mine, t.kind == "purchase", t.category != ""
            )
        )
        or 0
    )
    paid = ctx.session.execute(
        select(
            func.coalesce(func.sum(t.amount), 0),
            func.coalesce(func.sum(case((t.payment_method == "credit", t.amount), else_=0)), 0),
        ).where(mine, t.kind == "purchase")
    ).one()
    spent, on_credit = Decimal(paid[0]), Decimal(paid[1])
    credit_share = float(on_credit / spent) if spent else 0.0
    referred = ctx.session.execute(
        select(func.count(Member.id), func.coalesce(func.sum(Member.total_spend), 0)).where(
            Member.referrer_id == member.id, Member.deleted_at.is_(None)
        )
    ).one()
    ranks = [tier.rank for tier in tiers(ctx)]
    rank = ctx.session.scalar(select(Tier.rank).where(Tier.key == member.tier)) or 0
    top = max(ranks) if ranks else 0
    years = (today - member.join_date).days / 365.25
    last = member.last_purchase_on
    days = (today - last).days if last else None
    parts = [
        _part(
            "最近购买 R",
            "Recency R",
            weights[0],
            member.r_score / 5,
            f"最近一次购买 {last}（{days} 天前），R 分 {member.r_score}/5" if last else "尚无购买",
            f"last purchase {last} ({days} days ago), R {member.r_score}/5"
            if last
            else "no purchase yet",
        ),
        _part(
            "购买频次 F",
            "Frequency F",
            weights[1],
            member.f_score / 5,
            f"共 {member.purchase_count} 次购买，F 分 {member.f_score}/5",
            f"{member.purchase_count} purchases, F {member.f_score}/5",
        ),
        _part(
            "消费金额 M",
            "Monetary M",
            weights[2],
            member.m_score / 5,
            f"累计消费 ¥{member.total_spend}，M 分 {member.m_score}/5",
            f"total spend ¥{member.total_spend}, M {member.m_score}/5",
        ),
        _part(
            "品类广度",
            "Category breadth",
            weights[3],
            categories / 5,
            f"购买过 {categories} 个品类（5 个及以上满分）",
            f"bought in {categories} categories (5 or more: full points)",
        ),
        _part(
            "支付与信用",
            "Payment and credit",
            weights[4],
            1 - credit_share if spent else 0,
            f"赊账占消费 {credit_share:.0%}" if spent else "尚无支付记录",
            f"{credit_share:.0%} of the spend on credit" if spent else "no payments yet",
        ),
        _part(
            "忠诚度",
            "Loyalty",
            weights[5],
            min(years / 5, 1) / 2 + (rank / top / 2 if top else 0),
            f"入会 {years:.1f} 年（5 年满分），等级 {member.tier}",
            f"member for {years:.1f} years (5: full points), tier {member.tier}",
        ),
        _part(
            "影响力",
            "Influence",
            weights[6],
            (referred[0] + float(Decimal(referred[1]) / Decimal(10000))) / 5,
            f"推荐 {referred[0]} 位会员，其消费 ¥{Decimal(referred[1]).quantize(CENT)}",
            f"referred {referred[0]} members who spent ¥{Decimal(referred[1]).quantize(CENT)}",
        ),
    ]
    scaled = [
        ScorePart(
            label_zh=p.label_zh,
            label_en=p.label_en,
            points=(Decimal(p.points) * scale).quantize(CENT),
            explanation=p.explanation,
            explanation_en=p.explanation_en,
        )
        for p in parts
    ]
    total = min(sum((Decimal(p.points) for p in scaled), Decimal(0)), Decimal(100))
    return Score(total=total.quantize(CENT), parts=tuple(scaled))
