"""The shared customer pool (公海): listing, claiming, releasing, and reclaim by category rules.

A customer with no owner sits in the pool, visible to everyone who may view customers (see
kht.auth.scope). Claiming takes it atomically (one winner when two people click at once);
releasing puts it back with a reason; `reclaim` returns customers nobody followed up for their
category's `reclaim_days`. Every ownership move is audited as an update of `owner_id` whose
`reason` entry says why.
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select, update

from kht import record_service as records
from kht.audit.models import AuditEntry
from kht.auth.models import User
from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible
from kht.context import Ctx
from kht.customers.models import Customer, CustomerCategory
from kht.customers.service import KIND, MODULE, SPEC, get_customer
from kht.errors import Conflict, Forbidden, NotFound, ValidationError
from kht.events import RecordUpdated
from kht.lists.engine import count

# Defaults when neither the settings nor the environment say otherwise; 0 switches a limit off.
DEFAULT_MAX_OWNED = 300
DEFAULT_MAX_CLAIMS_PER_DAY = 30
LIMITS = {
    "pool_max_owned": ("KHT_POOL_MAX_OWNED", DEFAULT_MAX_OWNED),
    "pool_max_claims_per_day": ("KHT_POOL_MAX_CLAIMS_PER_DAY", DEFAULT_MAX_CLAIMS_PER_DAY),
}
REASON_MAX = 300
# How long the loser of a race for a pool customer is told "someone else claimed it" (409).
RACE_WINDOW = timedelta(minutes=1)


def limit(ctx: Ctx, name: str) -> int:
    """A pool limit: `ctx.settings.<name>` if Settings has it, else its KHT_* variable, else
    the default. `name` is `pool_max_owned` or `pool_max_claims_per_day`; 0 means no limit."""
    env_name, default = LIMITS[name]
    value = getattr(ctx.settings, name, None)
    if value is None:
        raw = os.environ.get(env_name, "").strip()
        value = int(raw) if raw.isdigit() else default
    return max(0, int(value))


# ---- reading -----------------------------------------------------------------------------------


def pool_query(ctx: Ctx, q: str = "") -> Select[tuple[Customer]]:
    """Live customers in the pool (anyone who may view customers sees them all)."""
    require(ctx.user, MODULE, "view")
    query = records.visible(ctx, SPEC).where(Customer.owner_id.is_(None))
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(
            or_(Customer.name.like(like), Customer.phone.like(like), Customer.email.like(like))
        )
    return query


def list_pool(
    ctx: Ctx, *, page: int = 1, page_size: int = 50, q: str = ""
) -> tuple[list[Customer], int]:
    """A page of pool customers, the longest-waiting first, and the total count."""
    query = pool_query(ctx, q)
    total = count(ctx.session, query)
    ordered = query.order_by(Customer.updated_at, Customer.id)
    rows = ctx.session.scalars(ordered.offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def owned_count(ctx: Ctx, user_id: int) -> int:
    """How many live customers `user_id` owns."""
    query = select(func.count()).where(Customer.owner_id == user_id, Customer.deleted_at.is_(None))
    return ctx.session.scalar(query) or 0


def _day_start(ctx: Ctx) -> datetime:
    """Midnight today in the acting user's time zone (a claim day is the user's day)."""
    zone = ZoneInfo(getattr(ctx.user, "time_zone", None) or "Asia/Shanghai")
    local = ctx.now().astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


def claims_today(ctx: Ctx, user_id: int) -> int:
    """How many customers `user_id` took from the pool today (released ones still count)."""
    rows = ctx.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.kind == KIND,
            AuditEntry.action == "update",
            AuditEntry.user_id == user_id,
            AuditEntry.at >= _day_start(ctx),
        )
    )
    return sum(1 for changes in rows if (changes or {}).get("owner_id") == [None, user_id])


# ---- claiming ----------------------------------------------------------------------------------


def _check_limits(ctx: Ctx, user_id: int) -> None:
    max_owned = limit(ctx, "pool_max_owned")
    if max_owned and owned_count(ctx, user_id) >= max_owned:
        raise Conflict(
            f"you already own {max_owned} customers, the most allowed; "
            "release some before claiming more"
        )
    max_claims = limit(ctx, "pool_max_claims_per_day")
    if max_claims and claims_today(ctx, user_id) >= max_claims:
        raise Conflict(f"you have claimed {max_claims} customers today, the daily maximum")


def claim(ctx: Ctx, customer_id: int) -> Customer:
    """Take a customer from the pool for the acting user.

    Atomic: the UPDATE only matches while the customer has no owner, so of two concurrent
    claims one wins and the other gets Conflict (409). A customer that left the pool is a
    Conflict too when the caller may know of it (see `_refuse_claim`); a missing, deleted or
    out-of-scope one is NotFound. The per-user limits (owned customers, claims per day) are
    Conflicts with a message saying which.
    """
    user = require(ctx.user, MODULE, "edit")
    # Serialise one user's claims on PostgreSQL so two tabs cannot both pass the limits.
    ctx.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    _check_limits(ctx, user.id)
    now = ctx.now()
    taken = ctx.session.execute(
        update(Customer)
        .where(
            Customer.id == customer_id,
            Customer.owner_id.is_(None),
            Customer.deleted_at.is_(None),
        )
        .values(
            owner_id=user.id,
            claimed_at=now,
            version=Customer.version + 1,
            updated_at=now,
            updated_by_id=user.id,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        _refuse_claim(ctx, customer_id)
    ctx.fire(
        RecordUpdated(
            kind=KIND,
            record_id=customer_id,
            user_id=user.id,
            changes=records.plain({"owner_id": [None, user.id], "claimed_at": [None, now]}),
        )
    )
    customer = ctx.session.get(Customer, customer_id, populate_existing=True)
    assert customer is not None
    return customer


def _refuse_claim(ctx: Ctx, customer_id: int) -> None:
    """Why a claim took nothing: 409 when the caller may know of the customer, else 404.

    They may when it is in their scope, or when a claim took it from the pool within
    `RACE_WINDOW` (they lost a race for a customer the pool showed to everyone). Any other
    customer answers word for word as a missing id does: out of scope looks like missing.
    """
    known = or_(
        owned_by_visible(ctx.user, Customer.owner_id, MODULE),
        Customer.claimed_at >= ctx.now() - RACE_WINDOW,
    )
    live = select(Customer.id).where(
        Customer.id == customer_id, Customer.deleted_at.is_(None), known
    )
    if ctx.session.scalar(live) is None:
        raise NotFound(f"customer {customer_id} not found")
    raise Conflict("this customer is no longer in the shared pool: someone else claimed it")


# ---- releasing and reclaiming ------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the customer goes back to the pool", "reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"the reason is longer than {REASON_MAX} characters", "reason")
    return reason


def release_to_pool(ctx: Ctx, customer_id: int, version: int, reason: str) -> Customer:
    """Put a customer back into the pool, with a reason kept in its history.

    Allowed to its owner (with edit permission) and to managers who may assign customers in
    their scope. A stale `version` is a Conflict and changes nothing.
    """
    require(ctx.user, MODULE, "edit")
    customer = get_customer(ctx, customer_id)
    if customer.owner_id is None:
        raise Conflict("this customer is already in the shared pool")
    if customer.owner_id != ctx.user_id and not ctx.user.can(MODULE, "assign"):
        raise Forbidden("only the owner or a manager may release this customer")
    if version != customer.version:
        raise Conflict(f"customer {customer_id} was changed by someone else; reload it", "version")
    reason = _clean_reason(reason)
    changes = {
        "owner_id": [customer.owner_id, None],
        "claimed_at": [customer.claimed_at, None],
        "reason": [None, reason],
    }
    customer.owner_id = None
    customer.claimed_at = None
    customer.updated_by_id = ctx.user_id
    ctx.session.flush()
    ctx.fire(
        RecordUpdated(
            kind=KIND, record_id=customer.id, user_id=ctx.user_id, changes=records.plain(changes)
        )
    )
    return customer


def reclaim_cause(days: int) -> str:
    """The reason written to the history of a reclaimed customer."""
    return f"reclaimed after {days} days without follow-up"


def overdue(category_id: int, cutoff: datetime) -> Any:
    """A WHERE clause: owned, live customers of the category untouched since `cutoff`.

    Touched means contacted, or claimed (a new owner gets the full period), or, for a
    customer never contacted nor claimed, created after `cutoff`.
    """
    c = Customer
    return and_(
        c.category_id == category_id,
        c.owner_id.is_not(None),
        c.deleted_at.is_(None),
        or_(c.last_contact_at.is_(None), c.last_contact_at < cutoff),
        or_(c.claimed_at.is_(None), c.claimed_at < cutoff),
        or_(c.last_contact_at.is_not(None), c.claimed_at.is_not(None), c.created_at < cutoff),
    )


def reclaim(ctx: Ctx, now: datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Return to the pool every customer left without follow-up for its category's days.

    Returns {category name: customers reclaimed} (only categories with reclaim_days). Runs as
    the system (`ctx.user` None: the worker, the CLI) or as an administrator of customers;
    with `dry_run` nothing changes and the counts say what would move.
    """
    if ctx.user is not None:
        require(ctx.user, MODULE, "admin")
    categories = ctx.session.scalars(
        select(CustomerCategory)
        .where(CustomerCategory.reclaim_days.is_not(None), CustomerCategory.reclaim_days > 0)
        .order_by(CustomerCategory.position, CustomerCategory.id)
    )
    counts: dict[str, int] = {}
    for category in list(categories):
        cutoff = now - timedelta(days=category.reclaim_days or 0)
        rows = ctx.session.execute(
            select(Customer.id, Customer.owner_id).where(overdue(category.id, cutoff))
        ).all()
        counts[category.name] = len(rows)
        if rows and not dry_run:
            _return_to_pool(ctx, rows, now, reclaim_cause(category.reclaim_days or 0))
    return counts


def _return_to_pool(ctx: Ctx, rows: list[Any], now: datetime, cause: str) -> None:
    ids = [row.id for row in rows]
    ctx.session.execute(
        update(Customer)
        .where(Customer.id.in_(ids), Customer.owner_id.is_not(None))
        .values(
            owner_id=None,
            claimed_at=None,
            version=Customer.version + 1,
            updated_at=now,
            updated_by_id=ctx.user_id,
        )
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        ctx.fire(
            RecordUpdated(
                kind=KIND,
                record_id=row.id,
                user_id=ctx.user_id,
                changes={"owner_id": [row.owner_id, None], "reason": [None, cause]},
            )
        )


def run_reclaim(runtime: Any, *, dry_run: bool = False) -> dict[str, int]:
    """The worker's entry point: one reclaim run in its own transaction, as the system."""
    with runtime.ctx() as ctx:
        return reclaim(ctx, ctx.now(), dry_run=dry_run)


__all__ = [
    "claim",
    "claims_today",
    "limit",
    "list_pool",
    "owned_count",
    "pool_query",
    "reclaim",
    "reclaim_cause",
    "release_to_pool",
    "run_reclaim",
]
