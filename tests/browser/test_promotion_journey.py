"""The promotion pack on a rep's phone (390 x 844, location allowed): open today's plan,
check in at the outlet (the browser's position is sent and measured), take the audit with a
photo from the camera input, record a competitor with its photo, check out, find the visit
on the plan calendar — every page without sideways scrolling."""

from __future__ import annotations

import pytest

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import TEST_PASSWORD, add_user, serving
from tests.browser.conftest import log_in_as
from tests.plugins.promotion.test_photos_and_audits import phone_photo

pytestmark = pytest.mark.browser

OUTLET = (31.223, 121.445)
NEAR = {"latitude": 31.2232, "longitude": 121.4451, "accuracy": 15}  # about 24 m away


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.viewports("phone", reason="the rep works from a phone in the store")
def test_a_rep_visits_an_outlet_from_the_phone(kht_db_url, kht_runtime, page):
    from plugins.promotion import visits
    from plugins.promotion.schemas import OutletCreate, PlanCreate
    from plugins.promotion.service import create_outlet

    runtime = kht_runtime(("promotion",))
    rep = add_user(runtime, "rep", "sales_rep", department="Sales/Shanghai")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        customer = create_customer(ctx, CustomerCreate(name="罗森 静安寺店")).id
        lat, lng = OUTLET
        outlet = create_outlet(
            ctx, OutletCreate(customer_id=customer, latitude=lat, longitude=lng)
        ).id
        visits.create_plan(ctx, PlanCreate(start_on=ctx.today(), outlets=[outlet]))
    with serving(kht_db_url) as url:
        page.context.grant_permissions(["geolocation"], origin=url)
        page.context.set_geolocation(NEAR)
        log_in_as(page, url, "rep", TEST_PASSWORD)

        page.goto(url + "/promotion/today")
        stop = page.locator(".promotion-stop").first
        assert stop.get_attribute("data-status") == "planned"
        assert fits(page)
        stop.locator("a").click()
        page.wait_for_selector("#promotion-checkin")
        assert fits(page)

        page.click("#promotion-checkin-button")
        page.wait_for_selector("#promotion-visit-status[data-status='in_store']")
        assert page.inner_text("#promotion-distance") == "24 m"
        assert page.locator(".promotion-flag").count() == 0

        page.fill("#promotion-q0", "6")
        page.fill("#promotion-q2", "2.00")
        page.select_option("#promotion-q5", "no")
        photo = {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
        page.set_input_files("#promotion-photo", files=[photo])
        page.click("#promotion-audit-button")
        page.wait_for_selector("#promotion-audit-values")
        assert page.inner_text("#promotion-photo-count") == "1"
        assert fits(page)

        page.click("details:has(#promotion-observe) > summary")
        page.fill("input[name='competitor_name']", "农夫山泉")
        page.fill("#obs-price", "2.00")
        page.select_option("#obs-activity", "promotion")
        rival = {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
        page.set_input_files("#promotion-observe input[type=file]", files=[rival])
        page.click("#promotion-observe-button")
        page.wait_for_selector(".promotion-observation:has-text('农夫山泉')")
        assert fits(page)

        page.click("#promotion-checkout-button")
        page.wait_for_selector("#promotion-visit-status[data-status='done']")
        page.wait_for_selector("#promotion-minutes")
        page.goto(url + "/promotion/today")
        assert page.locator(".promotion-stop").first.get_attribute("data-status") == "done"
        page.goto(url + "/promotion/plans/calendar")  # a week list on the phone
        page.wait_for_selector(".fc-list-event:has-text('罗森 静安寺店')")
        assert fits(page)
        for path in ("/promotion/plans", "/promotion/discipline", "/outlets"):
            page.goto(url + path)
            assert fits(page), path
