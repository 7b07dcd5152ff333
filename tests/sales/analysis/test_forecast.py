"""The forecast: weighted pipeline, commit, best case and won against quota for a period,
per department rolled up the tree, per rep, and only over opportunities the user may see."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kht.errors import NotFound, ValidationError
from kht.sales.analysis.forecast import forecast

Q4 = date(2026, 10, 1)


@pytest.fixture
def q4(sales):
    """Q4 2026: East has rep1's and rep2's deals, West one of west_rep's; some fall outside."""
    ids = {
        "a": sales.opportunity("rep1", "1000.00", close=date(2026, 11, 15), category="commit"),
        "b": sales.opportunity("rep1", "2000.50", close=date(2026, 12, 1), category="best_case"),
        "c": sales.opportunity("rep2", "333.33", close=date(2026, 10, 31)),
        "d": sales.opportunity("rep1", "5000.00", close=date(2026, 12, 20)),
        "e": sales.opportunity("west_rep", "700.00", close=date(2026, 11, 1), category="commit"),
        "later": sales.opportunity("rep1", "9999.00", close=date(2027, 2, 1), category="commit"),
        "lost": sales.opportunity("rep2", "4444.00", close=date(2026, 11, 1)),
        "old_win": sales.opportunity("rep2", "8888.00", close=date(2026, 9, 1)),
    }
    sales.move("rep1", ids["b"], "needs", datetime(2026, 10, 6, 4, tzinfo=UTC))  # 30 %
    sales.move("rep2", ids["c"], "needs", datetime(2026, 10, 6, 4, tzinfo=UTC))
    sales.move("rep2", ids["c"], "proposal", datetime(2026, 10, 7, 4, tzinfo=UTC))  # 60 %
    sales.close("rep1", ids["d"], True, datetime(2026, 10, 20, 4, tzinfo=UTC))
    sales.close("rep2", ids["lost"], False, datetime(2026, 10, 21, 4, tzinfo=UTC))
    sales.close("rep2", ids["old_win"], True, datetime(2026, 9, 30, 4, tzinfo=UTC))
    return ids


def rows_by_name(result):
    return {row.name: row for row in result.rows}


def test_the_weighted_pipeline_is_exact_and_rounded_once(sales, q4):
    with sales.ctx("admin") as ctx:
        result = forecast(ctx, "quarter", Q4)
    east = rows_by_name(result)["East"]
    # 1000.00 x 10 % + 2000.50 x 30 % + 333.33 x 60 % = 100 + 600.15 + 199.998
    assert east.weighted == Decimal("900.15")
    assert east.commit == Decimal("1000.00")
    assert east.best_case == Decimal("3000.50")  # commit + best case
    assert east.won == Decimal("5000.00")  # won in Q4; the September win is not
    assert (east.open_count, east.won_count) == (3, 1)
    assert result.end == date(2026, 12, 31) and result.label == "2026 Q4"


def test_a_parent_department_includes_its_children(sales, q4):
    with sales.ctx("admin") as ctx:
        result = forecast(ctx, "quarter", Q4)
    rows = rows_by_name(result)
    west, parent = rows["West"], rows["Sales"]
    assert west.weighted == Decimal("70.00") and west.commit == Decimal("700.00")
    # 900.148 + 70 rounded once, not 900.15 + 70.00
    assert parent.weighted == Decimal("970.15")
    assert parent.commit == Decimal("1700.00")
    assert parent.best_case == Decimal("3700.50")
    assert parent.won == Decimal("5000.00")
    assert rows["East"].parent_id == parent.department_id and rows["East"].depth == parent.depth + 1
    assert result.total.won == Decimal("5000.00") and result.total.weighted == Decimal("970.15")
    under_east = forecast_rows(sales, "admin", department_id=sales.department("East"))
    assert [row.name for row in under_east] == ["East"]


def forecast_rows(sales, login, **filters):
    with sales.ctx(login) as ctx:
        return forecast(ctx, "quarter", Q4, **filters).rows


def test_quota_attainment_uses_the_department_quota_or_its_members(sales, q4):
    sales.quota("department", sales.department("East"), "10000.00")
    sales.quota("user", sales.users["west_rep"], "2000.00")
    with sales.ctx("admin") as ctx:
        result = forecast(ctx, "quarter", Q4, by_rep=True)
    rows = rows_by_name(result)
    assert rows["East"].quota == Decimal("10000.00")
    assert rows["East"].attainment == Decimal("0.5000")
    assert rows["West"].quota == Decimal("2000.00")  # no department quota: its members'
    assert rows["West"].attainment == Decimal("0.0000")
    assert rows["Sales"].quota == Decimal("12000.00")  # its sub-departments'
    assert rows["Sales"].attainment == Decimal("0.4167")
    assert rows["Marketing"].quota is None and rows["Marketing"].attainment is None
    reps = {rep.name: rep for rep in rows["East"].reps}
    assert reps["Rep1"].won == Decimal("5000.00") and reps["Rep1"].weighted == Decimal("700.15")
    assert reps["Rep2"].weighted == Decimal("200.00")
    assert [rep.quota for rep in rows["West"].reps] == [Decimal("2000.00")]


def test_monthly_quotas_add_up_to_the_quarter(sales, q4):
    east = sales.department("East")
    for month in (10, 11, 12):
        sales.quota("department", east, "1000.00", start=date(2026, month, 1), period="month")
    with sales.ctx("admin") as ctx:
        rows = rows_by_name(forecast(ctx, "quarter", Q4))
    assert rows["East"].quota == Decimal("3000.00")


def test_a_rep_forecast_counts_only_their_own_opportunities(sales, q4):
    rows = forecast_rows(sales, "rep1")
    assert [row.name for row in rows] == ["East"]  # a rep starts from their own department
    assert rows[0].weighted == Decimal("700.15")
    assert rows[0].won == Decimal("5000.00")
    assert rows[0].open_count == 2
    manager = forecast_rows(sales, "east_mgr")
    assert manager[0].weighted == Decimal("900.15")


def test_a_department_outside_the_scope_shows_zeros_and_an_unknown_one_is_404(sales, q4):
    rows = forecast_rows(sales, "east_mgr", department_id=sales.department("West"))
    assert [(row.name, row.weighted, row.commit) for row in rows] == [
        ("West", Decimal("0.00"), Decimal("0.00"))
    ]
    with pytest.raises(NotFound):
        forecast_rows(sales, "admin", department_id=999999)


def test_filters_by_owner_and_product_line(sales, q4):
    rows = rows_by_name_list(forecast_rows(sales, "admin", owner_id=sales.users["rep2"]))
    assert rows["East"].weighted == Decimal("200.00")
    assert rows["West"].weighted == Decimal("0.00")
    with pytest.raises(ValidationError) as error:
        forecast_rows(sales, "admin", product_line_id=999999)
    assert error.value.field == "product_line_id"


def rows_by_name_list(rows):
    return {row.name: row for row in rows}


def test_bad_periods_are_refused_naming_the_field(sales):
    with sales.ctx("admin") as ctx:
        with pytest.raises(ValidationError) as bad_period:
            forecast(ctx, "week", Q4)
        with pytest.raises(ValidationError) as bad_start:
            forecast(ctx, "quarter", date(2026, 11, 1))
    assert bad_period.value.field == "period"
    assert bad_start.value.field == "start"


def test_the_forecast_api(sales, q4):
    admin = sales.client("admin")
    response = admin.get("/api/v1/forecast", params={"period": "quarter", "start": "2026-10-01"})
    assert response.status_code == 200, response.text
    body = response.json()
    east = next(row for row in body["rows"] if row["name"] == "East")
    assert east["weighted"] == "900.15" and east["best_case"] == "3000.50"
    for params, field in (
        ({"period": "fortnight"}, "period"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2026-11-01"}, "start"),
    ):
        refused = admin.get("/api/v1/forecast", params=params)
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == field
    assert admin.get("/api/v1/forecast", params={"department_id": 999999}).status_code == 404
    rep = sales.client("rep1").get("/api/v1/forecast", params={"start": "2026-10-01"}).json()
    assert rep["total"]["weighted"] == "700.15"
    assert sales.client("mkt").get("/api/v1/forecast").status_code == 403
