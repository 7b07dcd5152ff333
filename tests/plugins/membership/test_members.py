"""Members: numbers and card codes, status from dates, renewal, lookup by card, the API and
pages the declaration gives, the data scope, the customer 360 panel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from kht.plugin_api import Conflict, ValidationError
from plugins.membership import service
from plugins.membership.schemas import MemberCreate, MemberUpdate
from plugins.membership.value import run_nightly
from tests.plugins.membership.conftest import TODAY, noon


def test_a_member_gets_a_number_a_card_code_the_lowest_tier_and_a_status(club):
    first = club.get(club.member("王小明"))
    second = club.get(club.member("李小红", join_date=TODAY, start_date=None))
    assert (first.number, second.number) == ("M00000001", "M00000002")
    assert len(first.card_code) == 16 and first.card_code != second.card_code
    assert (first.tier, first.status) == ("standard", "active")
    assert second.status == "applicant"  # no start date yet
    assert first.tier_review_on == date(2027, 6, 15)
    assert first.owner_id == club.users["rep1"]  # owned like its customer


def test_bad_and_conflicting_input_names_the_field(club):
    member = club.member("王小明")
    customer = club.get(member).customer_id
    with club.on() as ctx:
        with pytest.raises(Conflict) as taken:
            service.create_member(ctx, MemberCreate(customer_id=customer))
        assert taken.value.field == "customer_id"
        with pytest.raises(ValidationError) as missing:
            service.create_member(ctx, MemberCreate(customer_id=99999))
        assert missing.value.field == "customer_id"
    other = club.customer("赵六", owner="rep1")
    code = club.get(member).card_code
    with club.on() as ctx:
        with pytest.raises(Conflict) as card:
            service.create_member(ctx, MemberCreate(customer_id=other, card_code=code))
        assert card.value.field == "card_code"
        with pytest.raises(ValidationError) as referrer:
            service.create_member(ctx, MemberCreate(customer_id=other, referrer_id=4242))
        assert referrer.value.field == "referrer_id"
        with pytest.raises(ValidationError) as dates:
            service.create_member(
                ctx,
                MemberCreate(customer_id=other, start_date=TODAY, end_date=TODAY - timedelta(1)),
            )
        assert dates.value.field == "end_date"


def test_the_status_moves_to_grace_then_expired_nightly_and_renewal_brings_it_back(club):
    member = club.member("王小明", end_date=date(2026, 6, 30))
    with club.on(date(2026, 7, 1)) as ctx:
        run_nightly(ctx)
    assert club.get(member).status == "grace"
    with club.on(date(2026, 7, 31)) as ctx:
        run_nightly(ctx)
    assert club.get(member).status == "expired"
    with club.on(date(2026, 8, 1)) as ctx:
        renewed = service.renew(ctx, member, 12)
        assert (renewed.status, renewed.end_date) == ("active", date(2027, 8, 1))


def test_renewing_in_grace_leaves_no_gap(club):
    member = club.member("王小明", end_date=date(2026, 6, 30))
    with club.on(date(2026, 7, 10)) as ctx:
        run_nightly(ctx)
        renewed = service.renew(ctx, member, 12)
        assert (renewed.status, renewed.end_date) == ("active", date(2027, 6, 30))


def test_cancelling_sets_the_status_at_once(club):
    member = club.member("王小明")
    with club.on() as ctx:
        record = service.get_member(ctx, member)
        updated = service.update_member(
            ctx, member, MemberUpdate(version=record.version, cancelled_on=TODAY)
        )
        assert updated.status == "cancelled"


def test_the_api_lists_filters_and_finds_a_member_by_card(club):
    member = club.get(club.member("王小明", home_store="南京西路店"))
    club.member("李小红", home_store="徐家汇店")
    with club.client("rep1") as rep:
        listed = rep.get("/api/v1/members", params={"f": "home_store:eq:南京西路店"})
        assert listed.status_code == 200, listed.text
        assert [m["number"] for m in listed.json()["items"]] == [member.number]
        found = rep.get("/api/v1/membership/lookup", params={"card": member.card_code})
        assert found.status_code == 200 and found.json()["id"] == member.id
        assert rep.get("/api/v1/membership/lookup", params={"card": "0000"}).status_code == 404
        created = rep.post("/api/v1/members", json={"customer_id": club.customer("新会员", "rep1")})
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "applicant" and created.json()["tier"] == "standard"
        bad = rep.post("/api/v1/members", json={"customer_id": 1, "birthday_calendar": "moon"})
        assert bad.status_code in (400, 422) and "birthday_calendar" in bad.text


def test_another_department_neither_sees_nor_finds_a_member(club):
    member = club.get(club.member("王小明"))
    with club.client("west_rep") as outsider:
        assert outsider.get("/api/v1/members").json()["total"] == 0
        assert outsider.get(f"/api/v1/members/{member.id}").status_code == 404
        lookup = outsider.get("/api/v1/membership/lookup", params={"card": member.card_code})
        assert lookup.status_code == 404
    with club.client("mkt") as marketing:  # marketing sees every member, may not add one
        assert marketing.get("/api/v1/members").json()["total"] == 1
        assert marketing.post("/api/v1/members", json={"customer_id": 1}).status_code == 403


def test_the_member_page_shows_the_qr_code_and_the_customer_page_the_profile(club):
    member = club.get(club.member("王小明", birthday=date(1990, 10, 3), birthday_calendar="lunar"))
    with time_machine.travel(noon(TODAY), tick=False), club.browser("rep1") as page:
        shown = page.get(f"/members/{member.id}")
        assert shown.status_code == 200, shown.text
        assert 'id="membership-qr"' in shown.text and "<svg" in shown.text
        assert member.card_code in shown.text and "八月十五" in shown.text
        assert "2026-09-25" in shown.text  # the next lunar birthday, as a solar date
        customer = page.get(f"/customers/{member.customer_id}")
        assert 'id="membership-profile"' in customer.text and member.number in customer.text
        lookup = page.get("/membership/lookup", params={"card": member.card_code})
        assert lookup.status_code == 200 and f"/members/{member.id}" in str(lookup.url)
        missing = page.get("/membership/lookup", params={"card": "nope"})
        assert missing.status_code == 404 and 'id="membership-lookup-error"' in missing.text
        listed = page.get("/members", params={"f": "status:eq:active"})
        assert listed.status_code == 200 and member.number in listed.text


def test_a_customer_is_enrolled_from_the_customer_page(club):
    customer = club.customer("钱七", owner="rep1")
    with club.browser("rep1") as page:
        shown = page.get(f"/customers/{customer}")
        assert 'id="membership-enrol-form"' in shown.text
        from kht.testing import csrf_token

        enrolled = page.post(
            f"/membership/customers/{customer}/enrol", data={"_csrf_token": csrf_token(page)}
        )
        assert enrolled.status_code == 200 and "/members/" in str(enrolled.url)
