"""The project-sales pack in the real browser: qualify a project with the scorecard, put a
champion on the buying committee and see the chart flag the missing decision maker, share
the project with a presales engineer who can then open it."""

from __future__ import annotations

import pytest

from kht.auth.principal import load_principal
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import create_opportunity
from kht.sales.processes.service import list_processes
from kht.testing import TEST_PASSWORD, add_user, serving
from tests.browser.conftest import log_in_as, unfold

pytestmark = pytest.mark.browser
CRITERIA = ("fit", "budget", "authority", "need", "timing", "competition", "relationship")


def _project(runtime, rep: int) -> int:
    from plugins.project_sales.defs import PROCESS_KEY

    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        customer = create_customer(ctx, CustomerCreate(name="市第一人民医院")).id
        for name in ("王院长", "李主任"):
            create_contact(ctx, ContactCreate(name=name, customer_id=customer))
        process = next(p for p in list_processes(ctx) if p.key == PROCESS_KEY)
        data = OpportunityCreate(
            name="智慧医院集成平台", customer_id=customer, process_id=process.id
        )
        return create_opportunity(ctx, data).id


def test_qualify_map_the_committee_and_share_a_project(kht_db_url, kht_runtime, page, another_tab):
    runtime = kht_runtime(("project_sales",))
    rep = add_user(runtime, "rep1", "sales_rep", department="Sales/East")
    presales = add_user(runtime, "presales", "sales_rep", department="Sales/West")
    project = _project(runtime, rep)
    with serving(kht_db_url) as url:
        log_in_as(page, url, "rep1", TEST_PASSWORD)
        page.goto(f"{url}/opportunities/{project}")
        unfold(page, "#panel-project_sales_scorecard")
        assert page.inner_text("#scorecard-total") == "0"
        for key in CRITERIA:
            page.select_option(f"#scorecard-form select[name=score_{key}]", "4")
        page.click("#scorecard-form button[type=submit]")
        # 4 of 5 on every criterion (after the reload a phone folds the section again)
        page.wait_for_selector("#scorecard-total:text-is('80')", state="attached")

        unfold(page, "#panel-project_sales_committee")
        page.select_option("#committee-form select[name=contact_id]", label="李主任")
        page.select_option("#committee-form select[name=role]", "champion")
        page.click("#committee-form button[type=submit]")
        page.wait_for_selector("#committee-list [data-role='champion']", state="attached")
        unfold(page, "#panel-project_sales_committee")
        page.wait_for_selector("#committee-chart[data-drawn='1'] canvas")
        assert page.locator("#committee-gaps [data-gap='no_decision_maker']").count() == 1
        assert page.locator("#committee-gaps [data-gap='no_champion']").count() == 0

        other = another_tab()
        log_in_as(other, url, "presales", TEST_PASSWORD)
        missing = other.goto(f"{url}/opportunities/{project}")
        assert missing is not None and missing.status == 404  # not shared yet

        unfold(page, "#panel-team")
        page.select_option("#team-add-form select[name=user_id]", str(presales))
        page.fill("#team-add-form input[name=role]", "售前工程师")
        page.select_option("#team-add-form select[name=access]", "edit")
        page.click("#team-add-form button[type=submit]")
        page.wait_for_selector(f"#team-list [data-member='{presales}']", state="attached")

        opened = other.goto(f"{url}/opportunities/{project}")
        assert opened is not None and opened.status == 200
        # On a phone the section may be folded: the score is there, seen or not.
        other.wait_for_selector("#scorecard-total:text-is('80')", state="attached")
