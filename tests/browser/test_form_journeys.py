"""Edit and save the forms an administrator and a rep use every day, in the real browser, and
check nothing was lost: the process editor (stages, gates), the role matrix (every grant), a
custom field added on its admin page and then kept by the opportunity form (Tom Select
customer picker) when only the name changes. Each journey fails on any JavaScript error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from kht.auth.models import Role
from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.sales.opportunities import service as opportunities
from kht.sales.processes import service as processes
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def _as(ctx, login: str) -> None:
    ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)


def _stages(live_runtime, process_id: int) -> list[tuple]:
    with live_runtime.ctx() as ctx:
        _as(ctx, "boss")
        process = processes.get_process(ctx, process_id)
        return [
            (s.key, s.name_zh, s.probability, s.outcome, sorted(s.required_actions or []))
            for s in process.stages
        ]


def test_saving_the_process_editor_keeps_every_stage_and_gate(live_server, live_runtime, page):
    add_user(live_runtime, "boss", "administrator", department="HQ")
    with live_runtime.ctx() as ctx:
        _as(ctx, "boss")
        process_id = processes.default_process(ctx).id
    before = _stages(live_runtime, process_id)
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    page.goto(f"{live_server}/admin/processes/{process_id}")
    page.fill("#description", "只改说明")
    page.click("#save-process")
    page.wait_for_url(f"{live_server}/admin/processes/{process_id}?saved=1")
    assert _stages(live_runtime, process_id) == before


def _grants(live_runtime) -> tuple[dict, bool]:
    with live_runtime.ctx() as ctx:
        role = ctx.session.scalar(select(Role).where(Role.key == "sales_rep"))
        return role.grants, role.require_2fa


def test_saving_the_role_matrix_keeps_every_grant(live_server, live_runtime, page):
    add_user(live_runtime, "boss", "administrator", department="HQ")
    grants, _ = _grants(live_runtime)
    with live_runtime.ctx() as ctx:
        role_id = ctx.session.scalar(select(Role.id).where(Role.key == "sales_rep"))
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    page.goto(f"{live_server}/admin/roles/{role_id}")
    page.check("#require_2fa")
    page.click("#role-form button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/roles/{role_id}?done=saved")
    after, require_2fa = _grants(live_runtime)
    assert require_2fa and after == grants


def test_a_custom_field_survives_an_edit_of_the_opportunity_name(live_server, live_runtime, page):
    add_user(live_runtime, "boss", "administrator", department="HQ")
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    page.goto(f"{live_server}/admin/fields?kind=opportunity")
    form = page.locator("#add-field")
    form.locator("input[name=name]").fill("budget_source")
    form.locator("input[name=label_zh]").fill("预算来源")
    form.locator("input[name=label_en]").fill("Budget source")
    form.locator("button").click()
    page.wait_for_selector("text=预算来源")
    page.context.clear_cookies()

    with live_runtime.ctx() as ctx:
        from kht.customers.schemas import CustomerCreate
        from kht.customers.service import create_customer

        _as(ctx, "rep")
        create_customer(ctx, CustomerCreate(name="宁波港务"))
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/opportunities/new")
    page.locator("#customer_id-ts-control").click()
    page.locator("#customer_id-ts-control").fill("宁波")
    page.locator(".ts-dropdown .option", has_text="宁波港务").first.click()
    page.wait_for_url(f"{live_server}/opportunities/new?customer_id=*")
    page.fill("#name", "港机采购")
    page.fill("#amount", "120000")
    page.fill("#expected_close", "2026-12-30")
    page.get_by_label("预算来源").fill("财政拨款")
    page.click("#save-opportunity")
    page.wait_for_url(f"{live_server}/opportunities/*")
    opportunity_url = page.url

    page.goto(opportunity_url + "/edit")
    page.fill("#name", "港机采购（二期）")
    page.click("#save-opportunity")
    page.wait_for_url(opportunity_url)
    with live_runtime.ctx() as ctx:
        _as(ctx, "rep")
        saved = opportunities.get_opportunity(ctx, int(opportunity_url.rsplit("/", 1)[1]))
        assert saved.name == "港机采购（二期）"
        assert saved.amount == Decimal("120000.00")
        assert saved.expected_close.isoformat() == "2026-12-30"
        assert saved.ext["custom"]["budget_source"] == "财政拨款"
