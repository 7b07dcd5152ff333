"""An administrator opens the administration home from the menu and finds every admin page
there, turns a pack off and on again on the plugins page (the page says what changed, and
the server serves the change at once, no restart), and narrows the audit log by user, kind,
record and day; a sales rep is refused all three pages (one journey: one server at each
width)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate, CustomerUpdate
from kht.customers.service import create_customer, update_customer
from kht.plugins import enabled_names
from kht.testing import TEST_PASSWORD, add_user
from kht.web.pages import menu_items
from tests.browser.conftest import log_in_as, open_menu

pytestmark = pytest.mark.browser

PACK = "promotion"  # a pack without requirements: quick to turn off and on
PACK_PAGE = "/promotion/plans"  # one of its pages


@pytest.fixture
def office(live_runtime) -> dict:
    """Before the server starts: the promotion pack on, an administrator, and a rep who
    created one customer and changed another (the audit log's rows)."""
    live_runtime.enable(PACK)
    boss = add_user(live_runtime, "boss", "administrator", department="HQ")
    rep = add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, boss)
        admin_pages = {item.url for item in menu_items(ctx) if item.section == "admin"}
        create_customer(ctx, CustomerCreate(name="总部自建客户"))
        ctx.user = load_principal(ctx.session, rep)
        create_customer(ctx, CustomerCreate(name="宁波港务"))
        changed = create_customer(ctx, CustomerCreate(name="舟山渔业"))
        update_customer(ctx, changed.id, CustomerUpdate(version=changed.version, phone="0580-1"))
        today = ctx.today()
    return {"rep": rep, "changed": changed.id, "today": today, "admin_pages": admin_pages}


def _pack_enabled(live_runtime) -> bool:
    with live_runtime.ctx() as ctx:
        return PACK in enabled_names(ctx.session)


def test_an_administrator_uses_the_admin_pages(office, live_server, live_runtime, page):
    log_in_as(page, live_server, "boss", TEST_PASSWORD)

    # The administration home, from the menu (folded into the menu button on a phone).
    open_menu(page)
    page.locator("[data-menu-section=admin] .dropdown-toggle").click()
    page.locator("[data-menu-section=admin] [data-menu=admin_home]").click()
    page.wait_for_url(live_server + "/admin")
    links = page.locator("#admin-pages a")
    expect(links.first).to_be_visible()
    shown = {link.get_attribute("href") for link in links.all()}
    assert shown == office["admin_pages"] - {"/admin"}
    assert {"/admin/plugins", "/admin/audit"} <= shown
    for url in sorted(shown):
        answer = page.goto(live_server + url)
        assert answer.status == 200, url
        expect(page.locator("h1").first).to_be_visible()

    # The plugins page: turn the pack off, then on again; the page shows each state.
    page.goto(live_server + "/admin/plugins")
    row = page.locator(f"#plugins tr[data-plugin={PACK}]")
    expect(row).to_have_attribute("data-enabled", "1")
    expect(page.locator("#plugins-restart")).to_have_count(0)
    row.get_by_role("button", name="停用").click()
    expect(page.locator("#plugins-changed")).to_contain_text(PACK)
    expect(row).to_have_attribute("data-enabled", "0")
    expect(row).to_contain_text("已停用")
    # `kht serve` rebuilds its app for the plugins now enabled: no restart, the pack's pages
    # are gone at once.
    expect(page.locator("#plugins-restart")).to_have_count(0)
    assert not _pack_enabled(live_runtime)
    assert page.request.get(live_server + PACK_PAGE).status == 404
    row.get_by_role("button", name="启用").click()
    expect(page.locator("#plugins-changed")).to_contain_text(PACK)
    expect(row).to_have_attribute("data-enabled", "1")
    expect(row).to_contain_text("已启用")
    expect(page.locator("#plugins-restart")).to_have_count(0)
    assert _pack_enabled(live_runtime)
    assert page.request.get(live_server + PACK_PAGE).status == 200

    # The audit log: the rep's change of one customer, today.
    page.goto(live_server + "/admin/audit")
    everyone = int(page.locator("#audit-total").get_attribute("data-total"))
    page.select_option("#audit-user", str(office["rep"]))
    page.select_option("#audit-kind", "customer")
    page.click("#audit-filters button")
    page.wait_for_url("**/admin/audit?*kind=customer*")
    by_rep = int(page.locator("#audit-total").get_attribute("data-total"))
    assert 0 < by_rep < everyone
    expect(page.locator("#audit-rows")).to_contain_text("舟山渔业")  # its creation
    assert "总部自建客户" not in page.inner_text("#audit-rows")  # the administrator's
    page.fill("#audit-record", str(office["changed"]))
    page.fill("#audit-since", office["today"].isoformat())
    page.fill("#audit-until", office["today"].isoformat())
    page.click("#audit-filters button")
    page.wait_for_url(f"**record={office['changed']}*")
    rows = page.locator("#audit-rows tr[data-audit]")
    expect(rows).to_have_count(2)  # created, then its phone changed
    expect(rows.first).to_contain_text("0580-1")
    # Another day: nothing matches.
    page.fill("#audit-since", "2020-01-01")
    page.fill("#audit-until", "2020-01-02")
    page.click("#audit-filters button")
    page.wait_for_url("**since=2020-01-01*")
    expect(page.locator("#audit-rows")).to_contain_text("没有符合条件的记录。")

    # A sales rep has none of these in the menu and is refused the pages and the forms.
    page.context.clear_cookies()
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    expect(page.locator("[data-menu=admin_home], [data-menu=admin_plugins]")).to_have_count(0)
    expect(page.locator("[data-menu=admin_audit]")).to_have_count(0)
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']")
    refused = page.request.post(
        f"{live_server}/admin/plugins/{PACK}/disable", headers={"x-csrftoken": token}
    )
    assert refused.status == 403
    assert _pack_enabled(live_runtime)
    for url in ("/admin", "/admin/plugins", "/admin/audit"):
        assert page.goto(live_server + url).status == 403, url
