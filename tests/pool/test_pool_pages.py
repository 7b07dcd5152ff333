"""The pool pages: claiming with htmx, the release form, and the categories admin page."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.customers.models import Customer, CustomerCategory
from kht.testing import csrf_token, log_in


def post(client, url, data=None, **kwargs):
    """A form POST carrying the CSRF token, without following the redirect."""
    payload = {**(data or {}), "_csrf_token": csrf_token(client)}
    return client.post(url, data=payload, follow_redirects=False, **kwargs)


@pytest.fixture
def browser(team):
    def open_as(login: str) -> TestClient:
        client = TestClient(team.app)
        log_in(client, login)
        return client

    return open_as


def test_the_pool_page_lists_pool_customers_with_claim_buttons(team, browser):
    pooled = team.customer("深圳南山精密仪器有限公司")
    team.customer("rep2 的客户", owner="rep2")
    with browser("rep1") as client:
        page = client.get("/pool")
        assert page.status_code == 200
        assert "深圳南山精密仪器有限公司" in page.text and "rep2 的客户" not in page.text
        assert f'hx-post="/pool/{pooled}/claim"' in page.text
        assert 'data-menu="pool"' in page.text


def test_claiming_from_the_page_with_htmx_swaps_the_row(team, browser):
    pooled = team.customer("htmx 客户")
    with browser("rep1") as client:
        headers = {"HX-Request": "true", "x-csrftoken": csrf_token(client)}
        won = client.post(f"/pool/{pooled}/claim", headers=headers)
        assert won.status_code == 200 and 'data-claim-result="claimed"' in won.text
        again = client.post(f"/pool/{pooled}/claim", headers=headers)
        assert again.status_code == 200 and 'data-claim-result="refused"' in again.text
    with team.ctx(None) as ctx:
        assert ctx.session.get(Customer, pooled).owner_id == team.users["rep1"]


def test_claiming_without_htmx_opens_the_customer_or_explains_the_refusal(team, browser):
    pooled = team.customer("表单客户")
    with browser("rep1") as client:
        won = post(client, f"/pool/{pooled}/claim")
        assert won.status_code == 303 and won.headers["location"] == f"/customers/{pooled}"
    with browser("rep2") as client:
        refused = post(client, f"/pool/{pooled}/claim")
        assert refused.status_code == 409 and "form-error" in refused.text


def test_a_claim_without_the_csrf_token_is_refused(team, browser):
    pooled = team.customer("csrf 客户")
    with browser("rep1") as client:
        assert client.post(f"/pool/{pooled}/claim").status_code == 403


def test_the_release_page_puts_the_customer_back_with_a_reason(team, browser):
    customer_id = team.customer("退回客户", owner="rep1")
    with browser("rep1") as client:
        form = client.get(f"/customers/{customer_id}/release")
        assert form.status_code == 200 and 'name="version" value="1"' in form.text
        blank = post(client, f"/customers/{customer_id}/release", {"version": "1", "reason": ""})
        assert blank.status_code == 422 and "is-invalid" in blank.text
        done = post(
            client, f"/customers/{customer_id}/release", {"version": "1", "reason": "没需求"}
        )
        assert done.status_code == 303 and done.headers["location"] == "/pool?done=released"
        stale = post(client, f"/customers/{customer_id}/release", {"version": "1", "reason": "x"})
        assert stale.status_code == 409
    with browser("west_rep") as client:
        assert client.get(f"/customers/{customer_id + 1000}/release").status_code == 404


def test_the_categories_page_adds_edits_and_deletes(team, browser):
    with browser("admin") as client:
        assert client.get("/admin/categories").status_code == 200
        added = post(client, "/admin/categories", {"name": "普通客户", "reclaim_days": "30"})
        assert added.status_code == 303
        with team.ctx(None) as ctx:
            category = ctx.session.query(CustomerCategory).one()
        assert category.reclaim_days == 30
        twice = post(client, "/admin/categories", {"name": "普通客户"})
        assert twice.status_code == 409
        bad = post(client, "/admin/categories", {"name": "x", "reclaim_days": "soon"})
        assert bad.status_code == 422
        edited = post(
            client,
            f"/admin/categories/{category.id}",
            {"name": "一般客户", "reclaim_days": "", "position": "2"},
        )
        assert edited.status_code == 303
        page = client.get("/admin/categories")
        assert "一般客户" in page.text
        assert post(client, f"/admin/categories/{category.id}/delete").status_code == 303
        assert "一般客户" not in client.get("/admin/categories").text


def test_the_categories_page_is_for_administrators_only(team, browser):
    with browser("east_mgr") as client:
        assert client.get("/admin/categories").status_code == 403
        assert post(client, "/admin/categories", {"name": "x"}).status_code == 403


def test_the_customer_page_offers_release_to_its_owner_and_claim_for_pool_customers(team, browser):
    mine = team.customer("我的客户", owner="rep1")
    pooled = team.customer("公海客户")
    with browser("rep1") as client:
        page = client.get(f"/customers/{mine}")
        assert f'href="/customers/{mine}/release" data-action="release"' in page.text
        pool_page = client.get(f"/customers/{pooled}")
        assert 'data-action="claim"' in pool_page.text
        assert f'action="/pool/{pooled}/claim"' in pool_page.text
    with browser("mkt") as client:  # may view, not edit: no buttons
        assert 'data-action="release"' not in client.get(f"/customers/{mine}").text
