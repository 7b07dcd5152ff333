"""Check-in from the phone: the distance to the outlet (worked examples), the radius flag,
impossible travel, no position refused, unplanned visits flagged, check-out's time in store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kht.plugin_api import Conflict, ValidationError
from plugins.promotion import geo, visits
from tests.plugins.promotion.conftest import JINGAN, MORNING, XUJIAHUI


def test_distance_worked_examples():
    # One degree of latitude at the equator is 110,574 m on WGS84 (a sphere would say 111,195).
    assert geo.distance_m(0, 0, 1, 0) == pytest.approx(110_574, abs=1)
    # 静安寺 to 徐家汇: 3.1 km north-south, 0.76 km east-west -> about 3.2 km.
    assert geo.distance_m(*JINGAN, *XUJIAHUI) == pytest.approx(3_186, abs=15)
    # 0.001 degree of latitude in Shanghai is about 111 m: inside a 200 m radius.
    assert geo.distance_m(31.223, 121.445, 31.224, 121.445) == pytest.approx(110.9, abs=0.5)
    assert geo.within(110.9, 200) and not geo.within(250, 200)
    # Shanghai to Beijing (1,067 km) in one hour is no car's trip; 30 km in an hour is.
    since = MORNING
    assert geo.impossible(1_067_000, since, since + timedelta(hours=1), 120)
    assert not geo.impossible(30_000, since, since + timedelta(hours=1), 120)
    assert not geo.impossible(300, since, since, 120)  # neighbouring shops, GPS noise


def test_a_check_in_at_the_outlet_is_in_radius_and_on_time(field):
    outlet = field.outlet("罗森 静安店", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    visit = field.check_in("rep1", stop.id, (31.2235, 121.445), when=stop.planned_at)
    assert visit.status == "in_store"
    assert visit.distance_m == 55  # 0.0005 degree north
    assert visit.in_radius is True and visit.on_time is True
    assert visit.flags == ""


def test_a_check_in_far_from_the_outlet_is_flagged_not_refused(field):
    outlet = field.outlet("全家 静安店", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    late = stop.planned_at + timedelta(hours=2)
    visit = field.check_in("rep1", stop.id, XUJIAHUI, when=late, acc=500)
    assert visit.distance_m == pytest.approx(3186, abs=15)
    assert visit.in_radius is False and visit.on_time is False
    assert set(visit.flags.split(",")) == {"outside_radius", "poor_accuracy"}


def test_a_check_in_without_a_position_is_refused_naming_the_field(field):
    outlet = field.outlet("喜士多", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    with field.at("rep1") as ctx, pytest.raises(ValidationError) as refused:
        visits.check_in(ctx, stop.id, None)
    assert refused.value.field == "latitude"
    assert field.stops("rep1", stop.plan_id)[0].status == "planned"


def test_impossible_travel_since_the_previous_check_in_is_flagged(field):
    here = field.outlet("上海店", "rep1")
    far = field.outlet("北京店", "rep1", where=(39.9042, 116.4074))
    first, second = field.stops("rep1", field.plan("rep1", [here, far]))
    field.check_in("rep1", first.id, JINGAN)
    with field.at("rep1", MORNING + timedelta(minutes=20)) as ctx:
        visits.check_out(ctx, first.id)
    # Twenty minutes later "in Beijing", right at the outlet: the position is forged.
    visit = field.check_in(
        "rep1", second.id, (39.9042, 116.4074), when=MORNING + timedelta(minutes=40)
    )
    assert visit.impossible_travel is True and visit.in_radius is True
    assert "impossible_travel" in visit.flags


def test_check_out_keeps_time_in_store_and_the_outlet_last_visit(field):
    outlet = field.outlet("华联", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    field.check_in("rep1", stop.id, JINGAN)
    with field.at("rep1", MORNING + timedelta(minutes=3)) as ctx:
        with pytest.raises(Conflict):
            visits.check_in(ctx, stop.id, None)  # already in: refused before the position
    with field.at("rep1", MORNING + timedelta(minutes=3)) as ctx:
        visit = visits.check_out(ctx, stop.id)
        assert visit.minutes_in_store == 3 and "short_visit" in visit.flags
        from plugins.promotion.service import get_outlet

        assert get_outlet(ctx, outlet).last_visit_on.isoformat() == "2026-06-15"


def test_an_unplanned_visit_is_allowed_and_flagged(field):
    outlet = field.outlet("路边小店", "rep1", where=None)
    with field.at("rep1") as ctx:
        visit = visits.start_unplanned(ctx, outlet)
        visits.check_in(ctx, visit.id, visits.CheckIn(latitude=31.2, longitude=121.4))
        assert visit.unplanned and visit.plan_id is None
        assert set(visit.flags.split(",")) == {"unplanned", "outlet_unlocated"}
        assert visit.distance_m is None


def test_one_outlet_at_a_time(field):
    a, b = field.outlet("甲", "rep1"), field.outlet("乙", "rep1")
    first, second = field.stops("rep1", field.plan("rep1", [a, b]))
    field.check_in("rep1", first.id, JINGAN)
    with pytest.raises(Conflict):
        field.check_in("rep1", second.id, JINGAN)
