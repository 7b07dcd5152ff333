"""Cross-sell suggestions (members who buy A also buy B): category co-purchase counts across
all members, rebuilt set-based by the nightly run (one DELETE and one INSERT … SELECT over
the distinct (member, category) pairs, never a loop per member), and read for one member's
page with one small query over that table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from kht.plugin_api import Ctx
from plugins.membership.models import CategoryPair, Transaction

# A suggestion needs at least this many members behind it, so one odd basket is no rule.
MIN_MEMBERS = 2


@dataclass(frozen=True)
class Suggestion:
    """Category `category`: `share` % of the members who buy `because` buy it too."""

    category: str
    because: str
    share: int
    members: int


def _bought() -> object:
    """The distinct (member, category) pairs of live purchases with a category."""
    t = Transaction
    return (
        select(t.member_id.label("member_id"), t.category.label("category"))
        .where(t.kind == "purchase", t.category != "", t.deleted_at.is_(None))
        .distinct()
        .subquery()
    )


def refresh(ctx: Ctx) -> int:
    """Rebuild the co-purchase counts; returns how many category pairs there are."""
    x, y = _bought(), _bought()
    pairs = (
        select(x.c.category, y.c.category, func.count())
        .join(y, y.c.member_id == x.c.member_id)
        .group_by(x.c.category, y.c.category)
    )
    ctx.session.execute(delete(CategoryPair))
    ctx.session.execute(CategoryPair.__table__.insert().from_select(["a", "b", "members"], pairs))
    return ctx.session.scalar(select(func.count()).select_from(CategoryPair)) or 0


def suggestions(ctx: Ctx, member_id: int, limit: int = 3) -> list[Suggestion]:
    """The categories a member has not bought that members who buy one of its categories buy
    most often (best share first, each with the category that suggests it)."""
    mine = select(Transaction.category).where(
        Transaction.member_id == member_id,
        Transaction.kind == "purchase",
        Transaction.category != "",
    )
    pair, base = CategoryPair, CategoryPair.__table__.alias("base")
    rows = ctx.session.execute(
        select(pair.b, pair.a, pair.members, base.c.members)
        .join(base, (base.c.a == pair.a) & (base.c.b == pair.a))
        .where(pair.a.in_(mine), pair.b.not_in(mine), pair.members >= MIN_MEMBERS)
    ).all()
    best: dict[str, Suggestion] = {}
    for category, because, together, buyers in rows:
        share = round(100 * together / buyers) if buyers else 0
        kept = best.get(category)
        if kept is None or (share, together) > (kept.share, kept.members):
            best[category] = Suggestion(category, because, share, together)
    ranked = sorted(best.values(), key=lambda s: (-s.share, -s.members, s.category))
    return ranked[:limit]
