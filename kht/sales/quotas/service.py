"""Sales quotas (销售定额): the only code that creates, changes or deletes quotas.

A quota is the revenue target of one user, department or branch for one month, quarter or
year. Who sees which quotas follows the role's data scope on the `quotas` module, read for
targets: `department_tree` sees the users and departments of the manager's subtree,
`department` those of the own department, `branch` the own branch and its users, `all`
everything. Everybody sees the quotas set for themselves (a sales rep's role grants nothing
on `quotas`, yet a rep may look at their own target). Creating, changing and deleting need
the role's create/edit/delete on `quotas` and a target inside that scope.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, and_, false, literal, or_, select, true

from kht.auth.models import User
from kht.auth.permissions import Principal, require
from kht.context import Ctx
from kht.errors import Conflict, Forbidden, NotAuthenticated, NotFound, ValidationError
from kht.events import RecordCreated, RecordDeleted, RecordUpdated
from kht.org.models import Branch, Department, user_business_lines
from kht.products.models import money_value
from kht.record_service import plain
from kht.sales.quotas import periods
from kht.sales.quotas.models import PERIODS, TARGETS, Quota
from kht.sales.quotas.schemas import QuotaCreate, QuotaUpdate

KIND = "quota"
MODULE = "quotas"
TARGET_MODELS: dict[str, Any] = {"user": User, "department": Department, "branch": Branch}


def _user(ctx: Ctx) -> Principal:
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    return ctx.user


def allowed_targets(user: Principal) -> dict[str, Any]:
    """Per target type: True (every target) or a SELECT of the target ids `user` may see."""
    scope = user.scope(MODULE)
    if scope == "all":
        return dict.fromkeys(TARGETS, True)
    nothing = select(literal(0)).where(false())
    users: Select[Any] = select(User.id).where(User.id == user.id)
    departments: Select[Any] = nothing
    branches: Select[Any] = nothing
    if scope == "department" and user.department_id is not None:
        users = select(User.id).where(User.department_id == user.department_id)
        departments = select(literal(user.department_id))
    elif scope == "department_tree" and user.department_path is not None:
        subtree = select(Department.id).where(
            Department.path.startswith(user.department_path, autoescape=True)
        )
        users = select(User.id).where(User.department_id.in_(subtree))
        departments = subtree
    elif scope == "branch" and user.branch_id is not None:
        users = select(User.id).where(User.branch_id == user.branch_id)
        branches = select(literal(user.branch_id))
    elif scope == "business_line" and user.business_line_ids:
        users = select(user_business_lines.c.user_id).where(
            user_business_lines.c.business_line_id.in_(user.business_line_ids)
        )
    if scope not in (None, "own"):
        users = users.union(select(literal(user.id)))  # type: ignore[assignment]
    return {"user": users, "department": departments, "branch": branches}


def visible_clause(user: Principal | None) -> ColumnElement[bool]:
    """A WHERE clause on Quota: the quotas `user` may see."""
    if user is None:
        raise NotAuthenticated("log in first")
    parts = []
    for target, ids in allowed_targets(user).items():
        inside = true() if ids is True else Quota.target_id.in_(ids)
        parts.append(and_(Quota.target_type == target, inside))
    return or_(*parts)


def _in_scope(ctx: Ctx, target_type: str, target_id: int) -> bool:
    ids = allowed_targets(_user(ctx))[target_type]
    if ids is True:
        return True
    found = ctx.session.scalar(select(literal(1)).where(literal(target_id).in_(ids)))
    return found is not None


def _check_target(ctx: Ctx, target_type: str, target_id: int) -> None:
    if target_type not in TARGETS:
        raise ValidationError(f"target_type must be one of: {', '.join(TARGETS)}", "target_type")
    if ctx.session.get(TARGET_MODELS[target_type], target_id) is None:
        raise ValidationError(f"{target_type} {target_id} does not exist", "target_id")
    if not _in_scope(ctx, target_type, target_id):
        raise Forbidden(f"{target_type} {target_id} is outside your scope", "target_id")


def _amount(value: Any) -> Decimal:
    return money_value("amount", value)


def list_quotas(
    ctx: Ctx,
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    period: str | None = None,
    year: int | None = None,
) -> list[Quota]:
    """The quotas the user may see, by target and period start; each filter is optional."""
    query = select(Quota).where(visible_clause(ctx.user))
    if target_type:
        if target_type not in TARGETS:
            raise ValidationError(
                f"target_type must be one of: {', '.join(TARGETS)}", "target_type"
            )
        query = query.where(Quota.target_type == target_type)
    if target_id is not None:
        query = query.where(Quota.target_id == target_id)
    if period:
        query = query.where(Quota.period == periods.check_period(period))
    if year is not None:
        if not 1900 <= year <= 2999:
            raise ValidationError("year must be between 1900 and 2999", "year")
        query = query.where(
            Quota.period_start >= date(year, 1, 1), Quota.period_start < date(year + 1, 1, 1)
        )
    order = (Quota.target_type, Quota.target_id, Quota.period, Quota.period_start)
    return list(ctx.session.scalars(query.order_by(*order)))


def get_quota(ctx: Ctx, quota_id: int) -> Quota:
    """One quota the user may see, or NotFound (missing and out of scope look the same)."""
    quota = ctx.session.scalar(select(Quota).where(Quota.id == quota_id, visible_clause(ctx.user)))
    if quota is None:
        raise NotFound(f"quota {quota_id} not found")
    return quota


def create_quota(ctx: Ctx, data: QuotaCreate) -> Quota:
    """Set a target's quota for a period; a second quota for the same target and period is 409."""
    require(ctx.user, MODULE, "create")
    period = periods.check_period(data.period)
    start = periods.check_start(period, data.period_start)
    _check_target(ctx, data.target_type, data.target_id)
    values = {
        "target_type": data.target_type,
        "target_id": data.target_id,
        "period": period,
        "period_start": start,
        "amount": _amount(data.amount),
        "currency": data.currency,
    }
    clash = ctx.session.scalar(
        select(Quota.id).where(
            Quota.target_type == data.target_type,
            Quota.target_id == data.target_id,
            Quota.period == period,
            Quota.period_start == start,
        )
    )
    if clash is not None:
        raise Conflict(
            f"{data.target_type} {data.target_id} already has a {period} quota "
            f"from {start.isoformat()} (quota {clash})",
            "period_start",
        )
    quota = Quota(**values, created_by_id=ctx.user_id, updated_by_id=ctx.user_id)
    ctx.session.add(quota)
    ctx.session.flush()
    ctx.fire(
        RecordCreated(kind=KIND, record_id=quota.id, user_id=ctx.user_id, values=plain(values))
    )
    return quota


def update_quota(ctx: Ctx, quota_id: int, data: QuotaUpdate) -> Quota:
    """Change a quota's amount or currency; a stale `version` is a 409 and changes nothing."""
    require(ctx.user, MODULE, "edit")
    quota = get_quota(ctx, quota_id)
    if not _in_scope(ctx, quota.target_type, quota.target_id):
        raise Forbidden(f"quota {quota_id} is outside your scope")
    if data.version != quota.version:
        raise Conflict(f"quota {quota_id} was changed by someone else; reload it", "version")
    changes: dict[str, Any] = {}
    if data.amount is not msgspec.UNSET:
        changes["amount"] = _amount(data.amount)
    if data.currency is not msgspec.UNSET:
        changes["currency"] = data.currency
    diff = {k: [getattr(quota, k), v] for k, v in changes.items() if getattr(quota, k) != v}
    for key, value in changes.items():
        setattr(quota, key, value)
    if diff:
        quota.updated_by_id = ctx.user_id
        ctx.session.flush()
        ctx.fire(
            RecordUpdated(kind=KIND, record_id=quota.id, user_id=ctx.user_id, changes=plain(diff))
        )
    return quota


def delete_quota(ctx: Ctx, quota_id: int) -> None:
    """Remove a quota for good (quotas have no recycle bin; the audit log keeps the amount)."""
    require(ctx.user, MODULE, "delete")
    quota = get_quota(ctx, quota_id)
    if not _in_scope(ctx, quota.target_type, quota.target_id):
        raise Forbidden(f"quota {quota_id} is outside your scope")
    ctx.session.delete(quota)
    ctx.session.flush()
    ctx.fire(RecordDeleted(kind=KIND, record_id=quota_id, user_id=ctx.user_id, hard=True))


def target_names(ctx: Ctx, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The names of (target_type, target_id) pairs (users, departments, branches)."""
    names: dict[tuple[str, int], str] = {}
    for target, model in TARGET_MODELS.items():
        ids = {target_id for kind, target_id in pairs if kind == target}
        if ids:
            rows = ctx.session.execute(select(model.id, model.name).where(model.id.in_(ids)))
            names.update({(target, row.id): row.name for row in rows})
    return names


def visible_targets(ctx: Ctx, target_type: str) -> list[tuple[int, str]]:
    """(id, name) of every target of a type the user may see quotas of: users and branches by
    name, departments in tree order (each after its parent, sub-departments indented)."""
    if target_type not in TARGETS:
        raise ValidationError(f"target_type must be one of: {', '.join(TARGETS)}", "target_type")
    model = TARGET_MODELS[target_type]
    ids = allowed_targets(_user(ctx))[target_type]
    if model is Department:
        every = {
            row.id: row
            for row in ctx.session.execute(select(Department.id, Department.name, Department.path))
        }

        def trail(row: Any) -> list[str]:
            parts = [int(p) for p in row.path.strip("/").split("/") if p.isdigit()]
            return [every[p].name if p in every else "" for p in parts]

        shown = (
            set(every)
            if ids is True
            else set(ctx.session.scalars(select(Department.id).where(Department.id.in_(ids))))
        )
        rows = sorted((every[i] for i in shown), key=trail)
        return [(row.id, "— " * (len(trail(row)) - 1) + row.name) for row in rows]
    query = select(model.id, model.name)
    if ids is not True:
        query = query.where(model.id.in_(ids))
    if model is User:
        query = query.where(User.active.is_(True))
    return [(row.id, row.name) for row in ctx.session.execute(query.order_by(model.name))]


def quota_amounts(ctx: Ctx, period: str, start: date) -> dict[tuple[str, int], Decimal]:
    """Each visible target's quota for one period: (target_type, target_id) -> amount.

    A target without a quota for exactly this period gets the sum of its quotas for the
    shorter periods inside it (a quarter: its months; a year: its quarters, each of them in
    turn its months when missing), so monthly targets still add up to a quarter.
    """
    end = periods.period_end(period, start)
    wanted = PERIODS[: PERIODS.index(period) + 1]
    query = select(Quota).where(
        visible_clause(ctx.user),
        Quota.period.in_(wanted),
        Quota.period_start >= start,
        Quota.period_start < end,
    )
    found: dict[tuple[str, int], dict[tuple[str, date], Decimal]] = defaultdict(dict)
    for quota in ctx.session.scalars(query):
        found[(quota.target_type, quota.target_id)][(quota.period, quota.period_start)] = (
            quota.amount
        )
    return {
        target: amount
        for target, amounts in found.items()
        if (amount := _resolve(amounts, period, start)) is not None
    }


def _resolve(amounts: dict[tuple[str, date], Decimal], period: str, start: date) -> Decimal | None:
    if (period, start) in amounts:
        return amounts[(period, start)]
    if period == "month":
        return None
    finer = "quarter" if period == "year" else "month"
    step = 3 if finer == "quarter" else 1
    parts = [
        _resolve(amounts, finer, periods.add_months(start, offset))
        for offset in range(0, 12 if period == "year" else 3, step)
    ]
    known = [part for part in parts if part is not None]
    return sum(known, Decimal("0.00")) if known else None


__all__ = [
    "KIND",
    "MODULE",
    "allowed_targets",
    "create_quota",
    "delete_quota",
    "get_quota",
    "list_quotas",
    "quota_amounts",
    "target_names",
    "update_quota",
    "visible_clause",
    "visible_targets",
]
