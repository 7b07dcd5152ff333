"""The SMS pages in Chinese: /admin/sms (gateway, templates, mass SMS, send log, bad input
kept with a 422) and the record's "send an SMS" button, whose message shows on the
timeline."""

from __future__ import annotations

from kht.testing import page_client
from tests.sms.conftest import SECRET, configure, template


def test_the_admin_page_sets_up_the_gateway_adds_a_template_and_sends_to_a_segment(team, carrier):
    team.customer("甲", owner="admin", phone="13800138001")
    client = page_client(team.app, "admin")
    page = client.get("/admin/sms")
    assert page.status_code == 200 and "短信" in page.text and 'id="sms-gateway-form"' in page.text
    assert 'href="/admin/sms"' in client.get("/admin").text
    gateway = {
        "gateway": "http",
        "config_endpoint": carrier.endpoint,
        "config_access_key_id": "LTAIkey",
        "config_signer": "aliyun",
        "secret": SECRET,
        "signature": "客户通",
        "default_region": "CN",
        "quiet_start": "00:00",
        "quiet_end": "00:00",
        "time_zone": "Asia/Shanghai",
        "rate_per_minute": "60",
        "per_number_per_day": "3",
    }
    saved = client.post("/admin/sms/gateway", data=gateway, follow_redirects=False)
    assert saved.status_code in (302, 303), saved.text
    bad = client.post("/admin/sms/gateway", data={**gateway, "time_zone": "Mars/Base"})
    assert bad.status_code == 422 and 'data-field="time_zone"' in bad.text
    assert SECRET not in bad.text and SECRET not in client.get("/admin/sms").text
    added = client.post(
        "/admin/sms/templates",
        data={"name": "回访", "code": "SMS_1", "params": '{"name": "{{ customer.name }}"}'},
        follow_redirects=False,
    )
    assert added.status_code in (302, 303), added.text
    broken = client.post(
        "/admin/sms/templates", data={"name": "坏", "code": "SMS_2", "params": "{"}
    )
    assert broken.status_code == 422 and 'data-field="params"' in broken.text
    [template_id] = [
        t["id"] for t in team.client("admin").get("/api/v1/sms/templates").json()["items"]
    ]
    sent = client.post(
        "/admin/sms/mass", data={"template_id": str(template_id), "kind": "customer"}
    )
    assert sent.status_code == 200 and 'id="sms-mass-outcome"' in sent.text
    assert [r["PhoneNumbers"] for r in carrier.requests] == ["13800138001"]
    assert "13800138001" in client.get("/admin/sms").text  # the send log
    # Reps have no SMS admin page.
    assert page_client(team.app, "rep1").get("/admin/sms").status_code in (403, 404)


def test_the_record_button_sends_a_template_sms_and_it_shows_on_the_timeline(team, carrier):
    configure(team, carrier)
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    client = page_client(team.app, "rep1")
    record_page = client.get(f"/customers/{customer}")
    assert f"/sms/send?kind=customer&amp;record_id={customer}" in record_page.text
    form = client.get(f"/sms/send?kind=customer&record_id={customer}")
    assert form.status_code == 200 and "华东电器" in form.text and 'id="sms-preview"' in form.text
    body = {"kind": "customer", "record_id": str(customer), "template_id": str(template_id)}
    bad = client.post("/sms/send", data={**body, "number": "12345"})
    assert bad.status_code == 422 and 'data-field="number"' in bad.text
    sent = client.post("/sms/send", data=body, follow_redirects=False)
    assert sent.status_code in (302, 303) and sent.headers["location"] == f"/customers/{customer}"
    assert [r["PhoneNumbers"] for r in carrier.requests] == ["13800138000"]
    timeline = team.client("rep1").get(f"/api/v1/timeline/customer/{customer}").json()
    [item] = [i for i in timeline if i["type"] == "sms"]
    assert item["title"] == "回访" and "+8613800138000" in item["body"]
    assert "回访" in client.get(f"/customers/{customer}").text
    # A colleague cannot reach the record through the SMS page.
    assert (
        page_client(team.app, "west_rep")
        .get(f"/sms/send?kind=customer&record_id={customer}")
        .status_code
        == 404
    )
