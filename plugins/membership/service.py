"""Membership business rules: members, tiers, transactions and the points ledger.

A member is a customer with a membership (one per customer). Status and tier are computed:
the status from the membership's dates (rules.status_on, refreshed nightly), the tier from
the spend (or points) of the rolling window on every transaction (upgrade at once) and at
the review date (downgrade only then). Every transaction counts once (its `external_id`);
points are a ledger of lots, taken oldest first, never below zero, and the member's balance
is always the ledger's sum.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from kht.contacts.service import customer_names
from kht.customers.service import get_customer
from kht.plugin_api import (
    N_,
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    NotFound,
    RecordCreated,
    RecordKind,
    RecordUpdated,
    SettingField,
    SettingsDef,
    ValidationError,
    changes_of,
    create_record,
    get_record,
    require,
    translations,
    update_record,
)
from kht.settings.service import get_settings
from kht.value.service import score_record
from plugins.membership import rules
from plugins.membership.models import (
    Member,
    PointsEntry,
    Tier,
    TierChange,
    Transaction,
)
from plugins.membership.schemas import (
    AdjustIn,
    MemberCreate,
    MemberOut,
    MemberUpdate,
    PointsIn,
    Settings,
    TierIn,
    TransactionCreate,
    TransactionOut,
    TransactionUpdate,
)

NAME = "membership"
MODULE = NAME
# The right to adjust points by hand (edit) - audited, apart from serving members.
POINTS_MODULE = "membership_points"
MEMBER_KIND = "membership_member"
TRANSACTION_KIND = "membership_transaction"
ZERO = Decimal("0.00")

DEFAULT_TIERS = (
    TierIn(key="standard", name_zh="普通", name_en="Standard", rank=0, benefits="积分 1 倍"),
    TierIn(
        key="silver",
        name_zh="银卡",
        name_en="Silver",
        rank=1,
        min_spend=Decimal("5000"),
        min_points=5000,
        multiplier=Decimal("1.2"),
        benefits="积分 1.2 倍；生日礼",
    ),
    TierIn(
        key="gold",
        name_zh="金卡",
        name_en="Gold",
        rank=2,
        min_spend=Decimal("20000"),
        min_points=20000,
        multiplier=Decimal("1.5"),
        benefits="积分 1.5 倍；免费停车；专属客服",
    ),
    TierIn(
        key="diamond",
        name_zh="钻石",
        name_en="Diamond",
        rank=3,
        min_spend=Decimal("50000"),
        min_points=50000,
        multiplier=Decimal("2"),
        benefits="积分 2 倍；私人顾问；新品优先",
    ),
)

# Tier ranks as last read (evaluate_tier reads them right before it fires a tier change),
# so the care trigger on a tier change tells an upgrade from a downgrade without a query.
RANKS: dict[str, int] = {}

STATUS_LABELS = {
    "applicant": N_("Applicant"),
    "active": N_("Active"),
    "grace": N_("Grace"),
    "expired": N_("Expired"),
    "cancelled": N_("Cancelled"),
}
SEGMENT_LABELS = {
    "champions": N_("Champions"),
    "loyal": N_("Loyal"),
    "potential": N_("Potential loyalists"),
    "new": N_("New customers"),
    "at_risk": N_("At risk"),
    "cant_lose": N_("Can't lose them"),
    "hibernating": N_("Hibernating"),
    "lost": N_("Lost"),
}
ENTRY_LABELS = {
    "earn": N_("Earned"),
    "birthday": N_("Birthday bonus"),
    "redeem": N_("Redeemed"),
    "adjust": N_("Adjusted"),
    "reverse": N_("Reversed (refund)"),
    "expire": N_("Expired"),
    "care": N_("Care bonus"),
}
CAUSE_LABELS = {
    "join": N_("Joined"),
    "purchase": N_("Purchase"),
    "refund": N_("Refund"),
    "review": N_("Review date"),
}


def said(ctx: Ctx, message: str, **values: Any) -> str:
    """A refusal (`message` marked with N_) in the acting user's language, through the
    pack's own catalogue, with its values filled in."""
    text = translations(ctx.language or "en").gettext(message)
    return text % values if values else text


# ---------------------------------------------------------------------------- settings


def _check_settings(ctx: Ctx, options: Settings) -> None:
    _factor(ctx, options.points_per_yuan, "points_per_yuan")
    for category, factor in options.category_multipliers.items():
        _factor(ctx, factor, f"category_multipliers.{category}")
    for campaign in options.campaigns:
        _factor(ctx, campaign.multiplier, "campaigns")
        if campaign.end < campaign.start:
            raise ValidationError(said(ctx, N_("a campaign ends before it starts")), "campaigns")


SETTINGS = SettingsDef(
    owner=NAME,
    schema=Settings,
    label_zh="会员参数",
    label_en="Membership settings",
    modules=(MODULE,),
    icon="person-vcard",
    check=_check_settings,
    fields={
        "grace_days": SettingField(label=N_("Grace days after a tier review")),
        "tier_basis": SettingField(
            label=N_("Tiers reached by"),
            choices=(("spend", N_("Spend")), ("points", N_("Points"))),
        ),
        "tier_window_days": SettingField(label=N_("Tier window (days)")),
        "review_months": SettingField(label=N_("Tier review every (months)")),
        "points_per_yuan": SettingField(label=N_("Points per yuan")),
        "category_multipliers": SettingField(
            label=N_("Points multiplier by product category"),
            help=N_("A category's multiplier of the points per yuan (JSON: category to factor)."),
        ),
        "campaigns": SettingField(label=N_("Points campaigns")),
        "birthday_bonus": SettingField(label=N_("Birthday bonus points")),
        "points_expiry_months": SettingField(label=N_("Points expire after (months)")),
        "weights": SettingField(label=N_("Value model weights")),
    },
)


def settings(ctx: Ctx) -> Settings:
    """The pack's settings (kept by the core settings store; defaults until saved)."""
    return get_settings(ctx, NAME)


def _factor(ctx: Ctx, value: Decimal, field: str) -> None:
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(said(ctx, N_("a rate or multiplier is from 0 to 100")), field)


def _amount(ctx: Ctx, value: Decimal, field: str, low: Decimal = Decimal("0.01")) -> None:
    if not value.is_finite() or not low <= value <= Decimal("1e12"):
        raise ValidationError(
            said(ctx, N_("an amount from %(low)s to 1e12 is expected"), low=low), field
        )


# ---------------------------------------------------------------------------- tiers


def tiers(ctx: Ctx) -> list[Tier]:
    """The tiers, lowest rank first (their ranks noted for the care triggers)."""
    found = list(ctx.session.scalars(select(Tier).order_by(Tier.rank)))
    RANKS.clear()
    RANKS.update({tier.key: tier.rank for tier in found})
    return found


def tier_names(ctx: Ctx) -> dict[str, str]:
    return {tier.key: tier.name(ctx.language) for tier in tiers(ctx)}


def seed_tiers(ctx: Ctx) -> None:
    """The default tiers (普通/银卡/金卡/钻石) when there are none (idempotent)."""
    if ctx.session.scalar(select(func.count()).select_from(Tier)):
        return
    ctx.session.add_all(Tier(**msgspec.structs.asdict(tier)) for tier in DEFAULT_TIERS)
    ctx.session.flush()


def replace_tiers(ctx: Ctx, items: list[TierIn]) -> list[Tier]:
    """Set the tiers (needs `admin`): keys and ranks unique, the lowest rank needs nothing.
    A tier members hold may not be dropped (409 naming it)."""
    require(ctx.user, MODULE, "admin")
    if not items:
        raise ValidationError(said(ctx, N_("at least one tier is needed")), "tiers")
    if len({t.key for t in items}) < len(items) or len({t.rank for t in items}) < len(items):
        raise ValidationError(said(ctx, N_("tier keys and ranks must be unique")), "tiers")
    for tier in items:
        _amount(ctx, tier.min_spend, "tiers.min_spend", Decimal(0))
        _factor(ctx, tier.multiplier, "tiers.multiplier")
    lowest = min(items, key=lambda t: t.rank)
    if lowest.min_spend or lowest.min_points:
        raise ValidationError(said(ctx, N_("the lowest tier must need nothing")), "tiers")
    kept = {t.key for t in items}
    held = ctx.session.scalars(
        select(Member.tier).where(Member.tier.not_in(kept), Member.tier != "").distinct()
    ).all()
    if held:
        raise Conflict(said(ctx, N_("members hold tier %(tier)s"), tier=held[0]), "tiers")
    existing = {tier.key: tier for tier in tiers(ctx)}
    for tier in existing.values():
        ctx.session.delete(tier)
    ctx.session.flush()
    ctx.session.add_all(Tier(**msgspec.structs.asdict(t)) for t in items)
    ctx.session.flush()
    return tiers(ctx)


# ---------------------------------------------------------------------------- members


def _next_number(ctx: Ctx) -> str:
    n = (ctx.session.scalar(select(func.max(Member.id))) or 0) + 1
    while True:
        number = f"M{n:08d}"
        if ctx.session.scalar(select(Member.id).where(Member.number == number)) is None:
            return number
        n += 1


def _new_card_code(ctx: Ctx) -> str:
    while True:
        code = f"{secrets.randbelow(10**16):016d}"
        if ctx.session.scalar(select(Member.id).where(Member.card_code == code)) is None:
            return code


def _unique(ctx: Ctx, column: Any, value: str, field: str, member_id: int | None = None) -> None:
    query = select(Member.id).where(column == value)
    if member_id is not None:
        query = query.where(Member.id != member_id)
    if ctx.session.scalar(query) is not None:
        raise Conflict(said(ctx, N_("%(value)s is taken by another member"), value=value), field)


def _linked(ctx: Ctx, member_id: int | None, field: str, own_id: int | None = None) -> None:
    """A referrer or household must be another live member."""
    if member_id is None:
        return
    if member_id == own_id:
        raise ValidationError(said(ctx, N_("a member cannot refer or head itself")), field)
    found = ctx.session.get(Member, member_id)
    if found is None or found.deleted_at is not None:
        raise ValidationError(said(ctx, N_("member %(id)s not found"), id=member_id), field)


def status_of(ctx: Ctx, member: Member, today: date | None = None) -> str:
    return rules.status_on(
        today or ctx.today(),
        start_date=member.start_date,
        end_date=member.end_date,
        cancelled_on=member.cancelled_on,
        grace_days=settings(ctx).grace_days,
    )


def create_member(ctx: Ctx, data: MemberCreate) -> Member:
    """A membership for a visible customer (422 naming customer_id otherwise; 409 when the
    customer has one). Number (M00000001) and card code (16 digits) are generated unless
    given; it starts at the lowest tier; its status follows from its dates."""
    require(ctx.user, MODULE, "create")
    try:
        customer = get_customer(ctx, data.customer_id)
    except NotFound:
        raise ValidationError(
            said(ctx, N_("customer %(id)s not found"), id=data.customer_id), "customer_id"
        ) from None
    taken = select(Member.id).where(Member.customer_id == data.customer_id)
    if ctx.session.scalar(taken) is not None:
        raise Conflict(
            said(ctx, N_("customer %(id)s is a member already"), id=data.customer_id), "customer_id"
        )
    values = changes_of(data)
    today = ctx.today()
    values["number"] = data.number or _next_number(ctx)
    values["card_code"] = data.card_code or _new_card_code(ctx)
    _unique(ctx, Member.number, values["number"], "number")
    _unique(ctx, Member.card_code, values["card_code"], "card_code")
    _linked(ctx, data.referrer_id, "referrer_id")
    _linked(ctx, data.household_id, "household_id")
    values["join_date"] = data.join_date or today
    values["birthday_key"] = rules.birthday_key(data.birthday, data.birthday_calendar)
    if data.end_date and data.start_date and data.end_date < data.start_date:
        raise ValidationError(said(ctx, N_("the membership ends before it starts")), "end_date")
    seed_tiers(ctx)
    lowest = tiers(ctx)[0]
    values.update(tier=lowest.key, tier_since=values["join_date"])
    values["tier_review_on"] = rules.add_months(values["join_date"], settings(ctx).review_months)
    member = create_record(ctx, MEMBERS, values, owner_id=customer.owner_id)
    member.status = status_of(ctx, member, today)
    ctx.session.add(
        TierChange(
            member_id=member.id, to_tier=lowest.key, cause="join", changed_on=values["join_date"]
        )
    )
    ctx.session.flush()
    return member


def get_member(ctx: Ctx, member_id: int) -> Member:
    """One member in the caller's scope, or NotFound."""
    return get_record(ctx, MEMBERS, member_id)


def update_member(ctx: Ctx, member_id: int, data: MemberUpdate) -> Member:
    """Change a membership's profile; its status follows its (new) dates."""
    member = get_member(ctx, member_id)
    changes = changes_of(data)
    for field in ("referrer_id", "household_id"):
        if field in changes:
            _linked(ctx, changes[field], field, member.id)
    start = changes.get("start_date", member.start_date)
    end = changes.get("end_date", member.end_date)
    if start and end and end < start:
        raise ValidationError(said(ctx, N_("the membership ends before it starts")), "end_date")
    update_record(ctx, MEMBERS, member, data.version, changes)
    member.birthday_key = rules.birthday_key(member.birthday, member.birthday_calendar)
    status = status_of(ctx, member)
    if status != member.status:
        _set_status(ctx, member, status)
    return member


def _set_status(ctx: Ctx, member: Member, status: str) -> None:
    old, member.status = member.status, status
    ctx.session.flush()
    ctx.fire(
        RecordUpdated(
            kind=MEMBER_KIND,
            record_id=member.id,
            user_id=ctx.user_id,
            changes={"status": [old, status]},
        )
    )


def renew(ctx: Ctx, member_id: int, months: int) -> Member:
    """Extend the membership by `months` from its end (or from today once expired)."""
    require(ctx.user, MODULE, "edit")
    if not 1 <= months <= 120:
        raise ValidationError(said(ctx, N_("renew by 1 to 120 months")), "months")
    member = get_member(ctx, member_id)
    today = ctx.today()
    start_from = member.end_date if member.end_date and member.status == "active" else today
    if member.end_date and member.status == "grace":
        start_from = member.end_date  # renewed in grace: no gap in the membership
    data = MemberUpdate(
        version=member.version,
        end_date=rules.add_months(start_from, months),
        start_date=member.start_date or today,
        cancelled_on=None,
    )
    return update_member(ctx, member_id, data)


def member_by_card(ctx: Ctx, code: str) -> Member:
    """The member in scope with this card code or member number, or NotFound."""
    code = code.strip()
    if not code:
        raise ValidationError(said(ctx, N_("enter a card code or member number")), "card")
    found = ctx.session.scalar(
        select(Member.id).where(
            (Member.card_code == code) | (Member.number == code), Member.deleted_at.is_(None)
        )
    )
    if found is None:
        raise NotFound(said(ctx, N_("no member with card %(card)s"), card=code), "card")
    return get_member(ctx, found)


def member_of_customer(ctx: Ctx, customer_id: int) -> Member | None:
    """The live membership of a customer (no scope check: callers show the customer)."""
    return ctx.session.scalar(
        select(Member).where(Member.customer_id == customer_id, Member.deleted_at.is_(None))
    )


# ---------------------------------------------------------------------------- transactions


def transaction_by_key(ctx: Ctx, external_id: str) -> Transaction | None:
    return ctx.session.scalar(select(Transaction).where(Transaction.external_id == external_id))


def record_transaction(ctx: Ctx, data: TransactionCreate, *, system: bool = False) -> Transaction:
    """Record a purchase (or, with `refund_of`, a refund) exactly once.

    The same `external_id` again returns the recorded transaction and changes nothing. A
    purchase earns points and may lift the tier at once; a refund (at most what is left of
    the purchase) reverses its share of the points earned. `system` (an order of the core)
    writes without the caller's membership rights."""
    if not system:
        require(ctx.user, MODULE, "create")
    data = msgspec.structs.replace(data, amount=Decimal(str(data.amount)))
    _amount(ctx, data.amount, "amount")
    known = transaction_by_key(ctx, data.external_id)
    if known is not None:
        if known.member_id != data.member_id:
            raise Conflict(
                said(ctx, N_("%(id)s belongs to another member"), id=data.external_id),
                "external_id",
            )
        return known
    if system:
        member = ctx.session.get(Member, data.member_id)
        if member is None or member.deleted_at is not None:
            raise NotFound(said(ctx, N_("member %(id)s not found"), id=data.member_id), "member_id")
    else:
        try:
            member = get_member(ctx, data.member_id)
        except NotFound:
            raise ValidationError(
                said(ctx, N_("member %(id)s not found"), id=data.member_id), "member_id"
            ) from None
    values = changes_of(data)
    refund_of = values.pop("refund_of", None)
    values["occurred_on"] = data.occurred_on or ctx.today()
    original = None
    if refund_of is not None:
        original = transaction_by_key(ctx, refund_of)
        if original is None or original.member_id != member.id or original.kind != "purchase":
            raise ValidationError(
                said(ctx, N_("no purchase %(id)s of this member"), id=refund_of), "refund_of"
            )
        left = original.amount + _refunded(ctx, original.id)
        if data.amount > left:
            raise ValidationError(
                said(
                    ctx, N_("at most %(left)s of %(id)s is left to refund"), left=left, id=refund_of
                ),
                "amount",
            )
        values.update(kind="refund", amount=-data.amount, refund_of_id=original.id)
        values.setdefault("category", original.category)
    else:
        values["kind"] = "purchase"
    txn = Transaction(
        **values, owner_id=member.owner_id, created_by_id=ctx.user_id, updated_by_id=ctx.user_id
    )
    ctx.session.add(txn)
    ctx.session.flush()
    ctx.fire(
        RecordCreated(
            kind=TRANSACTION_KIND,
            record_id=txn.id,
            user_id=ctx.user_id,
            values={"external_id": txn.external_id, "amount": str(txn.amount)},
        )
    )
    _count(member, txn)
    from plugins.membership import figures, points

    if original is None:
        figures.purchased(member, txn.occurred_on, txn.amount)
        points.earn(ctx, member, txn)
        evaluate_tier(ctx, member, "purchase")
    else:
        points.reverse(ctx, member, txn, original)
        evaluate_tier(ctx, member, "refund")
    ctx.session.flush()
    score_record(ctx, MEMBER_KIND, member.id)
    return txn


def _refunded(ctx: Ctx, purchase_id: int) -> Decimal:
    """The (negative) sum refunded of a purchase so far."""
    total = ctx.session.scalar(
        select(func.sum(Transaction.amount)).where(Transaction.refund_of_id == purchase_id)
    )
    return Decimal(total or 0)


def _count(member: Member, txn: Transaction) -> None:
    """The member's running figures after a transaction."""
    member.total_spend = (member.total_spend or ZERO) + txn.amount
    if txn.kind != "purchase":
        return
    member.purchase_count = (member.purchase_count or 0) + 1
    day = txn.occurred_on
    if member.last_purchase_on is None or day > member.last_purchase_on:
        member.last_purchase_on = day
    if member.first_purchase_on is None or day < member.first_purchase_on:
        member.first_purchase_on = day


def transactions_of(ctx: Ctx, member_id: int, limit: int = 50) -> list[Transaction]:
    """A member's latest transactions (the member must be in scope)."""
    get_member(ctx, member_id)
    query = (
        select(Transaction)
        .where(Transaction.member_id == member_id, Transaction.deleted_at.is_(None))
        .order_by(Transaction.occurred_on.desc(), Transaction.id.desc())
        .limit(limit)
    )
    return list(ctx.session.scalars(query))


def _no_delete(ctx: Ctx, record_id: int) -> None:
    """A transaction is never deleted (refund it); out of scope it is a 404 like any."""
    require(ctx.user, MODULE, "delete")
    get_record(ctx, TRANSACTIONS, record_id)
    raise Conflict(
        said(ctx, N_("a transaction stays in the history: record a refund instead")), "id"
    )


def _no_restore(ctx: Ctx, record_id: int) -> Any:
    require(ctx.user, MODULE, "delete")
    get_record(ctx, TRANSACTIONS, record_id, deleted=True)  # 409 when live, else 404
    raise Conflict(
        said(ctx, N_("transactions are never in the recycle bin")), "id"
    )  # pragma: no cover


# ---------------------------------------------------------------------------- tiers


def window_value(ctx: Ctx, member: Member, today: date | None = None) -> Decimal:
    """What the tier thresholds are checked against: the spend (net of refunds), or the
    points earned, of the rolling window ending `today`."""
    today = today or ctx.today()
    options = settings(ctx)
    since = today - timedelta(days=options.tier_window_days - 1)
    if options.tier_basis == "points":
        query = select(func.sum(PointsEntry.points)).where(
            PointsEntry.member_id == member.id,
            PointsEntry.entry.in_(("earn", "reverse")),
            PointsEntry.occurred_on.between(since, today),
        )
    else:
        # A refund counts on its purchase's day: it takes back spend of that window.
        purchase = aliased(Transaction)
        on = func.coalesce(purchase.occurred_on, Transaction.occurred_on)
        query = (
            select(func.sum(Transaction.amount))
            .outerjoin(purchase, purchase.id == Transaction.refund_of_id)
            .where(Transaction.member_id == member.id, on.between(since, today))
        )
    return Decimal(ctx.session.scalar(query) or 0)


def target_tier(ctx: Ctx, value: Decimal) -> Tier:
    """The highest tier whose threshold `value` reaches."""
    basis = settings(ctx).tier_basis
    every = tiers(ctx)
    reached = [t for t in every if value >= (t.min_points if basis == "points" else t.min_spend)]
    return reached[-1] if reached else every[0]


def evaluate_tier(ctx: Ctx, member: Member, cause: str, today: date | None = None) -> str:
    """Evaluate a member's tier now: upgrade at once, downgrade only from the review date,
    a new review period when it is due and the tier holds. Returns the move made."""
    today = today or ctx.today()
    seed_tiers(ctx)
    ranks = {t.key: t.rank for t in tiers(ctx)}
    target = target_tier(ctx, window_value(ctx, member, today))
    move = rules.tier_move(ranks.get(member.tier), target.rank, today, member.tier_review_on)
    review_next = rules.add_months(today, settings(ctx).review_months)
    if move in ("upgrade", "downgrade"):
        ctx.session.add(
            TierChange(
                member_id=member.id,
                from_tier=member.tier,
                to_tier=target.key,
                cause="review" if move == "downgrade" else cause,
                changed_on=today,
            )
        )
        old = member.tier
        member.tier, member.tier_since, member.tier_review_on = target.key, today, review_next
        member.previous_tier = old
        ctx.session.flush()
        ctx.fire(
            RecordUpdated(
                kind=MEMBER_KIND,
                record_id=member.id,
                user_id=ctx.user_id,
                changes={"tier": [old, target.key]},
            )
        )
    elif move == "renew":
        member.tier_review_on = review_next
    return move


def tier_history(ctx: Ctx, member_id: int) -> list[TierChange]:
    get_member(ctx, member_id)
    query = (
        select(TierChange)
        .where(TierChange.member_id == member_id)
        .order_by(TierChange.changed_on.desc(), TierChange.id.desc())
    )
    return list(ctx.session.scalars(query))


def multiplier_of(ctx: Ctx, tier_key: str) -> Decimal:
    found = ctx.session.scalar(select(Tier.multiplier).where(Tier.key == tier_key))
    return Decimal(found or 1)


# ---------------------------------------------------------------------------- points API


def redeem(ctx: Ctx, member_id: int, data: PointsIn) -> PointsEntry:
    """Take points from a member's balance for a reward (409 naming points when short)."""
    require(ctx.user, MODULE, "edit")
    from plugins.membership import points

    return points.take(ctx, get_member(ctx, member_id), data.points, "redeem", data.reason)


def adjust(ctx: Ctx, member_id: int, data: AdjustIn) -> PointsEntry:
    """Correct a balance by hand with a reason (needs `edit` on membership_points); audited
    in the member's history. The balance never goes below zero (409)."""
    require(ctx.user, POINTS_MODULE, "edit")
    from plugins.membership import points

    if data.points == 0:
        raise ValidationError(said(ctx, N_("an adjustment of 0 points changes nothing")), "points")
    member = get_member(ctx, member_id)
    before = member.points_balance
    if data.points > 0:
        entry = points.add_lot(ctx, member, data.points, "adjust", data.reason)
    else:
        entry = points.take(ctx, member, -data.points, "adjust", data.reason)
    ctx.fire(
        RecordUpdated(
            kind=MEMBER_KIND,
            record_id=member.id,
            user_id=ctx.user_id,
            changes={"points_balance": [before, f"{member.points_balance} ({data.reason})"]},
        )
    )
    return entry


# ---------------------------------------------------------------------------- declarations


def _member_out(ctx: Ctx, member: Member, tags: list[str] | None = None) -> MemberOut:
    values = {
        name: getattr(member, name)
        for name in MemberOut.__struct_fields__
        if name not in ("ext", "tags")
    }
    return MemberOut(**values, ext=member.ext or {}, tags=tags or [])


def _choices(labels: dict[str, str], zh: dict[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(key=k, label_zh=zh[k], label_en=v) for k, v in labels.items())


STATUS_ZH = {
    "applicant": "申请中",
    "active": "有效",
    "grace": "宽限期",
    "expired": "已过期",
    "cancelled": "已取消",
}
SEGMENT_ZH = {
    "champions": "冠军客户",
    "loyal": "忠诚客户",
    "potential": "潜力客户",
    "new": "新客户",
    "at_risk": "流失风险",
    "cant_lose": "不能失去",
    "hibernating": "休眠客户",
    "lost": "已流失",
}
TYPE_CHOICES = (
    Choice(key="individual", label_zh="个人", label_en="Individual"),
    Choice(key="family", label_zh="家庭", label_en="Family"),
    Choice(key="corporate", label_zh="企业", label_en="Corporate"),
)
CALENDAR_CHOICES = (
    Choice(key="solar", label_zh="公历", label_en="Solar"),
    Choice(key="lunar", label_zh="农历", label_en="Lunar"),
)
CHANNEL_CHOICES = (
    Choice(key="store", label_zh="门店", label_en="Store"),
    Choice(key="online", label_zh="网店", label_en="Online"),
    Choice(key="phone", label_zh="电话", label_en="Phone"),
    Choice(key="wechat", label_zh="微信", label_en="WeChat"),
)
PAYMENT_CHOICES = (
    Choice(key="cash", label_zh="现金", label_en="Cash"),
    Choice(key="card", label_zh="银行卡", label_en="Bank card"),
    Choice(key="wechat_pay", label_zh="微信支付", label_en="WeChat Pay"),
    Choice(key="alipay", label_zh="支付宝", label_en="Alipay"),
    Choice(key="stored_value", label_zh="储值卡", label_en="Stored-value card"),
    Choice(key="credit", label_zh="赊账", label_en="On credit"),
)
KIND_CHOICES = (
    Choice(key="purchase", label_zh="购买", label_en="Purchase"),
    Choice(key="refund", label_zh="退货退款", label_en="Refund"),
)


def _f(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


MEMBER_FIELDS = (
    _f("number", "text", "会员号", "Member number"),
    _f("card_code", "text", "卡号", "Card code"),
    _f("customer_id", "number", "客户", "Customer", required=True),
    _f("status", "single_choice", "状态", "Status", choices=_choices(STATUS_LABELS, STATUS_ZH)),
    _f("tier", "text", "等级", "Tier"),
    _f("membership_type", "single_choice", "会员类型", "Membership type", choices=TYPE_CHOICES),
    _f("points_balance", "number", "积分余额", "Points balance"),
    _f("total_spend", "money", "累计消费", "Total spend"),
    _f("purchase_count", "number", "购买次数", "Purchases"),
    _f("last_purchase_on", "date", "最近购买", "Last purchase"),
    _f(
        "rfm_segment",
        "single_choice",
        "RFM 分群",
        "RFM segment",
        choices=_choices(SEGMENT_LABELS, SEGMENT_ZH),
    ),
    _f("join_date", "date", "入会日期", "Joined"),
    _f("start_date", "date", "生效日期", "Start date"),
    _f("end_date", "date", "到期日期", "End date"),
    _f("cancelled_on", "date", "取消日期", "Cancelled on"),
    _f("tier_review_on", "date", "等级复核日", "Tier review date"),
    _f("home_store", "text", "归属门店", "Home store"),
    _f("referrer_id", "number", "推荐人（会员编号）", "Referrer (member id)"),
    _f("household_id", "number", "家庭（户主会员编号）", "Household (head's member id)"),
    _f("birthday", "date", "生日", "Birthday"),
    _f(
        "birthday_calendar",
        "single_choice",
        "生日历法",
        "Birthday calendar",
        choices=CALENDAR_CHOICES,
    ),
    _f("consent_phone", "boolean", "同意电话联系", "Phone consent"),
    _f("consent_sms", "boolean", "同意短信", "SMS consent"),
    _f("consent_email", "boolean", "同意邮件", "Email consent"),
    _f("consent_wechat", "boolean", "同意微信联系", "WeChat consent"),
    _f("wechat", "text", "微信号", "WeChat ID"),
    _f("tier_since", "date", "等级生效日期", "Tier since"),
    _f("previous_tier", "text", "原等级", "Previous tier"),
    _f("points_issued", "number", "累计发放积分", "Points issued"),
    _f("points_redeemed", "number", "累计兑换积分", "Points redeemed"),
    _f("points_expired", "number", "累计过期积分", "Points expired"),
    _f("referrals", "number", "推荐会员数", "Members referred"),
    _f("referred_spend", "money", "被推荐会员消费", "Spend of members referred"),
    _f("care_rule", "text", "最近关怀", "Latest care"),
    _f("cared_on", "date", "关怀日期", "Cared for on"),
    _f("care_converted_on", "date", "关怀后首次购买", "First purchase after care"),
    _f("care_spend", "money", "关怀后消费", "Spend after care"),
    _f("r_score", "number", "R 分", "R score"),
    _f("f_score", "number", "F 分", "F score"),
    _f("m_score", "number", "M 分", "M score"),
)

TRANSACTION_FIELDS = (
    _f("external_id", "text", "交易号", "Transaction id", required=True),
    _f("member_id", "number", "会员", "Member", required=True),
    _f("occurred_on", "date", "日期", "Date"),
    _f("amount", "money", "金额", "Amount", required=True),
    _f("kind", "single_choice", "类型", "Kind", choices=KIND_CHOICES),
    _f("store", "text", "门店", "Store"),
    _f("channel", "single_choice", "渠道", "Channel", choices=CHANNEL_CHOICES),
    _f("payment_method", "single_choice", "支付方式", "Payment method", choices=PAYMENT_CHOICES),
    _f("category", "text", "品类", "Category"),
    _f("items", "number", "件数", "Items"),
)


def _transaction_out(ctx: Ctx, txn: Transaction, tags: list[str] | None = None) -> TransactionOut:
    values = {
        name: getattr(txn, name)
        for name in TransactionOut.__struct_fields__
        if name not in ("ext", "tags")
    }
    return TransactionOut(**values, ext=txn.ext or {}, tags=tags or [])


def _member_refs(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    return {
        "refs": {
            "customer_id": customer_names(ctx, {row.customer_id for row in rows}),
            "tier": tier_names(ctx),
        }
    }


def _member_detail(ctx: Ctx, member: Any) -> dict[str, Any]:
    from plugins.membership.pages import member_context

    return member_context(ctx, member) if member is not None else {}


def _member_labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    names = tier_names(ctx)
    return {"tier": names, "previous_tier": names}


def _message_to(ctx: Ctx, member: Member, channel: str, run: Any) -> tuple[str, int]:
    from plugins.membership.care import message_to

    return message_to(ctx, member, channel, run)


def _pages() -> Any:
    from kht.plugin_api import RecordAction, RecordPages

    return RecordPages(
        badge="status",
        subtitle="tier",
        form_fields=(
            "customer_id",
            "membership_type",
            "start_date",
            "end_date",
            "cancelled_on",
            "home_store",
            "referrer_id",
            "household_id",
            "birthday",
            "birthday_calendar",
            "consent_phone",
            "consent_sms",
            "consent_email",
            "consent_wechat",
            "wechat",
        ),
        list_filters=("status", "tier", "rfm_segment", "home_store"),
        list_actions=(
            RecordAction(
                key="membership_lookup",
                label_zh="按卡号查找",
                label_en="Find by card",
                url="/membership/lookup",
            ),
        ),
        labels=_member_labels,
        list_context=_member_refs,
        detail_context=_member_detail,
        detail_template="membership/member.html",
    )


MEMBERS = RecordKind(
    kind=MEMBER_KIND,
    model=Member,
    module=MODULE,
    label_zh="会员",
    label_en="Members",
    plural="members",
    fields=MEMBER_FIELDS,
    searchable=("number", "card_code", "wechat", "home_store"),
    default_sort="-updated_at",
    create_schema=MemberCreate,
    update_schema=MemberUpdate,
    out_schema=MemberOut,
    to_out=_member_out,
    create=create_member,
    update=update_member,
    # Status, tier and figures are computed: no cell of the list is typed into.
    inline_edit=False,
    pages=_pages(),
    # Mail and SMS of care rules go to the member's customer, with the member's consent.
    message_to=_message_to,
)

TRANSACTIONS = RecordKind(
    kind=TRANSACTION_KIND,
    model=Transaction,
    module=MODULE,
    label_zh="会员交易",
    label_en="Member transactions",
    plural="member_transactions",
    fields=TRANSACTION_FIELDS,
    searchable=("external_id", "store", "category"),
    default_sort="-occurred_on",
    create_schema=TransactionCreate,
    update_schema=TransactionUpdate,
    out_schema=TransactionOut,
    to_out=_transaction_out,
    create=record_transaction,
    delete=_no_delete,
    restore=_no_restore,
    owned=False,
    inline_edit=False,
)
