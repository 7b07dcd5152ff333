"""Customer categories: a name, a display position, the reclaim rule of the pool and the
wallet estimated for the customer value."""

from __future__ import annotations

from decimal import Decimal

from msgspec import UNSET
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kht.auth.permissions import require
from kht.context import Ctx
from kht.customers.models import Customer, CustomerCategory
from kht.errors import Conflict, NotFound, ValidationError
from kht.pool.schemas import CategoryIn, CategoryUpdate

MODULE = "customers"


def list_categories(ctx: Ctx) -> list[CustomerCategory]:
    """Every category, in display order (anyone who may view customers sees them)."""
    require(ctx.user, MODULE, "view")
    query = select(CustomerCategory).order_by(CustomerCategory.position, CustomerCategory.id)
    return list(ctx.session.scalars(query))


def get_category(ctx: Ctx, category_id: int) -> CustomerCategory:
    """One category, or NotFound."""
    require(ctx.user, MODULE, "view")
    category = ctx.session.get(CustomerCategory, category_id)
    if category is None:
        raise NotFound(f"category {category_id} not found")
    return category


def _check_name(ctx: Ctx, name: str, category_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("the category name is required", "name")
    query = select(CustomerCategory.id).where(func.lower(CustomerCategory.name) == name.lower())
    if category_id is not None:
        query = query.where(CustomerCategory.id != category_id)
    if ctx.session.scalar(query) is not None:
        raise Conflict(f"a category named {name!r} already exists", "name")
    return name


def _wallet(value: Decimal | None) -> Decimal | None:
    """A wallet estimate: money, 0 or more, in cents (None: not estimated); else a 422."""
    from kht.sales.quotes.pricing import check_money

    return None if value is None else check_money(value, "wallet")


def _flush(ctx: Ctx) -> None:
    try:
        ctx.session.flush()
    except IntegrityError:  # a concurrent create with the same name
        raise Conflict("a category with this name already exists", "name") from None


def create_category(ctx: Ctx, data: CategoryIn) -> CustomerCategory:
    """Add a category (administrators of customers only)."""
    require(ctx.user, MODULE, "admin")
    category = CustomerCategory(
        name=_check_name(ctx, data.name),
        reclaim_days=data.reclaim_days or None,
        position=data.position,
        wallet=_wallet(data.wallet),
    )
    ctx.session.add(category)
    _flush(ctx)
    return category


def update_category(ctx: Ctx, category_id: int, data: CategoryUpdate) -> CustomerCategory:
    """Rename, reorder or change the reclaim rule of a category (0 or null: never reclaim)."""
    require(ctx.user, MODULE, "admin")
    category = get_category(ctx, category_id)
    if data.name is not UNSET:
        category.name = _check_name(ctx, data.name, category.id)
    if data.position is not UNSET:
        category.position = data.position
    if data.reclaim_days is not UNSET:
        category.reclaim_days = data.reclaim_days or None
    wallet = category.wallet
    if data.wallet is not UNSET:
        category.wallet = _wallet(data.wallet)
    _flush(ctx)
    if category.wallet != wallet:
        # The wallet gap of every customer of the category moves with it.
        from kht.value.customer import recompute_all

        recompute_all(ctx, Customer.category_id == category.id)
    return category


def delete_category(ctx: Ctx, category_id: int) -> None:
    """Remove a category; its customers keep existing, without a category."""
    require(ctx.user, MODULE, "admin")
    ctx.session.delete(get_category(ctx, category_id))
    ctx.session.flush()
