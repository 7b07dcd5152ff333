"""What forecast, funnel and payment forecast share: scope, filters, exact money sums."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, select

from kht.auth.models import User
from kht.auth.scope import owned_by_visible
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.org.models import BusinessLine, Department
from kht.sales.opportunities.models import Opportunity

MODULE = "opportunities"
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round once, at the end, to cents (half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(
    part: Decimal | int, whole: Decimal | int | None, places: str = "0.0001"
) -> Decimal | None:
    """part / whole rounded half up, or None when there is no whole to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


class Sums:
    """Money sums that are exact on every database.

    PostgreSQL sums NUMERIC exactly. SQLite keeps NUMERIC as binary floating point, so there
    each amount is turned into whole cents first and the integers are summed.
    """

    def __init__(self, ctx: Ctx) -> None:
        self.sqlite = ctx.session.get_bind().dialect.name == "sqlite"

    def cents(self, expr: Any) -> Any:
        return cast(func.round(expr * 100), Integer) if self.sqlite else expr

    def value(self, raw: Any, scale: int = 0) -> Decimal:
        """A summed value back as an exact Decimal; `scale` counts extra factors of 100."""
        if raw is None:
            return Decimal("0")
        number = Decimal(raw) if not isinstance(raw, float) else Decimal(repr(raw))
        if self.sqlite:
            number /= 100
        return number / (Decimal(100) ** scale) if scale else number


def in_scope(ctx: Ctx) -> ColumnElement[bool]:
    """Live opportunities whose owner lies in the user's scope on opportunities (or whose
    record team, or their customer's, has the user on it)."""
    from kht.record_service import shared_of
    from kht.sales.opportunities.service import SPEC

    return Opportunity.deleted_at.is_(None) & owned_by_visible(
        ctx.user, Opportunity.owner_id, MODULE, shared=shared_of(SPEC)
    )


def department(
    ctx: Ctx, department_id: int | None, field: str = "department_id"
) -> Department | None:
    """The department asked for (None: none asked), or 404 when it does not exist."""
    if department_id is None:
        return None
    found = ctx.session.get(Department, department_id)
    if found is None:
        raise NotFound(f"department {department_id} not found", field)
    return found


def subtree(root: Department) -> Any:
    """A SELECT of the ids of `root` and every department under it (one LIKE on `path`)."""
    return select(Department.id).where(Department.path.startswith(root.path, autoescape=True))


def check_user(ctx: Ctx, user_id: int | None, field: str = "owner_id") -> None:
    if user_id is not None and ctx.session.get(User, user_id) is None:
        raise ValidationError(f"user {user_id} does not exist", field)


def check_line(ctx: Ctx, line_id: int | None, field: str = "product_line_id") -> None:
    if line_id is not None and ctx.session.get(BusinessLine, line_id) is None:
        raise ValidationError(f"product line {line_id} does not exist", field)


def filters(
    ctx: Ctx,
    *,
    owner_id: int | None = None,
    department_id: int | None = None,
    product_line_id: int | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE clauses on Opportunity for the optional filters (scope included)."""
    check_user(ctx, owner_id)
    check_line(ctx, product_line_id)
    root = department(ctx, department_id)
    clauses = [in_scope(ctx)]
    if owner_id is not None:
        clauses.append(Opportunity.owner_id == owner_id)
    if root is not None:
        clauses.append(Opportunity.department_id.in_(subtree(root)))
    if product_line_id is not None:
        clauses.append(Opportunity.product_line_id == product_line_id)
    return clauses
