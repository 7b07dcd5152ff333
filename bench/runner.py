"""Run each operation against kht and against the bare baseline, interleaved, and time them.

Both apps are driven in-process by litestar's TestClient (the same HTTP stack: ASGI app,
routing, parameter parsing, JSON serialisation; no socket). Each repetition times one kht
request and then the bare one, so drift in the machine's load hits both sides alike.
"""

from __future__ import annotations

import itertools
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import bindparam, delete, select, text, update

from bench.bare import ZONE, Scopes, build_app

Call = Callable[[], Any]


@dataclass
class Operation:
    name: str
    kht: Call
    bare: Call
    same_total: bool = False  # both sides must find the same number of records
    # Raises when kht's and the baseline's answers disagree (checked during the warm-up).
    check: Callable[[Any, Any], None] | None = None


@dataclass
class Fixture:
    """The users, records and queries the operations use, read from the generated data."""

    rep_id: int
    manager_owners: list[int]
    rep_customer_ids: list[int]
    manager_customer_ids: list[int]  # customers owned in the manager's department tree
    versions: dict[int, int]
    chinese: str
    pinyin: str
    industry: str = "金融"
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    department_id: int = 0  # the manager's department (funnel and forecast root)
    manager_id: int = 0
    # The rep's open opportunities: id -> [stage id, version]; the open stages in order.
    opportunities: dict[int, list[int]] = field(default_factory=dict)
    open_stages: list[int] = field(default_factory=list)


# The period of the sales operations: the quarter of the generator's fixed "today".
QUARTER_START = date(2026, 10, 1)
QUARTER_END = date(2026, 12, 31)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if "model name" in ln), "")
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def cleanup(engine: Any, n: int) -> None:
    """Remove what earlier write benchmarks added, so the cached database keeps its counts."""
    from kht.audit.models import AuditEntry
    from kht.customers.models import Customer
    from kht.search.models import SearchDocument

    with engine.begin() as connection:
        connection.execute(
            delete(SearchDocument).where(
                SearchDocument.kind == "customer", SearchDocument.record_id > n
            )
        )
        connection.execute(delete(Customer).where(Customer.id > n))
        connection.execute(delete(AuditEntry))


class SalesSnapshot:
    """The rep's opportunities and the stage history as generated, put back after the moves."""

    def __init__(self, engine: Any, rep_id: int) -> None:
        from kht.sales.opportunities.models import Opportunity, OpportunityStageChange

        self.table, self.history = Opportunity.__table__, OpportunityStageChange.__table__
        h = self.history.c
        with engine.connect() as connection:
            self.rows = [
                dict(row._mapping)
                for row in connection.execute(
                    select(self.table).where(self.table.c.owner_id == rep_id)
                )
            ]
            self.last_stay = connection.scalar(select(text("max(id)")).select_from(self.history))
            ids = [row["id"] for row in self.rows]
            self.open_stays = list(
                connection.scalars(
                    select(h.id).where(h.opportunity_id.in_(ids), h.left_at.is_(None))
                )
            )

    def restore(self, engine: Any) -> None:
        h = self.history.c
        columns = [c for c in self.rows[0] if c != "id"] if self.rows else []
        with engine.begin() as connection:
            connection.execute(delete(self.history).where(h.id > self.last_stay))
            if self.open_stays:
                connection.execute(
                    update(self.history)
                    .where(h.id.in_(self.open_stays))
                    .values(left_at=None, seconds_in_stage=None)
                )
            if self.rows:
                statement = (
                    update(self.table)
                    .where(self.table.c.id == bindparam("old_id"))
                    .values({c: bindparam(f"old_{c}") for c in columns})
                )
                connection.execute(
                    statement, [{f"old_{k}": v for k, v in row.items()} for row in self.rows]
                )


def fixture(runtime: Any, n: int, rep: str = "rep0", manager: str = "mgr1") -> Fixture:
    """The rep, the manager's owner set, and search terms taken from the rep's own customers."""
    from pypinyin import lazy_pinyin

    from kht.auth.models import User
    from kht.customers.models import Customer
    from kht.org.models import Department
    from kht.testing import bearer

    with runtime.engine.connect() as connection:
        rep_id = connection.scalar(select(User.id).where(User.login == rep))
        path = connection.scalar(
            select(Department.path)
            .join(User, User.department_id == Department.id)
            .where(User.login == manager)
        )
        owners = list(
            connection.scalars(
                select(User.id)
                .join(Department, User.department_id == Department.id)
                .where(Department.path.startswith(path))
            )
        )
        rows = connection.execute(
            select(Customer.id, Customer.version, Customer.name, Customer.kind)
            .where(Customer.owner_id == rep_id, Customer.deleted_at.is_(None), Customer.id <= n)
            .order_by(Customer.id)
        ).all()
        team = list(
            connection.scalars(
                select(Customer.id)
                .where(Customer.owner_id.in_(owners), Customer.deleted_at.is_(None))
                .where(Customer.id <= n)
                .order_by(Customer.id)
                .limit(500)
            )
        )
    company = next(r.name for r in rows if r.kind == "company" and not r.name.isascii())
    brand = company[2:4]  # city + brand + trade + suffix: the brand is a typical search
    found = Fixture(
        rep_id=rep_id,
        manager_owners=owners,
        rep_customer_ids=[r.id for r in rows],
        manager_customer_ids=team,
        versions={r.id: r.version for r in rows},
        chinese=brand,
        pinyin="".join(lazy_pinyin(brand)),
    )
    found.headers = {"rep": bearer(runtime, rep), "manager": bearer(runtime, manager)}
    _sales_fixture(runtime, found, manager)
    return found


def _sales_fixture(runtime: Any, found: Fixture, manager: str) -> None:
    from kht.auth.models import User
    from kht.sales.opportunities.models import Opportunity
    from kht.sales.processes.models import Process, ProcessStage

    with runtime.engine.connect() as connection:
        found.department_id = connection.scalar(
            select(User.department_id).where(User.login == manager)
        )
        found.manager_id = connection.scalar(select(User.id).where(User.login == manager))
        found.open_stages = list(
            connection.scalars(
                select(ProcessStage.id)
                .join(Process, Process.id == ProcessStage.process_id)
                .where(Process.key == "standard", ProcessStage.outcome == "open")
                .order_by(ProcessStage.position)
            )
        )
        o = Opportunity
        rows = connection.execute(
            select(o.id, o.stage_id, o.version)
            .where(o.owner_id == found.rep_id, o.status == "open", o.deleted_at.is_(None))
            .order_by(o.id)
        )
        found.opportunities = {row.id: [row.stage_id, row.version] for row in rows}


def _expect(response: Any, status: int) -> Any:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    return response.json()


def operations(kht: TestClient, bare: TestClient, fx: Fixture) -> list[Operation]:
    """Every benchmarked operation as a pair of one-request calls."""
    rep, mgr = fx.headers["rep"], fx.headers["manager"]
    listing = "/api/v1/customers?page_size=50&sort=-updated_at"
    custom = f"{listing}&f=ext.custom.industry:eq:{fx.industry}"
    half = max(1, len(fx.rep_customer_ids) // 2)
    kht_ids = itertools.cycle(fx.rep_customer_ids[:half])
    bare_ids = itertools.cycle(fx.rep_customer_ids[half:] or fx.rep_customer_ids)
    read_ids = itertools.cycle(fx.rep_customer_ids)
    team_ids = itertools.cycle(fx.manager_customer_ids)
    serial = itertools.count()

    def new_body() -> dict[str, Any]:
        k = next(serial)
        return {
            "name": f"基准测试客户{k}有限公司",
            "phone": f"1390000{k % 10000:04d}",
            "email": f"bench{k}@example.com",
            "ext": {"custom": {"industry": fx.industry, "employees": 10}},
        }

    def update(client: TestClient, ids: Any, path: str, headers: dict[str, str]) -> Any:
        customer_id = next(ids)
        # Not the name: the search terms come from the names, and they must stay put.
        body = {"version": fx.versions[customer_id], "address": f"上海市{next(serial)}号"}
        row = _expect(client.patch(f"{path}/{customer_id}", json=body, headers=headers), 200)
        fx.versions[customer_id] = row["version"]

    def get(client: TestClient, path: str, headers: dict[str, str] | None = None) -> Call:
        return lambda: _expect(client.get(path, headers=headers), 200)

    return [
        Operation("list, rep (own)", get(kht, listing, rep), get(bare, "/customers?who=rep"), True),
        Operation(
            "list, manager (dept tree)",
            get(kht, listing, mgr),
            get(bare, "/customers?who=mgr"),
            True,
        ),
        Operation(
            "list, manager, custom field",
            get(kht, custom, mgr),
            get(bare, f"/customers?who=mgr&industry={fx.industry}"),
            True,
        ),
        Operation(
            "360 GET /customers/{id}",
            lambda: _expect(kht.get(f"/api/v1/customers/{next(read_ids)}", headers=rep), 200),
            lambda: _expect(bare.get(f"/customers/{next(read_ids)}"), 200),
        ),
        Operation(
            "360 GET /customers/{id}, manager",
            lambda: _expect(kht.get(f"/api/v1/customers/{next(team_ids)}", headers=mgr), 200),
            lambda: _expect(bare.get(f"/customers/{next(team_ids)}"), 200),
        ),
        Operation(
            f"search Chinese '{fx.chinese}'",
            get(kht, f"/api/v1/search?q={fx.chinese}", rep),
            get(bare, f"/search?q={fx.chinese}"),
            True,
        ),
        Operation(
            f"search Chinese '{fx.chinese}', manager",
            get(kht, f"/api/v1/search?q={fx.chinese}", mgr),
            get(bare, f"/search?q={fx.chinese}&who=mgr"),
            True,
        ),
        Operation(
            f"search pinyin '{fx.pinyin}'",
            get(kht, f"/api/v1/search?q={fx.pinyin}", rep),
            get(bare, f"/search?q={fx.pinyin}"),
            True,
        ),
        Operation(
            "create customer (POST)",
            lambda: _expect(kht.post("/api/v1/customers", json=new_body(), headers=rep), 201),
            lambda: _expect(bare.post("/customers", json=new_body()), 201),
        ),
        Operation(
            "update with version (PATCH)",
            lambda: update(kht, kht_ids, "/api/v1/customers", rep),
            lambda: update(bare, bare_ids, "/customers", {}),
        ),
        *sales_operations(kht, bare, fx),
        *report_operations(kht, bare, fx),
        dashboard_operation(kht, bare, fx),
    ]


def sales_operations(kht: TestClient, bare: TestClient, fx: Fixture) -> list[Operation]:
    """Kanban stage move (as the rep), funnel and forecast (as the manager, her department)."""
    rep, mgr = fx.headers["rep"], fx.headers["manager"]
    ids = list(fx.opportunities)
    half = max(1, len(ids) // 2)
    kht_ids, bare_ids = itertools.cycle(ids[:half]), itertools.cycle(ids[half:] or ids)
    cycle = fx.open_stages

    def move(client: TestClient, pick: Any, path: str, headers: dict[str, str]) -> Any:
        opportunity_id = next(pick)
        stage_id, version = fx.opportunities[opportunity_id]
        # On round the open stages: forward moves pass the gates (proposal needs an amount).
        target = cycle[(cycle.index(stage_id) + 1) % len(cycle)]
        body = {"stage_id": target, "version": version}
        row = _expect(
            client.post(f"{path}/{opportunity_id}/stage", json=body, headers=headers), 200
        )
        fx.opportunities[opportunity_id] = [row["stage_id"], row["version"]]
        return row

    period = f"start={QUARTER_START}&end={QUARTER_END}&department_id={fx.department_id}"
    quarter = f"period=quarter&start={QUARTER_START}&department_id={fx.department_id}"
    return [
        Operation(
            "kanban stage move (POST stage)",
            lambda: move(kht, kht_ids, "/api/v1/opportunities", rep),
            lambda: move(bare, bare_ids, "/opportunities", {}),
        ),
        Operation(
            "funnel, department + quarter",
            get_json(kht, f"/api/v1/funnel?{period}", mgr),
            get_json(bare, f"/funnel?{period}"),
            check=same_funnel,
        ),
        Operation(
            "forecast roll-up, department + quarter",
            get_json(kht, f"/api/v1/forecast?{quarter}", mgr),
            get_json(bare, f"/forecast?start={QUARTER_START}&department_id={fx.department_id}"),
            check=same_forecast,
        ),
    ]


def report_operations(kht: TestClient, bare: TestClient, fx: Fixture) -> list[Operation]:
    """Five representative library reports (kht.reports) as the manager, each next to the
    bare hand-written GROUP BY; both must find the same total."""
    mgr = fx.headers["manager"]
    since = (datetime.now(ZONE).date() - timedelta(days=30)).isoformat()  # the manager's today

    def pair(name: str, key: str, query: str, bare_path: str) -> Operation:
        return Operation(
            f"report: {name}",
            get_json(kht, f"/api/v1/reports/{key}?{query}", mgr),
            get_json(bare, bare_path),
            check=same_report_total,
        )

    return [
        pair(
            "customers by stage x department",
            "customers.stage_by_department",
            "",
            "/reports/customers-stage-department",
        ),
        pair(
            "pipeline by stage x quarter",
            "opportunities.stage_by_quarter",
            "",
            "/reports/pipeline-stage-quarter",
        ),
        pair(
            "actions by type x rep, 30 days",
            "actions.type_by_owner",
            "",
            f"/reports/actions-type-rep?since={since}",
        ),
        pair(
            "won by product line x month",
            "forecast.won_by_line_quarter",
            "d=product_line_id&d=closed_at:month",
            "/reports/won-line-month",
        ),
        pair(
            "customers by custom field",
            "customers.by_stage",
            "d=ext.custom.industry",
            "/reports/customers-industry",
        ),
    ]


# The sales managers' role dashboard: a KPI, two reports and a short list (bare.dashboard_route).
ROLE_DASHBOARD = [
    {"type": "kpi", "key": "customers.growth_month", "period": "month", "w": 4},
    {"type": "report", "key": "opportunities.pipeline_by_owner", "w": 8},
    {"type": "report", "key": "customers.by_stage", "w": 6},
    {"type": "list", "key": "biggest_deals", "w": 6},
]


def set_role_dashboard(runtime: Any) -> None:
    """Make ROLE_DASHBOARD the sales managers' default, as an administrator would."""
    from kht.dashboards import service
    from kht.dashboards.schemas import DashboardIn, Widget
    from kht.testing import acting_as

    widgets = [Widget(**widget) for widget in ROLE_DASHBOARD]
    with acting_as(runtime, "admin") as ctx:
        service.set_role_default(ctx, "sales_manager", DashboardIn(widgets=widgets))


def dashboard_operation(kht: TestClient, bare: TestClient, fx: Fixture) -> Operation:
    """The manager's home dashboard data (their role's default, every widget in their scope)
    next to the same figures from hand-written queries."""
    return Operation(
        "dashboard: sales manager's role default (KPI, 2 reports, list)",
        get_json(kht, "/api/v1/dashboards/mine/data", fx.headers["manager"]),
        get_json(bare, f"/dashboards/manager?manager_id={fx.manager_id}"),
        check=same_dashboard,
    )


def same_dashboard(kht: Any, bare: Any) -> None:
    """Each widget must show the bare queries' figures."""
    kpi, pipeline, stages, biggest = kht
    found = [
        [kpi["kpi"]["value"], kpi["kpi"]["previous"]],
        pipeline["report"]["totals"][0],
        stages["report"]["totals"][0],
        [item["title"] for item in biggest["items"]],
    ]
    wanted = [bare["kpi"], bare["pipeline"], bare["stages"], bare["biggest"]]
    if found != wanted:
        raise RuntimeError(f"dashboard: kht {found}, bare {wanted}")


def same_report_total(kht: Any, bare: Any) -> None:
    """The report's total of its first measure must be the bare query's."""
    mine, theirs = float(kht["totals"][0] or 0), float(bare["total"] or 0)
    if abs(mine - theirs) > 0.5:
        raise RuntimeError(f"report {kht['key']}: kht {mine}, bare {theirs}")


def get_json(client: TestClient, path: str, headers: dict[str, str] | None = None) -> Call:
    return lambda: _expect(client.get(path, headers=headers), 200)


def same_funnel(kht: Any, bare: Any) -> None:
    """Reached and current counts per stage must agree."""
    theirs = {s["stage_id"]: s for s in bare["stages"]}
    for stage in kht["stages"]:
        other = theirs.get(stage["stage_id"], {})
        mine = (stage["reached"], stage["current"])
        if mine != (other.get("reached", 0), other.get("current", 0)):
            raise RuntimeError(f"funnel stage {stage['key']}: kht {mine}, bare {other}")


def same_forecast(kht: Any, bare: Any) -> None:
    """The rolled-up counts and weighted amount of the department must agree."""
    mine, theirs = kht["total"], bare["total"]
    if (mine["open_count"], mine["won_count"]) != (theirs["open_count"], theirs["won_count"]):
        raise RuntimeError(f"forecast: kht {mine}, bare {theirs}")
    if abs(float(mine["weighted"]) - theirs["weighted"]) > 1:
        raise RuntimeError(f"forecast weighted: kht {mine['weighted']}, bare {theirs['weighted']}")


def _timed(call: Call) -> float:
    started = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - started) / 1e6


def measure(op: Operation, reps: int, warmup: int) -> dict[str, Any]:
    """Median and p95 (ms) of both sides, alternating kht and bare on every repetition."""
    for _ in range(warmup):
        kht, bare = op.kht(), op.bare()
        if op.same_total and kht["total"] != bare["total"]:
            raise RuntimeError(f"{op.name}: kht found {kht['total']}, bare {bare['total']}")
        if op.check is not None:
            op.check(kht, bare)
    kht_ms, bare_ms = [], []
    for _ in range(reps):
        kht_ms.append(_timed(op.kht))
        bare_ms.append(_timed(op.bare))
    result: dict[str, Any] = {"name": op.name, "repetitions": reps}
    for side, values in (("kht", kht_ms), ("bare", bare_ms)):
        result[side] = {
            "median_ms": round(statistics.median(values), 3),
            "p95_ms": round(percentile(values, 0.95), 3),
        }
    result["ratio_median"] = round(result["kht"]["median_ms"] / result["bare"]["median_ms"], 2)
    result["ratio_p95"] = round(result["kht"]["p95_ms"] / result["bare"]["p95_ms"], 2)
    return result


def run(
    url: str,
    n: int,
    reps: int,
    warmup: int,
    log: Callable[[str], None],
    only: list[str] | None = None,
) -> dict[str, Any]:
    """Benchmark every operation (or those whose name contains a word of `only`) at `url`."""
    from bench.generate import settings
    from kht.db.engine import make_engine
    from kht.runtime import Runtime
    from kht.web import create_app

    runtime = Runtime.from_settings(settings(url))
    cleanup(runtime.engine, n)
    fx = fixture(runtime, n)
    set_role_dashboard(runtime)
    snapshot = SalesSnapshot(runtime.engine, fx.rep_id)
    app = create_app(runtime.settings, engine=runtime.engine)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    bare_engine = make_engine(url)
    scopes = Scopes(user_id=fx.rep_id, owners={"rep": [fx.rep_id], "mgr": fx.manager_owners})
    results = []
    try:
        with TestClient(app) as kht_client, TestClient(build_app(bare_engine, scopes)) as bare:
            for op in operations(kht_client, bare, fx):
                if only and not any(word in op.name for word in only):
                    continue
                results.append(measure(op, reps, warmup))
                log(f"  {op.name}: ratio {results[-1]['ratio_median']}")
    finally:
        snapshot.restore(runtime.engine)
        cleanup(runtime.engine, n)
        bare_engine.dispose()
        runtime.engine.dispose()
    return {
        "backend": runtime.engine.dialect.name,
        "server_version": _server_version(url),
        "customers": n,
        "client": "litestar TestClient, in-process (no socket), sync handlers in the thread pool",
        "operations": results,
    }


def _server_version(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                return "SQLite " + connection.scalar(text("select sqlite_version()"))
            return connection.scalar(text("select version()")).split(" on ")[0]
    finally:
        engine.dispose()
