"""The points ledger: lots earned, taken oldest first, expired by lot; never negative.

Every positive entry is a lot with `remaining` points and an expiry date; redemptions,
negative adjustments and refund reversals take from the lots that expire first; the nightly
run expires what is left of each lot past its date. `Member.points_balance` changes only
here, together with the entry, so it always equals the ledger's sum (and the lots'
remaining points). Each entry's `key` makes it happen once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import String, cast, func, literal, select, update

from kht.plugin_api import N_, Conflict, Ctx
from plugins.membership import rules
from plugins.membership.models import Member, PointsEntry, Transaction
from plugins.membership.service import multiplier_of, said, settings


def _key_taken(ctx: Ctx, key: str) -> PointsEntry | None:
    return ctx.session.scalar(select(PointsEntry).where(PointsEntry.key == key))


def add_lot(
    ctx: Ctx,
    member: Member,
    points: int,
    entry: str,
    reason: str,
    *,
    key: str | None = None,
    on: date | None = None,
    transaction_id: int | None = None,
) -> PointsEntry:
    """A lot of `points` expiring after the configured period (once per `key`)."""
    on = on or ctx.today()
    key = key or f"{entry}:{member.id}:{ctx.now().timestamp()}:{secrets_suffix()}"
    found = _key_taken(ctx, key)
    if found is not None:
        return found
    lot = PointsEntry(
        member_id=member.id,
        entry=entry,
        points=points,
        remaining=points,
        expires_on=rules.add_months(on, settings(ctx).points_expiry_months),
        key=key,
        transaction_id=transaction_id,
        reason=reason,
        occurred_on=on,
        created_by_id=ctx.user_id,
    )
    ctx.session.add(lot)
    member.points_balance = (member.points_balance or 0) + points
    ctx.session.flush()
    return lot


def secrets_suffix() -> str:
    import secrets

    return secrets.token_hex(4)


def take(
    ctx: Ctx,
    member: Member,
    points: int,
    entry: str,
    reason: str,
    *,
    key: str | None = None,
    transaction_id: int | None = None,
    partial: bool = False,
) -> PointsEntry:
    """Take `points` from the lots expiring first. More than the balance is a 409 naming
    `points`, unless `partial` (a refund's reversal takes what is left)."""
    key = key or f"{entry}:{member.id}:{ctx.now().timestamp()}:{secrets_suffix()}"
    found = _key_taken(ctx, key)
    if found is not None:
        return found
    if _locks(ctx):  # two tills redeeming at once must not both see the old balance
        ctx.session.refresh(member, with_for_update=True)
    balance = member.points_balance or 0
    if points > balance:
        if not partial:
            raise Conflict(
                said(ctx, N_("only %(points)s points are left"), points=balance), "points"
            )
        points = balance
    left = points
    lots = ctx.session.scalars(
        select(PointsEntry)
        .where(PointsEntry.member_id == member.id, PointsEntry.remaining > 0)
        .order_by(PointsEntry.expires_on, PointsEntry.id)
    )
    for lot in lots:
        if left == 0:
            break
        used = min(lot.remaining, left)
        lot.remaining -= used
        left -= used
    row = PointsEntry(
        member_id=member.id,
        entry=entry,
        points=-points,
        remaining=0,
        key=key,
        transaction_id=transaction_id,
        reason=reason,
        occurred_on=ctx.today(),
        created_by_id=ctx.user_id,
    )
    ctx.session.add(row)
    member.points_balance = balance - points
    ctx.session.flush()
    return row


def _locks(ctx: Ctx) -> bool:
    return ctx.session.get_bind().dialect.name == "postgresql"


def _campaign_factor(ctx: Ctx, on: date) -> Decimal:
    factor = Decimal(1)
    for campaign in settings(ctx).campaigns:
        if campaign.start <= on <= campaign.end:
            factor = max(factor, campaign.multiplier)
    return factor


def earned_for(ctx: Ctx, member: Member, txn: Transaction) -> int:
    """What a purchase earns under the earn rules: amount x rate x category x tier x the
    best running campaign."""
    options = settings(ctx)
    return rules.points_for(
        txn.amount,
        per_yuan=options.points_per_yuan,
        category=options.category_multipliers.get(txn.category, Decimal(1)),
        tier=multiplier_of(ctx, member.tier),
        campaign=_campaign_factor(ctx, txn.occurred_on),
    )


def earn(ctx: Ctx, member: Member, txn: Transaction) -> PointsEntry | None:
    """The points of a purchase, once per transaction (key `earn:<transaction id>`)."""
    points = earned_for(ctx, member, txn)
    if points <= 0:
        return None
    return add_lot(
        ctx,
        member,
        points,
        "earn",
        txn.external_id,
        key=f"earn:{txn.id}",
        on=txn.occurred_on,
        transaction_id=txn.id,
    )


def reverse(ctx: Ctx, member: Member, refund: Transaction, purchase: Transaction) -> None:
    """A refund takes back its share of the purchase's points (what is left of them)."""
    earned = ctx.session.scalar(
        select(PointsEntry.points).where(PointsEntry.key == f"earn:{purchase.id}")
    )
    if not earned or not purchase.amount:
        return
    share = int((Decimal(earned) * -refund.amount / purchase.amount).to_integral_value())
    if share > 0:
        take(
            ctx,
            member,
            share,
            "reverse",
            refund.external_id,
            key=f"reverse:{refund.id}",
            transaction_id=refund.id,
            partial=True,
        )


def ledger(ctx: Ctx, member_id: int, limit: int = 100) -> list[PointsEntry]:
    query = (
        select(PointsEntry)
        .where(PointsEntry.member_id == member_id)
        .order_by(PointsEntry.id.desc())
        .limit(limit)
    )
    return list(ctx.session.scalars(query))


def ledger_sum(ctx: Ctx, member_id: int) -> tuple[int, int]:
    """(sum of the entries, sum of the lots' remaining points) of a member."""
    row = ctx.session.execute(
        select(
            func.coalesce(func.sum(PointsEntry.points), 0),
            func.coalesce(func.sum(PointsEntry.remaining), 0),
        ).where(PointsEntry.member_id == member_id)
    ).one()
    return int(row[0]), int(row[1])


def expiring(ctx: Ctx, member_id: int, until: date) -> int:
    """Points of a member that expire by `until`."""
    return int(
        ctx.session.scalar(
            select(func.coalesce(func.sum(PointsEntry.remaining), 0)).where(
                PointsEntry.member_id == member_id,
                PointsEntry.remaining > 0,
                PointsEntry.expires_on <= until,
            )
        )
        or 0
    )


def expire_due(ctx: Ctx, today: date | None = None) -> int:
    """Expire what is left of every lot whose date has passed (set-based: one INSERT of the
    expiry entries, one UPDATE of the balances, one of the lots). Returns points expired."""
    today = today or ctx.today()
    due = (PointsEntry.remaining > 0) & (PointsEntry.expires_on < today)
    total = int(
        ctx.session.scalar(select(func.coalesce(func.sum(PointsEntry.remaining), 0)).where(due))
        or 0
    )
    if not total:
        return 0
    lots = select(
        PointsEntry.member_id,
        literal("expire"),
        -PointsEntry.remaining,
        literal(0),
        literal("expire:") + cast(PointsEntry.id, String),
        literal("lot expired"),
        literal(today),
        literal(ctx.now()),
    ).where(due)
    ctx.session.execute(
        PointsEntry.__table__.insert().from_select(
            [
                "member_id",
                "entry",
                "points",
                "remaining",
                "key",
                "reason",
                "occurred_on",
                "created_at",
            ],
            lots,
        )
    )
    per_member = (
        select(func.sum(PointsEntry.remaining))
        .where(due, PointsEntry.member_id == Member.id)
        .scalar_subquery()
    )
    ctx.session.execute(
        update(Member)
        .where(Member.id.in_(select(PointsEntry.member_id).where(due)))
        .values(points_balance=Member.points_balance - per_member)
        .execution_options(synchronize_session=False)
    )
    ctx.session.execute(
        update(PointsEntry)
        .where(due)
        .values(remaining=0)
        .execution_options(synchronize_session=False)
    )
    ctx.session.expire_all()
    return total
