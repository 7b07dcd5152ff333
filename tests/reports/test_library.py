"""Every library report compiles and runs on the demo company, in each reader's scope, and
every cell drills down to exactly the records it counts."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, select

from kht.auth.scope import owned_by_visible
from kht.lists.engine import count, parse_filter
from kht.records import record_kinds
from kht.reports import engine, service
from kht.testing import acting_as, runtime_of


def _engine_reports(ctx):
    return [item for item in service.report_defs(ctx).values() if not item.url]


def _plain_count(item) -> bool:
    """The report's first measure counts its records (no condition of its own)."""
    first = item.measures[0]
    return first.agg == "count" and not first.field and not first.filters


def _drilled(ctx, spec, url: str) -> int:
    texts = parse_qs(urlparse(url).query)["f"]
    return count(ctx.session, spec.query(ctx, filters=[parse_filter(t) for t in texts]))


def test_the_library_has_a_hundred_reports_in_ten_categories_and_each_runs(demo):
    with acting_as(runtime_of(demo), "admin") as ctx:
        every = service.report_defs(ctx)
        categories = Counter(item.category for item in every.values())
        assert len(every) >= 100
        assert len(categories) >= 10
        # core modules and the pack contribute alike; the hand-built pages are listed too
        assert {"analysis.funnel", "analysis.forecast", "standard_product.performance"} <= set(
            every
        )
        ran = 0
        for item in _engine_reports(ctx):
            result = service.run_report(ctx, item.key)
            assert len(result.measures) == len(item.measures), item.key
            for row in result.rows:
                assert len(row.values) == len(item.measures), item.key
                assert len(row.labels) == len(item.dimensions), item.key
            ran += 1
        assert ran >= 100
        # the demo has data behind most of them
        shown = [item for item in _engine_reports(ctx) if service.run_report(ctx, item.key).rows]
        assert len(shown) >= 90


def _check_scope_and_drill(ctx) -> int:
    """Each plain-count report's total equals the kind's list count in the reader's scope
    (with the report's filters), and each row's drill-down lists exactly its count."""
    kinds = record_kinds(ctx)
    checked = 0
    for item in _engine_reports(ctx):
        spec = kinds[item.kind]
        # A report on a module the reader's role does not have is refused (403), not scoped.
        if not _plain_count(item) or not ctx.user.can(spec.module, "view"):
            continue
        result = service.run_report(ctx, item.key)
        filters = [parse_filter(text) for text in result.filters]
        listed = count(ctx.session, spec.query(ctx, filters=filters))
        assert result.totals[0] == listed, item.key
        for row in result.rows:
            if row.drill is not None:
                assert _drilled(ctx, spec, row.drill) == row.values[0], (item.key, row.labels)
        if result.pivot is not None:
            for line in result.pivot.cells:
                for cell in line:
                    if cell.drill:
                        assert _drilled(ctx, spec, cell.drill) == cell.value, item.key
        if not item.filters:
            # ... and the list's count is the scope's own: owners the reader may see
            model = spec.model
            direct = (
                select(func.count())
                .select_from(model)
                .where(
                    model.deleted_at.is_(None),
                    owned_by_visible(ctx.user, model.owner_id, spec.module),
                )
            )
            assert result.totals[0] == ctx.session.scalar(direct), item.key
        checked += 1
    return checked


def test_a_rep_and_a_manager_see_their_scope_in_every_report_and_drill_downs_match(demo):
    runtime = runtime_of(demo)
    totals = {}
    for login in ("qian.rep", "zhao.manager", "admin"):
        with acting_as(runtime, login) as ctx:
            assert _check_scope_and_drill(ctx) >= 60
            totals[login] = service.run_report(ctx, "customers.by_owner").totals[0]
    assert totals["qian.rep"] < totals["zhao.manager"] < totals["admin"]
    with acting_as(runtime, "qian.rep") as ctx:
        mine = service.run_report(ctx, "customers.by_owner")
        me = ctx.user_id
        # a rep's rows are theirs and the pool's, nobody else's
        assert {row.keys[0] for row in mine.rows} <= {me, None}


def test_dates_ranges_departments_and_ratios(demo):
    with acting_as(runtime_of(demo), "admin") as ctx:
        by_quarter = service.run_report(ctx, "customers.growth_quarter")
        assert all(len(row.keys[0]) == 7 and "-Q" in row.keys[0] for row in by_quarter.rows)
        sizes = service.run_report(ctx, "opportunities.by_size")
        assert all(isinstance(row.keys[0], int) or row.keys[0] is None for row in sizes.rows)
        assert any("–" in row.labels[0] or "<" in row.labels[0] for row in sizes.rows)
        divisions = service.run_report(ctx, "customers.by_department_tree")
        assert "销售部" in [row.labels[0] for row in divisions.rows]
        rates = service.run_report(ctx, "opportunities.win_rate_by_owner")
        for row in rates.rows:
            won, closed, rate = row.values[:3]
            assert rate is None if not closed else abs(float(rate) - 100 * won / closed) < 0.06
        assert engine.date_span("quarter", "2026-Q4")[1].isoformat() == "2027-01-01"
        assert engine.date_span("month", "2026-12")[1].isoformat() == "2027-01-01"
