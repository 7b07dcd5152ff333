"""The lifecycle panel of a customer page, and its stage form."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.customers.models import Customer
from kht.testing import csrf_token, log_in
from kht.web.i18n import translations


def render_panels(team, login: str, customer_id: int) -> dict[str, str]:
    """Each panel the plugins contribute to the customer page, rendered as the page would."""
    env = team.app.template_engine.engine
    with team.ctx(login) as ctx:
        customer = ctx.session.get(Customer, customer_id)
        panels = [
            p
            for batch in ctx.hook.kht_record_panels(ctx=ctx, kind="customer", record=customer)
            for p in batch or []
        ]
        return {
            panel.key: env.get_template(panel.template).render(
                panel=panel,
                _=translations("en").gettext,
                csrf_input="<input name=_csrf_token>",
                current_path=f"/customers/{customer_id}",
            )
            for panel in panels
        }


def test_the_panel_offers_the_allowed_next_stages_and_shows_the_history(team):
    customer_id = team.customer("面板客户", owner="rep1")
    html = render_panels(team, "rep1", customer_id)["lifecycle"]
    assert 'id="current-stage">目标客户' in html
    assert 'value="prospect"' in html and 'value="lost"' in html
    assert 'value="signed"' not in html
    assert 'name="version" value="1"' in html


def test_view_only_roles_see_the_stage_but_no_form(team):
    customer_id = team.customer("只读面板", owner="rep1")
    html = render_panels(team, "mkt", customer_id)["lifecycle"]
    assert "current-stage" in html and "stage-form" not in html


def test_the_panel_form_moves_the_stage_and_returns_to_the_page(team):
    customer_id = team.customer("表单客户", owner="rep1")
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        data = {
            "_csrf_token": csrf_token(client),
            "to_stage": "prospect",
            "cause": "电话沟通",
            "version": "1",
            "next": f"/customers/{customer_id}",
        }
        moved = client.post(f"/customers/{customer_id}/stage", data=data, follow_redirects=False)
        assert moved.status_code == 303
        assert moved.headers["location"] == f"/customers/{customer_id}"
        stale = client.post(
            f"/customers/{customer_id}/stage",
            data={**data, "to_stage": "signed"},
            follow_redirects=False,
        )
        assert stale.status_code == 409
    html = render_panels(team, "rep1", customer_id)["lifecycle"]
    assert "电话沟通" in html and 'id="current-stage">潜在客户' in html


def test_the_customer_page_shows_the_lifecycle_panel(team):
    customer_id = team.customer("页面客户", owner="rep1")
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/customers/{customer_id}")
        assert page.status_code == 200
        assert 'id="lifecycle-panel"' in page.text and 'id="stage-form"' in page.text
