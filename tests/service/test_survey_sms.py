"""The satisfaction survey by SMS: with an SMS template named in the service settings,
resolving a ticket texts its contact (mobile first) or customer the signed survey link
through kht.sms (the fake carrier is a real HTTP server); the link works once and only for
its ticket, like the mailed one."""

from __future__ import annotations

import json
import re

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy import func, select

from kht.sms.models import SmsMessage
from kht.testing import put_settings
from tests.service.conftest import MONDAY_10, build_desk
from tests.sms.conftest import carrier, configure, send_now  # noqa: F401 - the fixture

PARAMS = {"no": "{{ ticket.number }}", "link": "{{ survey.link }}"}


@pytest.fixture
def texted(kht_app, carrier):  # noqa: F811 - the imported fixture
    with time_machine.travel(MONDAY_10, tick=False):
        desk = build_desk(kht_app, public_url="https://crm.example.cn")
    configure(desk, carrier)
    admin = desk.client("admin")
    body = {"name": "满意度", "code": "SMS_900001", "content": "请评价", "params": PARAMS}
    made = admin.post("/api/v1/sms/templates", json=body)
    assert made.status_code == 201, made.text
    template_id = made.json()["id"]
    settings = {"survey_sms_template_id": template_id}
    saved = put_settings(admin, "service", settings)
    assert (
        saved.status_code == 200
        and saved.json()["settings"]["survey_sms_template_id"] == template_id
    )
    customer = admin.post("/api/v1/customers", json={"name": "华东电器", "phone": "02161234567"})
    contact = admin.post(
        "/api/v1/contacts",
        json={"name": "陈经理", "customer_id": customer.json()["id"], "mobile": "13800138000"},
    )
    assert contact.status_code == 201, contact.text
    return desk, carrier, customer.json()["id"], contact.json()["id"]


def _resolve(desk, ticket_id):
    url = f"/api/v1/tickets/{ticket_id}/move/resolved"
    answer = desk.client("svc1").post(url, json={"resolution": "已更换电源"})
    assert answer.status_code == 200, answer.text


def _texts(desk) -> int:
    with desk.ctx(None) as ctx:
        return ctx.session.scalar(select(func.count(SmsMessage.id)))


def test_resolving_texts_the_contact_a_survey_link_that_works_once(texted):
    desk, fake, customer_id, contact_id = texted
    hardware = desk.queues["Hardware"]
    ticket = desk.ticket("svc1", queue_id=hardware, customer_id=customer_id, contact_id=contact_id)
    other = desk.ticket("svc1", queue_id=hardware, customer_id=customer_id)
    _resolve(desk, ticket["id"])
    send_now(desk)
    [request] = fake.requests
    assert request["PhoneNumbers"].endswith("13800138000")  # the contact's mobile
    params = json.loads(request["TemplateParam"])
    assert params["no"] == ticket["number"]
    link = re.fullmatch(r"https://crm\.example\.cn(/forms/survey/\d+/[0-9a-f]+)", params["link"])
    assert link, params
    path = link.group(1)
    public = TestClient(desk.app)  # no login
    token = path.rsplit("/", 1)[1]
    assert public.get(f"/forms/survey/{other['id']}/{token}").status_code == 404
    done = public.post(path, data={"score": "5", "comment": "短信很方便"})
    assert done.status_code == 200 and 'id="survey-thanks"' in done.text
    assert public.post(path, data={"score": "1"}).status_code == 409
    shown = desk.get(ticket["id"])
    assert (shown["satisfaction"], shown["satisfaction_comment"]) == (5, "短信很方便")
    # Without a contact the customer's phone is texted.
    _resolve(desk, other["id"])
    send_now(desk)
    assert fake.requests[-1]["PhoneNumbers"].endswith("2161234567")


def test_no_number_or_no_template_texts_nothing_and_still_resolves(texted):
    desk, fake, _, _ = texted
    bare = desk.ticket("svc1", queue_id=desk.queues["Hardware"])  # no customer, no contact
    _resolve(desk, bare["id"])
    assert _texts(desk) == 0 and desk.get(bare["id"])["status"] == "resolved"
    admin = desk.client("admin")
    missing = put_settings(admin, "service", {"survey_sms_template_id": 999999})
    assert missing.status_code == 422 and missing.json()["field"] == "survey_sms_template_id"
    assert (
        put_settings(admin, "service", {"survey_sms_template_id": None}).status_code == 200
    )  # mail only
    _, _, customer_id, contact_id = texted
    ticket = desk.ticket(queue_id=desk.queues["Hardware"], contact_id=contact_id)
    _resolve(desk, ticket["id"])
    assert _texts(desk) == 0 and fake.requests == []
