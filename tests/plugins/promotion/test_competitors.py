"""Competitor observations at an outlet visit: on the core's competitor records (picked or
added by name), with photos stripped of their EXIF location, in the rep's scope, refused
when they make no sense, and counted by the competitor reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from PIL import Image

from kht.competitors.schemas import CompetitorCreate
from kht.competitors.service import competitor_named, create_competitor
from kht.files.service import download
from kht.plugin_api import Conflict, ValidationError
from kht.reports.service import run_report
from plugins.promotion import observations
from plugins.promotion.schemas import ObservationIn
from tests.plugins.promotion.conftest import JINGAN, MORNING
from tests.plugins.promotion.test_pages import post
from tests.plugins.promotion.test_photos_and_audits import GPS_IFD, in_store, phone_photo


def rival(field, name: str = "农夫山泉") -> int:
    with field.at("admin") as ctx:
        return create_competitor(ctx, CompetitorCreate(name=name, price_positioning="mid")).id


def test_a_rep_records_a_competitor_at_a_visit_with_its_territory_and_region(field):
    visit_id = in_store(field)
    competitor = rival(field)
    with field.at("rep1") as ctx:
        data = ObservationIn(
            competitor_id=competitor, product="农夫山泉 550ml", price=Decimal("2.00"),
            shelf_share=Decimal("35.5"), activity="promotion", note="第二件半价",
        )  # fmt: skip
        seen = observations.record_observation(ctx, visit_id, data)
        ctx.session.flush()
        assert (seen.territory_id, seen.region_id) == (
            field.territory["静安"],
            field.territory["华东"],
        )
        assert seen.observed_on == date(2026, 6, 15) and seen.owner_id == field.users["rep1"]
        assert [o.id for o in observations.of_visit(ctx, visit_id)] == [seen.id]
        assert seen.outlet_type == "convenience" and seen.price == Decimal("2.00")


def test_a_new_competitor_is_added_by_name_once(field):
    visit_id = in_store(field)
    with field.at("rep1") as ctx:
        first = observations.record_observation(
            ctx, visit_id, ObservationIn(competitor_name=" 怡宝 ", present=False)
        )
        again = observations.record_observation(
            ctx, visit_id, ObservationIn(competitor_name="怡宝", price=Decimal("1.80"))
        )
        assert first.competitor_id == again.competitor_id
        assert competitor_named(ctx, "怡宝").id == first.competitor_id
        assert first.present is False and first.price is None


@pytest.mark.parametrize(
    ("values", "field_name"),
    [
        ({}, "competitor_id"),
        ({"competitor_id": 999_999}, "competitor_id"),
        ({"competitor_name": "x", "present": False, "price": Decimal("2")}, "price"),
        ({"competitor_name": "x", "present": False, "activity": "display"}, "activity"),
        ({"competitor_name": "x", "shelf_share": Decimal("101")}, "shelf_share"),
        ({"competitor_name": "x", "price": Decimal("-1")}, "price"),
        ({"competitor_name": "x", "price": Decimal("NaN")}, "price"),
    ],
)
def test_an_observation_that_makes_no_sense_is_refused_naming_the_field(field, values, field_name):
    visit_id = in_store(field)
    with field.at("rep1") as ctx, pytest.raises(ValidationError) as refused:
        observations.record_observation(ctx, visit_id, ObservationIn(**values))
    assert refused.value.field == field_name


def test_no_observation_before_check_in_nor_on_another_reps_visit(field):
    outlet = field.outlet("未签到", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    competitor = rival(field)
    with field.at("rep1") as ctx, pytest.raises(Conflict):
        observations.record_observation(ctx, stop.id, ObservationIn(competitor_id=competitor))
    visit_id = in_store(field, "别人的店")
    answer = field.client("west_rep").post(
        f"/api/v1/promotion/visits/{visit_id}/competitors", json={"competitor_id": competitor}
    )
    assert answer.status_code == 404


def test_a_competitor_photo_is_stored_without_its_exif_location(field):
    visit_id = in_store(field)
    competitor = rival(field)
    with field.at("rep1") as ctx:
        seen = observations.record_observation(
            ctx, visit_id, ObservationIn(competitor_id=competitor)
        )
        file = observations.add_photo(ctx, seen.id, "rival.heic", phone_photo())
        _, stored = download(ctx, file.id)
        assert observations.get_observation(ctx, seen.id).photos == 1
        with pytest.raises(ValidationError) as refused:
            observations.add_photo(ctx, seen.id, "x.jpg", b"%PDF-1.4")
        assert refused.value.field == "photo"
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG" and image.getexif().get_ifd(GPS_IFD) == {}
    assert b"PhoneMaker" not in stored


def test_the_api_records_an_observation_and_its_photo_and_refuses_bad_input(field):
    visit_id = in_store(field)
    competitor = rival(field)
    rep = field.client("rep1")
    url = f"/api/v1/promotion/visits/{visit_id}/competitors"
    made = rep.post(url, json={"competitor_id": competitor, "price": "2.50", "activity": "display"})
    assert made.status_code == 201, made.text
    assert made.json()["price"] == "2.50" and made.json()["region_id"] == field.territory["华东"]
    wrong = rep.post(url, json={"competitor_id": competitor, "present": False, "price": "1"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "price"
    unknown = rep.post(url, json={"competitor_id": competitor, "colour": "red"})
    assert unknown.status_code in (400, 422)
    photo_url = f"/api/v1/promotion/competitor-observations/{made.json()['id']}/photos"
    bad = rep.post(photo_url, files={"photo": ("x.png", b"<svg/>", "image/png")})
    assert bad.status_code == 422 and bad.json()["field"] == "photo"
    good = rep.post(photo_url, files={"photo": ("r.jpg", phone_photo(40, 30), "image/jpeg")})
    assert good.status_code == 201 and good.json()["filename"] == "r.jpg"
    listed = rep.get("/api/v1/competitor-observations").json()
    assert listed["total"] == 1 and listed["items"][0]["photos"] == 1
    assert field.client("west_rep").get("/api/v1/competitor-observations").json()["total"] == 0
    created = rep.post(
        "/api/v1/competitor-observations",
        json={"visit_id": visit_id, "competitor_name": "百岁山", "shelf_share": "12.5"},
    )
    assert created.status_code == 201 and created.json()["shelf_share"] == "12.5"


def test_the_visit_page_records_a_competitor_with_a_photo(field):
    outlet = field.outlet("页面竞品店", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    field.check_in("rep1", stop.id, JINGAN)
    competitor = rival(field)
    url = f"/promotion/visits/{stop.id}/competitors"
    with time_machine.travel(MORNING, tick=False), field.browser("rep1") as client:
        page = f"/promotion/visits/{stop.id}/do"
        assert 'id="promotion-observe"' in client.get(page).text
        refused = post(client, url, {"competitor_id": str(competitor), "price": "两块"})
        assert refused.status_code == 422 and 'data-field="price"' in refused.text
        absent = {"competitor_id": str(competitor), "absent": "on", "shelf_share": "10"}
        refused = post(client, url, absent)
        assert refused.status_code == 422 and 'data-field="shelf_share"' in refused.text
        photo = {"photo": ("rival.jpg", phone_photo(64, 48), "image/jpeg")}
        values = {"competitor_id": str(competitor), "product": "农夫山泉 1.5L", "price": "3.5"}
        assert post(client, url, values, files=photo).status_code == 303
        shown = client.get(page).text
        assert 'class="list-group-item promotion-observation"' in shown and "¥3.50" in shown
        assert client.get(f"/competitors/{competitor}").text.count("promotion-observation") == 1
        assert client.get("/competitor-observations").status_code == 200
    with field.at("rep1") as ctx:
        (seen,) = observations.of_visit(ctx, stop.id)
        assert seen.photos == 1 and seen.product == "农夫山泉 1.5L"


def test_the_competitor_reports_count_presence_and_prices_by_territory_and_month(field):
    competitor = rival(field)
    visit_id = in_store(field, "竞品店")
    for index, (present, price) in enumerate(((True, "2.00"), (True, "3.00"), (False, None))):
        with field.at("rep1") as ctx:
            data = ObservationIn(
                competitor_id=competitor,
                present=present,
                price=Decimal(price) if price else None,
                activity="promotion" if index == 0 else "",
            )
            observations.record_observation(ctx, visit_id, data)
    with field.at("east_mgr") as ctx:
        presence = run_report(ctx, "promotion.competitor_presence")
        prices = run_report(ctx, "promotion.competitor_price")
        activity = run_report(ctx, "promotion.competitor_activity")
    assert presence.totals[:2] == [3, 2]
    assert "静安" in str(presence.rows[0])
    assert prices.totals[0] == Decimal("2.50") and "农夫山泉" in str(prices.rows[0])
    assert activity.totals == [1] and "华东" in str(activity.rows[0])
    with field.at("west_rep") as ctx:
        assert run_report(ctx, "promotion.competitor_presence").rows == []
