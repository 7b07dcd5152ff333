"""The sales forecast (销售预测): weighted pipeline, commit, best case and won against quota,
per department rolled up the department tree, and per rep.

One grouped query over opportunities (GROUP BY department, and owner when reps are asked
for) does the counting; the roll-up to parent departments happens in Python on those few
rows. The WHERE clause is what the indexes are for: live opportunities, open ones by
`expected_close` in the period or won ones by `closed_at` in it, in the user's scope.

Quota of a department: its own department quota for the period when one is set, otherwise
the sum of its direct members' user quotas plus its child departments' quotas (worked out
the same way). A period without its own quota falls back to the sum of the shorter periods
inside it (see `kht.sales.quotas.service.quota_amounts`). Only quotas the user may see count.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.org.models import Department
from kht.sales.analysis import common
from kht.sales.analysis.schemas import Forecast, ForecastRow, RepRow
from kht.sales.opportunities.models import Opportunity
from kht.sales.quotas import periods
from kht.sales.quotas.service import quota_amounts
from kht.web.i18n import N_, translations

ZERO = Decimal("0")
FIGURES = ("weighted", "commit", "best_case", "won", "open_count", "won_count")
NO_DEPARTMENT = N_("No department")
SHARED_POOL = N_("Shared pool")
EVERYONE = N_("Whole company")


def _blank() -> dict[str, Any]:
    return {
        "weighted": ZERO,
        "commit": ZERO,
        "best_case": ZERO,
        "won": ZERO,
        "open_count": 0,
        "won_count": 0,
    }


def _add(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key in FIGURES:
        into[key] += other[key]


def default_root(ctx: Ctx) -> int | None:
    """The department a forecast starts from when none is asked for: the whole company for
    scope `all` (and branch or business-line scopes, which cut across departments), else the
    user's own department."""
    user = ctx.user
    scope = user.scope(common.MODULE) if user is not None else None
    if scope in ("all", "branch", "business_line") or user is None:
        return None
    return user.department_id


def grouped_sums(
    ctx: Ctx,
    start: date,
    end: date,
    *,
    by_rep: bool = False,
    owner_id: int | None = None,
    department_id: int | None = None,
    product_line_id: int | None = None,
) -> dict[tuple[int | None, int | None], dict[str, Any]]:
    """The one grouped query: (department_id, owner_id or None) -> figures, exact Decimals."""
    o = Opportunity
    sums = common.Sums(ctx)
    is_open = o.status == "open"
    is_won = o.status == "won"

    def total(condition: Any, expr: Any) -> Any:
        return func.sum(case((condition, expr), else_=0))

    keys = [o.department_id, o.owner_id] if by_rep else [o.department_id]
    query = (
        select(
            *keys,
            total(is_open, sums.cents(o.amount) * o.probability).label("weighted"),
            total(and_(is_open, o.forecast_category == "commit"), sums.cents(o.amount)).label(
                "commit"
            ),
            total(and_(is_open, o.forecast_category == "best_case"), sums.cents(o.amount)).label(
                "best"
            ),
            total(is_won, sums.cents(o.amount)).label("won"),
            total(is_open, 1).label("open_count"),
            total(is_won, 1).label("won_count"),
        )
        .where(
            *common.filters(
                ctx, owner_id=owner_id, department_id=department_id, product_line_id=product_line_id
            ),
            or_(
                and_(is_open, o.expected_close >= start, o.expected_close < end),
                and_(
                    is_won,
                    o.closed_at >= ctx.day_start(start),
                    o.closed_at < ctx.day_start(end),
                ),
            ),
        )
        .group_by(*keys)
    )
    found: dict[tuple[int | None, int | None], dict[str, Any]] = {}
    for row in ctx.session.execute(query):
        commit = sums.value(row.commit)
        found[(row.department_id, row.owner_id if by_rep else None)] = {
            "weighted": sums.value(row.weighted, scale=1),
            "commit": commit,
            "best_case": commit + sums.value(row.best),
            "won": sums.value(row.won),
            "open_count": int(row.open_count or 0),
            "won_count": int(row.won_count or 0),
        }
    return found


def forecast(
    ctx: Ctx,
    period: str = "quarter",
    start: date | None = None,
    department_id: int | None = None,
    *,
    by_rep: bool = False,
    owner_id: int | None = None,
    product_line_id: int | None = None,
) -> Forecast:
    """The forecast of one month, quarter or year (`start`: its first day; default: the
    current one) for `department_id` and every department under it (default: see
    `default_root`), each rolled up over its subtree, with rep rows when `by_rep`.

    Only opportunities the user may see count. An unknown department is a 404; a department
    outside the user's scope is not an error: nothing in it is visible, so it shows zeros.
    """
    require(ctx.user, common.MODULE, "view")
    period = periods.check_period(period)
    start = periods.check_start(period, start or periods.period_of(period, ctx.today()), "start")
    end = periods.period_end(period, start)
    if department_id is None:
        department_id = default_root(ctx)
    root = common.department(ctx, department_id)
    found = grouped_sums(
        ctx,
        start,
        end,
        by_rep=by_rep,
        owner_id=owner_id,
        department_id=department_id,
        product_line_id=product_line_id,
    )
    quotas = quota_amounts(ctx, period, start)
    return _rolled_up(ctx, period, start, root, found, quotas, by_rep)


def _departments(ctx: Ctx, root: Department | None) -> list[Department]:
    query = select(Department)
    if root is not None:
        query = query.where(Department.path.startswith(root.path, autoescape=True))
    return list(ctx.session.scalars(query))


class _RollUp:
    """Walks the department tree once, adding each subtree's figures and quotas upwards."""

    def __init__(
        self,
        ctx: Ctx,
        root: Department | None,
        found: dict[tuple[int | None, int | None], dict[str, Any]],
        quotas: dict[tuple[str, int], Decimal],
    ) -> None:
        self.gettext = translations(ctx.language).gettext
        self.quotas = quotas
        self.departments = {d.id: d for d in _departments(ctx, root)}
        self.children: dict[int | None, list[Department]] = defaultdict(list)
        for item in self.departments.values():
            parent = item.parent_id if item.parent_id in self.departments else None
            self.children[parent].append(item)
        for siblings in self.children.values():
            siblings.sort(key=lambda d: (d.name, d.id))
        self.direct: dict[int | None, dict[str, Any]] = {}
        self.reps: dict[int | None, list[tuple[int | None, dict[str, Any]]]] = defaultdict(list)
        for (department_id, owner_id), figures in found.items():
            key = department_id if department_id in self.departments else None
            _add(self.direct.setdefault(key, _blank()), figures)
            self.reps[key].append((owner_id, figures))
        self.members: dict[int | None, list[int]] = defaultdict(list)
        user_ids = [target_id for kind, target_id in quotas if kind == "user"]
        if user_ids:
            query = select(User.id, User.department_id).where(User.id.in_(user_ids))
            for row in ctx.session.execute(query):
                self.members[row.department_id].append(row.id)
        owners = {owner for batch in self.reps.values() for owner, _ in batch}
        self.people = _names(ctx, owners)
        self.rows: list[ForecastRow] = []

    def rep_rows(self, department_id: int | None, by_rep: bool) -> list[RepRow]:
        if not by_rep:
            return []
        out = []
        for owner_id, figures in self.reps.get(department_id, []):
            if owner_id is None:
                name, quota = self.gettext(SHARED_POOL), None
            else:
                name, quota = self.people.get(owner_id, ""), self.quotas.get(("user", owner_id))
            attainment = common.ratio(figures["won"], quota)
            out.append(
                RepRow(
                    user_id=owner_id,
                    name=name,
                    quota=quota,
                    attainment=attainment,
                    **_money(figures),
                )
            )
        return sorted(out, key=lambda rep: (rep.name, rep.user_id or 0))

    def quota_of(self, department_id: int, child_quota: Decimal | None) -> Decimal | None:
        own = self.quotas.get(("department", department_id))
        if own is not None:
            return own
        parts = [self.quotas[("user", uid)] for uid in self.members.get(department_id, [])]
        if not parts and child_quota is None:
            return None
        return sum(parts, ZERO) + (child_quota or ZERO)

    def visit(
        self, item: Department, depth: int, by_rep: bool
    ) -> tuple[dict[str, Any], Decimal | None]:
        index = len(self.rows)
        self.rows.append(None)  # type: ignore[arg-type]  # filled once the children are summed
        figures = dict(self.direct.get(item.id) or _blank())
        child_quota: Decimal | None = None
        for child in self.children.get(item.id, []):
            child_figures, quota = self.visit(child, depth + 1, by_rep)
            _add(figures, child_figures)
            if quota is not None:
                child_quota = (child_quota or ZERO) + quota
        quota = self.quota_of(item.id, child_quota)
        self.rows[index] = ForecastRow(
            department_id=item.id,
            name=item.name,
            parent_id=item.parent_id,
            depth=depth,
            quota=quota,
            attainment=common.ratio(figures["won"], quota),
            reps=self.rep_rows(item.id, by_rep),
            **_money(figures),
        )
        return figures, quota


def _rolled_up(
    ctx: Ctx,
    period: str,
    start: date,
    root: Department | None,
    found: dict[tuple[int | None, int | None], dict[str, Any]],
    quotas: dict[tuple[str, int], Decimal],
    by_rep: bool,
) -> Forecast:
    walk = _RollUp(ctx, root, found, quotas)
    total = _blank()
    total_quota: Decimal | None = None
    for top in walk.children.get(None, []):
        figures, quota = walk.visit(top, 0, by_rep)
        _add(total, figures)
        if quota is not None:
            total_quota = (total_quota or ZERO) + quota
    if root is None and None in walk.direct:
        # Opportunities of owners without a department, and of the shared pool.
        loose = walk.direct[None]
        _add(total, loose)
        walk.rows.append(
            ForecastRow(
                department_id=None,
                name=walk.gettext(NO_DEPARTMENT),
                parent_id=None,
                depth=0,
                quota=None,
                attainment=None,
                reps=walk.rep_rows(None, by_rep),
                **_money(loose),
            )
        )
    if root is not None and walk.rows:
        summary = walk.rows[0]
    else:
        summary = ForecastRow(
            department_id=None,
            name=walk.gettext(EVERYONE),
            parent_id=None,
            depth=0,
            quota=total_quota,
            attainment=common.ratio(total["won"], total_quota),
            **_money(total),
        )
    return Forecast(
        period=period,
        start=start,
        end=periods.last_day(period, start),
        label=periods.label(period, start),
        department_id=root.id if root else None,
        rows=walk.rows,
        total=summary,
    )


def _money(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        key: common.money(value) if isinstance(value, Decimal) else value
        for key, value in figures.items()
    }


def _names(ctx: Ctx, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        row.id: row.name
        for row in ctx.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    }
