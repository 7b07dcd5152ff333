"""The membership pack at the till, in the real browser: find a member by the card's code,
add a purchase, and see the points and the tier change on the member page."""

from __future__ import annotations

import pytest

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import TEST_PASSWORD, add_user, serving
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def test_find_a_member_by_card_add_a_purchase_see_points_and_tier(kht_db_url, kht_runtime, page):
    from plugins.membership.schemas import MemberCreate
    from plugins.membership.service import create_member

    runtime = kht_runtime(("membership",))
    clerk = add_user(runtime, "clerk", "sales_rep", department="Stores/Shanghai")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, clerk)
        customer = create_customer(ctx, CustomerCreate(name="王小明", kind="person")).id
        member = create_member(ctx, MemberCreate(customer_id=customer, start_date=ctx.today()))
        card, member_id = member.card_code, member.id
    with serving(kht_db_url) as url:
        log_in_as(page, url, "clerk", TEST_PASSWORD)
        page.goto(url + "/membership/lookup")
        page.fill("#membership-card-input", "0000000000000000")
        page.click("#membership-lookup-form button[type=submit]")
        page.wait_for_selector("#membership-lookup-error")  # no such card

        page.fill("#membership-card-input", card)
        page.click("#membership-lookup-form button[type=submit]")
        page.wait_for_url(f"{url}/members/{member_id}")
        page.wait_for_selector("#membership-qr svg")
        assert page.get_attribute("#membership-points", "data-points") == "0"
        assert page.get_attribute("#membership-tier", "data-tier") == "standard"

        page.fill("#purchase-amount", "5200")
        page.fill("#purchase-category", "服装")
        page.click("#purchase-submit")
        page.wait_for_selector("#membership-done")
        page.wait_for_selector("#membership-points[data-points='5200']")
        assert page.inner_text("#membership-tier") == "银卡"  # 5,000 reached: Silver at once
        assert page.locator(".membership-tier-change[data-to='silver']").count() == 1
        assert page.locator(".membership-transaction").count() == 1

        page.fill("#purchase-amount", "-1")
        page.click("#purchase-submit")
        page.wait_for_selector("#membership-error[data-field='amount']")
        assert page.get_attribute("#membership-points", "data-points") == "5200"
