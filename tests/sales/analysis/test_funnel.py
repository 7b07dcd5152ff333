"""The funnel: per stage, opportunities that entered it in the period, how many went further,
how many sit in it now and how long stays last, from the stage history; scoped like all."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kht.errors import NotFound, ValidationError
from kht.sales.analysis.funnel import funnel, stage_conversion_over_time

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 3, 31, 4, tzinfo=UTC)


def day(d: int, month: int = 3) -> datetime:
    return datetime(2026, month, d, 4, tzinfo=UTC)  # noon in Shanghai


@pytest.fixture
def march(sales):
    """rep1: o1 runs through to won, o2 is lost in needs analysis, o3 waits in qualification,
    o4 entered in February and moved on in March; west_rep: o5 waits in qualification."""
    o1 = sales.opportunity("rep1", "1000.00", at=day(2))
    sales.move("rep1", o1, "needs", day(4))
    sales.move("rep1", o1, "proposal", day(10))
    sales.close("rep1", o1, True, day(20))
    o2 = sales.opportunity("rep1", "2000.00", at=day(3))
    sales.move("rep1", o2, "needs", day(5))
    sales.close("rep1", o2, False, day(8))
    o3 = sales.opportunity("rep1", "300.00", at=day(5))
    o4 = sales.opportunity("rep1", "400.00", at=day(20, month=2))
    sales.move("rep1", o4, "needs", day(2))
    o5 = sales.opportunity("west_rep", "500.00", at=day(6))
    return {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "o5": o5}


def stages_of(sales, login, start=MARCH[0], end=MARCH[1], **filters):
    with sales.at(login, NOW) as ctx:
        return {s.key: s for s in funnel(ctx, start, end, **filters).stages}


def test_counts_amounts_and_conversion_per_stage(sales, march):
    stages = stages_of(sales, "rep1")
    assert list(stages) == ["qualify", "needs", "proposal", "negotiation", "won", "lost"]
    qualify, needs, proposal = stages["qualify"], stages["needs"], stages["proposal"]
    assert (qualify.reached, qualify.amount) == (3, Decimal("3300.00"))  # o4 came in February
    assert (qualify.advanced, qualify.conversion) == (2, Decimal("66.7"))
    assert (needs.reached, needs.amount) == (3, Decimal("3400.00"))
    assert (needs.advanced, needs.conversion) == (1, Decimal("33.3"))  # lost is no progress
    assert (proposal.reached, proposal.conversion) == (1, Decimal("100.0"))
    assert stages["negotiation"].reached == 0 and stages["negotiation"].conversion is None
    assert stages["won"].reached == 1 and stages["lost"].reached == 1
    assert stages["won"].conversion is None


def test_currently_in_stage_and_average_time_in_stage(sales, march):
    stages = stages_of(sales, "rep1")
    assert {key: s.current for key, s in stages.items()} == {
        "qualify": 1,
        "needs": 1,
        "proposal": 0,
        "negotiation": 0,
        "won": 1,
        "lost": 1,
    }
    assert stages["qualify"].current_amount == Decimal("300.00")
    # o1 2 days, o2 2 days, o3 still there after 26 days
    assert stages["qualify"].avg_days == Decimal("10.0")
    # o1 6 days, o2 3 days, o4 still there after 29 days
    assert stages["needs"].avg_days == Decimal("12.7")
    assert stages["proposal"].avg_days == Decimal("10.0")
    assert stages["won"].avg_days is None


def test_a_funnel_sees_only_opportunities_in_scope(sales, march):
    assert stages_of(sales, "admin")["qualify"].reached == 4
    assert stages_of(sales, "east_mgr")["qualify"].reached == 3
    assert stages_of(sales, "west_rep")["qualify"].reached == 1
    assert stages_of(sales, "rep2")["qualify"].reached == 0
    # Filtering on someone out of scope shows nothing rather than their numbers.
    assert stages_of(sales, "rep2", owner_id=sales.users["rep1"])["qualify"].reached == 0
    west = stages_of(sales, "admin", department_id=sales.department("West"))
    assert west["qualify"].reached == 1
    sales_dept = stages_of(sales, "admin", department_id=sales.department("Sales"))
    assert sales_dept["qualify"].reached == 4


def test_conversion_month_by_month(sales, march):
    with sales.at("rep1", NOW) as ctx:
        result = stage_conversion_over_time(ctx, date(2026, 2, 1), date(2026, 3, 31))
    names = [s.name for s in result.stages]
    assert len(names) == 4  # the open stages
    february, march_ = result.months
    assert february.label == "2026-02" and march_.label == "2026-03"
    assert (february.stages[0].reached, february.stages[0].conversion) == (1, Decimal("100.0"))
    assert (march_.stages[0].reached, march_.stages[0].conversion) == (3, Decimal("66.7"))
    assert (march_.stages[1].reached, march_.stages[1].advanced) == (3, 1)


def test_bad_dates_and_unknown_processes(sales):
    with sales.ctx("admin") as ctx:
        with pytest.raises(ValidationError) as backwards:
            funnel(ctx, date(2026, 3, 31), date(2026, 3, 1))
        with pytest.raises(ValidationError) as too_long:
            stage_conversion_over_time(ctx, date(2020, 1, 1), date(2026, 3, 1))
        with pytest.raises(NotFound):
            funnel(ctx, *MARCH, process_id=999999)
    assert backwards.value.field == "end" and too_long.value.field == "end"


def test_the_funnel_api(sales, march):
    rep = sales.client("rep1")
    response = rep.get("/api/v1/funnel", params={"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200, response.text
    qualify = response.json()["stages"][0]
    assert (qualify["key"], qualify["reached"], qualify["amount"]) == ("qualify", 3, "3300.00")
    conversion = rep.get(
        "/api/v1/funnel/conversion", params={"start": "2026-02-01", "end": "2026-03-31"}
    )
    assert conversion.status_code == 200
    assert [m["label"] for m in conversion.json()["months"]] == ["2026-02", "2026-03"]
    for params, field in (
        ({"start": "2026-3-1x"}, "start"),
        ({"start": "2026-03-01", "end": "yesterday"}, "end"),
        ({"start": "2026-03-31", "end": "2026-03-01"}, "end"),
    ):
        refused = rep.get("/api/v1/funnel", params=params)
        assert refused.status_code == 422 and refused.json()["field"] == field
    assert rep.get("/api/v1/funnel", params={"process_id": 999999}).status_code == 404
    assert sales.client("mkt").get("/api/v1/funnel").status_code == 403
