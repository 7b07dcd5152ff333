"""The public lead form: no login, and refused for bots (honeypot, fill time, token, rate)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar.testing import TestClient

from kht.db.base import utcnow
from kht.leads import webform
from kht.leads.schemas import WebLead

FORM = {
    "name": "林晓梅",
    "company": "苏州精密制造有限公司",
    "phone": "13962101234",
    "email": "linxm@example.cn",
    "message": "请寄产品资料。",
}


@pytest.fixture
def visitor(office):
    """A browser with no session and no CSRF cookie, as on the company's website."""
    with TestClient(office.app) as client:
        yield client


def aged_token(office, seconds=10):
    return webform.issue_token(
        office.runtime.settings.secret_key, utcnow() - timedelta(seconds=seconds)
    )


def send(client, token, **changes):
    data = {**FORM, "token": token, webform.HONEYPOT: "", **changes}
    return client.post("/forms/lead", data=data, follow_redirects=False)


def leads(office):
    with office.client("boss") as client:
        return client.get("/api/v1/leads").json()["items"]


def test_the_form_is_public_and_carries_a_token_and_a_hidden_honeypot(visitor):
    page = visitor.get("/forms/lead", follow_redirects=False)
    assert page.status_code == 200
    assert re.search(r'name="token" value="\d+\.[0-9a-f]+\.[0-9a-f]{64}"', page.text)
    assert f'name="{webform.HONEYPOT}"' in page.text
    assert "csrf" not in page.text.lower()


def test_a_person_filling_the_form_creates_a_pool_lead(office, visitor):
    response = send(visitor, aged_token(office))
    assert response.status_code == 200
    assert 'id="form-thanks"' in response.text
    [lead] = leads(office)
    assert (lead["name"], lead["company"], lead["status"], lead["source"]) == (
        "林晓梅",
        "苏州精密制造有限公司",
        "new",
        "web form",
    )
    assert lead["owner_id"] is None
    assert lead["notes"] == "请寄产品资料。"
    with office.client("rep") as client:  # the pool is open to every rep
        assert client.get(f"/api/v1/leads/{lead['id']}").status_code == 200
        history = client.get("/api/v1/audit", params={"kind": "lead", "record_id": lead["id"]})
    [created] = history.json()
    assert (created["action"], created["user_id"]) == ("create", None)


def test_a_form_sent_back_at_once_is_refused(office, visitor):
    token = re.search(r'name="token" value="([^"]+)"', visitor.get("/forms/lead").text).group(1)
    response = send(visitor, token)
    assert response.status_code == 400
    assert 'data-field="token"' in response.text
    assert 'value="林晓梅"' in response.text  # the visitor's input is kept for a resend
    assert leads(office) == []


def test_a_filled_honeypot_is_refused(office, visitor):
    response = send(visitor, aged_token(office), **{webform.HONEYPOT: "http://spam.example"})
    assert response.status_code == 400
    assert leads(office) == []


@pytest.mark.parametrize("kind", ["forged", "garbage", "empty", "expired", "other_key"])
def test_bad_tokens_are_refused(office, visitor, kind):
    good = aged_token(office)
    token = {
        "forged": good[:-4] + ("0000" if not good.endswith("0000") else "1111"),
        "garbage": "not-a-token",
        "empty": "",
        "expired": aged_token(office, seconds=13 * 3600),
        "other_key": webform.issue_token("another-secret", utcnow() - timedelta(seconds=10)),
    }[kind]
    response = send(visitor, token)
    assert response.status_code == 400
    assert leads(office) == []


def test_a_missing_name_or_bad_email_is_a_422(office, visitor):
    assert send(visitor, aged_token(office), name="").status_code == 422
    assert send(visitor, aged_token(office), email="nope").status_code == 422
    assert leads(office) == []


def test_one_address_may_send_only_a_few_leads_per_window(office, visitor):
    codes = [send(visitor, aged_token(office), name=f"访客{i}").status_code for i in range(6)]
    assert codes == [200] * webform.RATE_LIMIT + [429]
    assert len(leads(office)) == webform.RATE_LIMIT


def test_the_limit_is_per_address_and_per_window(office):
    data = WebLead(name="访客")
    with office.runtime.ctx() as ctx:
        for _ in range(webform.RATE_LIMIT):
            webform.capture_web_lead(ctx, data, "10.0.0.1")
        with pytest.raises(webform.TooManySubmissions):
            webform.check_rate(ctx, "10.0.0.1")
        webform.check_rate(ctx, "10.0.0.2")  # another address is fine
        later = utcnow() + webform.RATE_WINDOW + timedelta(seconds=1)
        ctx.clock = lambda: later
        webform.check_rate(ctx, "10.0.0.1")  # the window has passed


def test_the_submitters_address_is_kept_with_the_lead(office, visitor):
    send(visitor, aged_token(office))
    [lead] = leads(office)
    assert lead["ext"] == {"web_form": {"ip": "testclient"}}
