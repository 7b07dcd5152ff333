"""The bare baseline: a minimal litestar app with sync handlers and hand-written Core queries.

It does what kht's endpoints do for the benchmarked operations, with nothing else: no
authentication, no permission or scope resolution (the scope is passed in as a fixed list
of owner ids, the way a hand-written query would have it), no hooks, no plugin manager, no
custom-field validation. Writes are an INSERT/UPDATE plus one audit-row INSERT in one
transaction, as the issue defines the baseline for writes (a stage move included: no gate,
no stage history, no hooks). The funnel and the forecast are the hand-written GROUP BYs over
the same tables doing the same counting and summing (the forecast rolled up the department
tree in Python), without quotas, labels or exact-cent arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Litestar, get, patch, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import (
    Engine,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from kht.audit.models import AuditEntry
from kht.customers.models import Customer
from kht.db.base import utcnow
from kht.db.engine import READONLY
from kht.org.models import Department
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.processes.models import ProcessStage
from kht.search.models import SearchDocument
from kht.search.tokens import fts5_expression, parse_query, tsquery_expression

customers = Customer.__table__
audit = AuditEntry.__table__
documents = SearchDocument.__table__
opportunities = Opportunity.__table__
history = OpportunityStageChange.__table__
stages = ProcessStage.__table__
departments = Department.__table__
ZONE = ZoneInfo("Asia/Shanghai")  # the users' zone: a day is a Beijing day, as in kht


@dataclass(frozen=True)
class Scopes:
    """Who the bare app acts as: each name maps to the owner ids it may see (plus the pool)."""

    user_id: int
    owners: dict[str, list[int]]


class NewCustomer(msgspec.Struct, kw_only=True):
    name: str
    phone: str = ""
    email: str = ""
    ext: dict[str, dict[str, Any]] = {}


class CustomerPatch(msgspec.Struct, kw_only=True):
    version: int
    address: str


class StageMove(msgspec.Struct, kw_only=True):
    stage_id: int
    version: int


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC)


def epoch(postgres: bool, expr: Any) -> Any:
    return func.extract("epoch", expr) if postgres else cast(func.strftime("%s", expr), Integer)


def _row(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def build_app(engine: Engine, scopes: Scopes) -> Litestar:
    """The baseline app on `engine` acting for `scopes`."""
    reader = engine.execution_options(**{READONLY: True})
    postgres = engine.dialect.name == "postgresql"

    def visible(who: str) -> Any:
        owners = scopes.owners[who]
        return (customers.c.owner_id.in_(owners) | customers.c.owner_id.is_(None)) & (
            customers.c.deleted_at.is_(None)
        )

    @get("/customers", sync_to_thread=True)
    def list_customers(
        who: FromQuery[str] = "rep", industry: FromQuery[str] = ""
    ) -> dict[str, Any]:
        where = visible(who)
        if industry:
            where = where & (customers.c.ext[("custom", "industry")].as_string() == industry)
        page = (
            select(customers)
            .where(where)
            .order_by(customers.c.updated_at.desc(), customers.c.id.desc())
            .limit(50)
        )
        with reader.connect() as connection:
            rows = connection.execute(page).all()
            total = connection.scalar(select(func.count()).select_from(customers).where(where))
        return {"items": [_row(r) for r in rows], "total": total, "page": 1, "page_size": 50}

    @get("/customers/{customer_id:int}", sync_to_thread=True)
    def get_customer(customer_id: FromPath[int]) -> dict[str, Any]:
        query = select(customers).where(
            customers.c.id == customer_id, customers.c.deleted_at.is_(None)
        )
        with reader.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise NotFoundException()
        return _row(row)

    @get("/search", sync_to_thread=True)
    def search(q: FromQuery[str], who: FromQuery[str] = "rep") -> dict[str, Any]:
        parsed = parse_query(q)
        owner = documents.c.owner_id
        scope = owner.in_(scopes.owners[who]) | owner.is_(None)
        if postgres:
            match = text(
                "to_tsvector('simple', search_documents.tokens) @@ to_tsquery('simple', :q)"
            ).bindparams(q=tsquery_expression(parsed))
            phrases = [documents.c.tokens.contains(" ".join(p)) for p in parsed.phrases]
            query = select(documents, func.count().over().label("total")).where(
                scope, match, *phrases
            )
        else:
            query = (
                select(documents, func.count().over().label("total"))
                .join(text("search_fts"), text("search_fts.rowid = search_documents.id"))
                .where(scope, text("search_fts MATCH :q").bindparams(q=fts5_expression(parsed)))
            )
        title = func.lower(documents.c.title)
        first = case((title == parsed.text, 0), (title.startswith(parsed.text), 1), else_=2)
        query = query.order_by(
            first, func.length(documents.c.title), documents.c.kind, documents.c.record_id
        ).limit(20)
        with reader.connect() as connection:
            rows = connection.execute(query).all()
        items = [
            {"kind": r.kind, "record_id": r.record_id, "title": r.title, "subtitle": r.subtitle}
            for r in rows
        ]
        return {"items": items, "total": rows[0].total if rows else 0}

    @post("/customers", sync_to_thread=True)
    def create_customer(data: JSONBody[NewCustomer]) -> dict[str, Any]:
        now = utcnow()
        values = {
            "name": data.name,
            "phone": data.phone,
            "email": data.email,
            "ext": data.ext,
            "owner_id": scopes.user_id,
            "created_by_id": scopes.user_id,
            "updated_by_id": scopes.user_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        with engine.begin() as connection:
            row = connection.execute(insert(customers).values(**values).returning(customers)).one()
            connection.execute(
                insert(audit).values(
                    at=now,
                    user_id=scopes.user_id,
                    kind="customer",
                    record_id=row.id,
                    action="create",
                    changes={"name": [None, data.name]},
                )
            )
        return _row(row)

    @patch("/customers/{customer_id:int}", sync_to_thread=True)
    def update_customer(
        customer_id: FromPath[int], data: JSONBody[CustomerPatch]
    ) -> dict[str, Any]:
        now = utcnow()
        with engine.begin() as connection:
            old = connection.scalar(
                select(customers.c.address).where(customers.c.id == customer_id)
            )
            row = connection.execute(
                update(customers)
                .where(customers.c.id == customer_id, customers.c.version == data.version)
                .values(
                    address=data.address,
                    version=data.version + 1,
                    updated_at=now,
                    updated_by_id=scopes.user_id,
                )
                .returning(customers)
            ).first()
            if row is None:
                raise HTTPException(status_code=409, detail="stale version")
            connection.execute(
                insert(audit).values(
                    at=now,
                    user_id=scopes.user_id,
                    kind="customer",
                    record_id=customer_id,
                    action="update",
                    changes={"address": [old, data.address]},
                )
            )
        return _row(row)

    return Litestar(
        route_handlers=[
            list_customers,
            get_customer,
            search,
            create_customer,
            update_customer,
            *sales_routes(engine, scopes),
            *report_routes(engine, scopes),
            dashboard_route(engine, scopes),
        ],
        openapi_config=None,
        # Like kht: no logging set-up of its own. Litestar's default configures the root
        # logger with a handler on the stderr of the moment (a closed capture in tests).
        logging_config=None,
        debug=False,
    )


def sales_routes(engine: Engine, scopes: Scopes) -> list[Any]:
    """Kanban move, funnel and forecast of the baseline (acting as `scopes` says)."""
    reader = engine.execution_options(**{READONLY: True})
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        stage_rows = {
            row.id: row
            for row in connection.execute(
                select(stages.c.id, stages.c.probability, stages.c.outcome, stages.c.process_id)
            )
        }

    def visible_opportunities(who: str, department_id: int) -> Any:
        owner = opportunities.c.owner_id
        path = select(departments.c.path).where(departments.c.id == department_id)
        subtree = select(departments.c.id).where(
            departments.c.path.startswith(path.scalar_subquery())
        )
        return and_(
            opportunities.c.deleted_at.is_(None),
            owner.in_(scopes.owners[who]) | owner.is_(None),
            opportunities.c.department_id.in_(subtree),
        )

    @post("/opportunities/{opportunity_id:int}/stage", sync_to_thread=True, status_code=200)
    def move_stage(opportunity_id: FromPath[int], data: JSONBody[StageMove]) -> dict[str, Any]:
        now = utcnow()
        target = stage_rows[data.stage_id]
        o = opportunities.c
        with engine.begin() as connection:
            old = connection.scalar(select(o.stage_id).where(o.id == opportunity_id))
            row = connection.execute(
                update(opportunities)
                .where(o.id == opportunity_id, o.version == data.version)
                .values(
                    stage_id=data.stage_id,
                    probability=target.probability,
                    status=target.outcome,
                    stage_entered_at=now,
                    closed_at=now if target.outcome != "open" else None,
                    version=data.version + 1,
                    updated_at=now,
                    updated_by_id=scopes.user_id,
                )
                .returning(opportunities)
            ).first()
            if row is None:
                raise HTTPException(status_code=409, detail="stale version")
            connection.execute(
                insert(audit).values(
                    at=now,
                    user_id=scopes.user_id,
                    kind="opportunity",
                    record_id=opportunity_id,
                    action="update",
                    changes={"stage_id": [old, data.stage_id]},
                )
            )
        return _row(row)

    @get("/funnel", sync_to_thread=True)
    def funnel(
        start: FromQuery[date],
        end: FromQuery[date],
        department_id: FromQuery[int],
        who: FromQuery[str] = "mgr",
    ) -> dict[str, Any]:
        low, high = day_start(start), day_start(end + timedelta(days=1))
        o, h = opportunities.c, history.c
        scope = visible_opportunities(who, department_id)
        per_opportunity = (
            select(
                h.stage_id,
                h.opportunity_id,
                func.min(h.entered_at).label("first"),
                func.max(h.amount).label("amount"),
            )
            .join(opportunities, o.id == h.opportunity_id)
            .where(scope, h.entered_at >= low, h.entered_at < high)
            .group_by(h.stage_id, h.opportunity_id)
            .subquery()
        )
        later, later_stage, stage = history.alias(), stages.alias(), stages.alias()
        went_on = exists(
            select(later.c.id)
            .join(later_stage, later_stage.c.id == later.c.stage_id)
            .where(
                later.c.opportunity_id == per_opportunity.c.opportunity_id,
                later.c.entered_at >= per_opportunity.c.first,
                later_stage.c.outcome != "lost",
                later_stage.c.position > stage.c.position,
            )
        )
        reached = (
            select(
                per_opportunity.c.stage_id,
                func.count().label("reached"),
                func.sum(per_opportunity.c.amount).label("amount"),
                func.sum(case((went_on, 1), else_=0)).label("advanced"),
            )
            .join(stage, stage.c.id == per_opportunity.c.stage_id)
            .group_by(per_opportunity.c.stage_id)
        )
        current = (
            select(o.stage_id, func.count().label("n"), func.sum(o.amount).label("amount"))
            .where(scope, or_(o.status == "open", and_(o.closed_at >= low, o.closed_at < high)))
            .group_by(o.stage_id)
        )
        done = h.left_at.is_not(None)
        stays = (
            select(
                h.stage_id,
                func.sum(case((done, h.seconds_in_stage), else_=0)).label("seconds"),
                func.count().label("stays"),
                func.sum(case((done, 0), else_=1)).label("going"),
                func.sum(case((done, 0), else_=epoch(postgres, h.entered_at))).label("since"),
            )
            .join(opportunities, o.id == h.opportunity_id)
            .where(scope, h.entered_at >= low, h.entered_at < high)
            .group_by(h.stage_id)
        )
        now = datetime.now(UTC).timestamp()
        out: dict[int, dict[str, Any]] = defaultdict(dict)
        with reader.connect() as connection:
            for row in connection.execute(reached):
                out[row.stage_id].update(
                    reached=row.reached, amount=float(row.amount), advanced=row.advanced
                )
            for row in connection.execute(current):
                out[row.stage_id].update(current=row.n, current_amount=float(row.amount))
            for row in connection.execute(stays):
                seconds = float(row.seconds or 0) + row.going * now - float(row.since or 0)
                out[row.stage_id]["avg_days"] = round(seconds / row.stays / 86400, 1)
        return {"stages": [{"stage_id": k, **v} for k, v in sorted(out.items())]}

    @get("/forecast", sync_to_thread=True)
    def forecast(
        start: FromQuery[date], department_id: FromQuery[int], who: FromQuery[str] = "mgr"
    ) -> Any:
        end = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        o = opportunities.c
        is_open, is_won = o.status == "open", o.status == "won"

        def total(condition: Any, expr: Any) -> Any:
            return func.sum(case((condition, expr), else_=0))

        query = (
            select(
                o.department_id,
                total(is_open, o.amount * o.probability / 100).label("weighted"),
                total(and_(is_open, o.forecast_category == "commit"), o.amount).label("commit"),
                total(and_(is_open, o.forecast_category == "best_case"), o.amount).label("best"),
                total(is_won, o.amount).label("won"),
                total(is_open, 1).label("open_count"),
                total(is_won, 1).label("won_count"),
            )
            .where(
                visible_opportunities(who, department_id),
                or_(
                    and_(is_open, o.expected_close >= start, o.expected_close < end),
                    and_(is_won, o.closed_at >= day_start(start), o.closed_at < day_start(end)),
                ),
            )
            .group_by(o.department_id)
        )
        path = select(departments.c.path).where(departments.c.id == department_id)
        tree = select(departments.c.id, departments.c.parent_id, departments.c.name).where(
            departments.c.path.startswith(path.scalar_subquery())
        )
        with reader.connect() as connection:
            sums = {row.department_id: row._mapping for row in connection.execute(query)}
            nodes = connection.execute(tree).all()
        rows = roll_up(sums, nodes)
        return {"rows": rows, "total": rows[department_id]}

    return [move_stage, funnel, forecast]


def roll_up(sums: dict[int, Any], nodes: list[Any]) -> dict[int, dict[str, Any]]:
    """Each department's figures plus those of every department under it."""
    keys = ("weighted", "commit", "best", "won", "open_count", "won_count")
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node.id)

    def rolled(node_id: int) -> dict[str, float]:
        own = sums.get(node_id)
        figures = {k: float(own[k] or 0) if own else 0.0 for k in keys}
        for child in children.get(node_id, []):
            for k, v in rolled(child).items():
                figures[k] += v
        return figures

    return {node.id: {"name": node.name, **rolled(node.id)} for node in nodes}


def report_routes(engine: Engine, scopes: Scopes) -> list[Any]:
    """The five representative library reports as hand-written GROUP BYs over the same
    tables: the manager's owners (and the pool), no labels, no drill-down, no exact cents."""
    from kht.actions.models import Action
    from kht.auth.models import User

    reader = engine.execution_options(**{READONLY: True})
    postgres = engine.dialect.name == "postgresql"
    users, actions = User.__table__, Action.__table__

    def owned(table: Any, who: str) -> Any:
        owner = table.c.owner_id
        return table.c.deleted_at.is_(None) & (owner.in_(scopes.owners[who]) | owner.is_(None))

    def day(expr: Any, length: int) -> Any:
        text_day = (
            func.to_char(func.timezone("UTC", expr), "YYYY-MM-DD")
            if postgres
            else func.substr(expr, 1, 10)
        )
        return func.substr(text_day, 1, length)

    def rows(query: Any) -> dict[str, Any]:
        with reader.connect() as connection:
            found = [list(row) for row in connection.execute(query)]
        return {"rows": found, "total": sum(row[-1] or 0 for row in found)}

    @get("/reports/customers-stage-department", sync_to_thread=True)
    def customers_by_stage_and_department(who: FromQuery[str] = "mgr") -> dict[str, Any]:
        c = customers.c
        return rows(
            select(users.c.department_id, c.stage, func.count(c.id))
            .select_from(customers.outerjoin(users, users.c.id == c.owner_id))
            .where(owned(customers, who))
            .group_by(users.c.department_id, c.stage)
        )

    @get("/reports/pipeline-stage-quarter", sync_to_thread=True)
    def pipeline_by_stage_and_quarter(who: FromQuery[str] = "mgr") -> dict[str, Any]:
        o = opportunities.c
        close = func.to_char(o.expected_close, "YYYY-Q") if postgres else o.expected_close
        return rows(
            select(o.stage_id, close, func.sum(o.amount))
            .where(owned(opportunities, who), o.status == "open")
            .group_by(o.stage_id, close)
        )

    @get("/reports/actions-type-rep", sync_to_thread=True)
    def actions_by_type_and_rep(since: FromQuery[date], who: FromQuery[str] = "mgr") -> dict:
        a = actions.c
        low = datetime(since.year, since.month, since.day, tzinfo=UTC)
        return rows(
            select(a.owner_id, a.type, func.count(a.id))
            .where(owned(actions, who), a.created_at >= low)
            .group_by(a.owner_id, a.type)
        )

    @get("/reports/won-line-month", sync_to_thread=True)
    def won_by_line_and_month(who: FromQuery[str] = "mgr") -> dict[str, Any]:
        o = opportunities.c
        month = day(o.closed_at, 7)
        return rows(
            select(o.product_line_id, month, func.sum(o.amount))
            .where(owned(opportunities, who), o.status == "won")
            .group_by(o.product_line_id, month)
        )

    @get("/reports/customers-industry", sync_to_thread=True)
    def customers_by_industry(who: FromQuery[str] = "mgr") -> dict[str, Any]:
        industry = customers.c.ext[("custom", "industry")].as_string()
        return rows(
            select(industry, func.count(customers.c.id))
            .where(owned(customers, who))
            .group_by(industry)
        )

    return [
        customers_by_stage_and_department,
        pipeline_by_stage_and_quarter,
        actions_by_type_and_rep,
        won_by_line_and_month,
        customers_by_industry,
    ]


def dashboard_route(engine: Engine, scopes: Scopes) -> Any:
    """The sales managers' role dashboard of the benchmark (bench.runner.ROLE_DASHBOARD) as
    hand-written queries: new customers this month and last (by UTC day, as the reports
    compare), the open pipeline per owner, customers per stage, the manager's biggest open
    deals."""
    from kht.sales.opportunities.models import Opportunity

    reader = engine.execution_options(**{READONLY: True})
    deals = Opportunity.__table__

    def owned(table: Any) -> Any:
        owner = table.c.owner_id
        return table.c.deleted_at.is_(None) & (owner.in_(scopes.owners["mgr"]) | owner.is_(None))

    def utc(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    @get("/dashboards/manager", sync_to_thread=True)
    def manager_dashboard(manager_id: FromQuery[int]) -> dict[str, Any]:
        today = datetime.now(ZONE).date()
        start = today.replace(day=1)
        before = (start - timedelta(days=1)).replace(day=1)
        after = (start + timedelta(days=32)).replace(day=1)
        c, o = customers.c, deals.c

        def new(first: date, end: date) -> Any:
            return (
                select(func.count(c.id))
                .where(owned(customers), c.created_at >= utc(first), c.created_at < utc(end))
                .scalar_subquery()
            )

        with reader.connect() as connection:
            kpi = connection.execute(select(new(start, after), new(before, start))).one()
            pipeline = connection.execute(
                select(o.owner_id, func.count(o.id), func.sum(o.amount))
                .where(owned(deals), o.status == "open")
                .group_by(o.owner_id)
            ).all()
            stages = connection.execute(
                select(c.stage, func.count(c.id)).where(owned(customers)).group_by(c.stage)
            ).all()
            biggest = connection.execute(
                select(o.id, o.name, o.amount)
                .where(o.deleted_at.is_(None), o.owner_id == manager_id, o.status == "open")
                .order_by(o.amount.desc(), o.id)
                .limit(8)
            ).all()
        return {
            "kpi": list(kpi),
            "pipeline": sum(row[1] for row in pipeline),
            "stages": sum(row[1] for row in stages),
            "biggest": [row[1] for row in biggest],
        }

    return manager_dashboard
