"""End to end on a running server (`kht serve`): a template SMS leaves after the request's
commit, and the fake carrier posts its receipt back to kht's callback URL over HTTP."""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
from sqlalchemy import select

from kht import record_service as records
from kht.customers.service import SPEC
from kht.runtime import Runtime
from kht.sms.models import SmsMessage
from kht.testing import acting_as, add_user, bearer, settings_for


def wait_for(condition, timeout: float = 20.0):
    """Poll `condition` until it holds (a receipt arrives asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_the_carrier_posts_the_receipt_back_to_the_running_server(live_server, kht_db_url, carrier):
    runtime = Runtime.from_settings(settings_for(kht_db_url))
    add_user(runtime, "boss", "administrator")
    add_user(runtime, "rep", "sales_rep")
    with acting_as(runtime, "rep") as ctx:
        customer = records.create_record(ctx, SPEC, {"name": "华东电器", "phone": "13800138000"})
        customer_id = customer.id
    admin = httpx.Client(base_url=live_server, headers=bearer(runtime, "boss"))
    gateway = admin.post(
        "/api/v1/sms/gateway",
        json={
            "gateway": "http",
            "config": {"endpoint": carrier.endpoint, "access_key_id": "LTAIkey"},
            "secret": "s3cret-value",
            "signature": "客户通",
            "quiet_start": "00:00",
            "quiet_end": "00:00",
        },
    )
    assert gateway.status_code == 200, gateway.text
    assert "s3cret-value" not in gateway.text
    carrier.receipts_url = live_server + gateway.json()["receipts_path"]
    template = admin.post(
        "/api/v1/sms/templates",
        json={"name": "回访", "code": "SMS_1", "params": {"name": "{{ customer.name }}"}},
    )
    rep = httpx.Client(base_url=live_server, headers=bearer(runtime, "rep"))
    sent = rep.post(
        "/api/v1/sms/send",
        json={"template_id": template.json()["id"], "kind": "customer", "record_id": customer_id},
    )
    assert sent.status_code == 202, sent.text

    def delivered() -> SmsMessage | None:
        with runtime.ctx() as ctx:
            message = ctx.session.scalar(select(SmsMessage))
            return message if message and message.status == "delivered" else None

    message = wait_for(delivered)
    assert wait_for(lambda: carrier.posted) == [200]
    assert message.cost == Decimal("0.0450") and message.carrier_id == "biz0001"
    assert len(carrier.accepted) == 1
    runtime.engine.dispose()
