"""Mail templates: merge fields filled from a record the user can see, rendered in the
Jinja2 sandbox; server-side template injection payloads render as text or are refused."""

from __future__ import annotations

import pytest

from tests.mail.conftest import customer

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ record.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ ''|attr('__class__') }}",
    "{{ 'x' * 100000000 }}",
    "{{ 2 ** (2 ** 40) }}",
    "{% set x = namespace() %}{{ x.__init__ }}",
]


def make_template(team, body: str, subject: str = "致 {{ customer.name }}", login: str = "admin"):
    return team.client(login).post(
        "/api/v1/mail/templates",
        json={"name": f"t{abs(hash(body))}", "subject": subject, "body": body},
    )


def test_merge_fields_fill_in_for_a_chosen_record(team):
    buyer = customer(team, "华东电器", "rep1", email="buyer@huadong.cn")
    made = make_template(
        team,
        "{{ customer.name }}您好，\n我是{{ sender.name }}（{{ sender.email or '—' }}）。"
        "{{ record.email }}",
    )
    assert made.status_code == 201, made.text
    preview = team.client("rep1").get(
        f"/api/v1/mail/templates/{made.json()['id']}/preview?kind=customer&record_id={buyer}"
    )
    assert preview.status_code == 200, preview.text
    assert preview.json() == {
        "subject": "致 华东电器",
        "body": "华东电器您好，\n我是Rep1（—）。buyer@huadong.cn",
    }
    # A record the user cannot see is a 404; a rep may not write shared templates.
    other = team.client("rep2").get(
        f"/api/v1/mail/templates/{made.json()['id']}/preview?kind=customer&record_id={buyer}"
    )
    assert other.status_code == 404
    assert make_template(team, "x", login="rep1").status_code == 403
    unknown = team.client("rep1").get(
        f"/api/v1/mail/templates/{made.json()['id']}/preview?kind=order&record_id={buyer}"
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_injection_payloads_are_refused_without_leaking_anything(team, payload):
    buyer = customer(team, "Victim Co", "rep1")
    made = make_template(team, payload)
    if made.status_code == 422:  # refused as it was saved
        assert made.json()["field"] == "body"
        return
    preview = team.client("rep1").get(
        f"/api/v1/mail/templates/{made.json()['id']}/preview?kind=customer&record_id={buyer}"
    )
    assert preview.status_code == 422, preview.text
    assert preview.json()["field"] == "body"
    for leak in ("class", "globals", "uid=", "subclasses", "secret", "Settings"):
        assert leak not in preview.json()["message"]


@pytest.mark.parametrize("payload", [*PAYLOADS, "{{ 7*7 }}", "{% raw %}x{% endraw %}"])
def test_payloads_in_record_fields_render_as_text(team, payload):
    buyer = customer(team, payload[:200], "rep1")
    made = make_template(team, "[{{ customer.name }}]")
    preview = team.client("rep1").get(
        f"/api/v1/mail/templates/{made.json()['id']}/preview?kind=customer&record_id={buyer}"
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["body"] == f"[{payload[:200]}]"


def test_template_syntax_errors_and_names_are_checked(team):
    broken = make_template(team, "{{ customer.name ")
    assert broken.status_code == 422 and broken.json()["field"] == "body"
    first = team.client("admin").post("/api/v1/mail/templates", json={"name": "同名", "body": "a"})
    assert first.status_code == 201
    again = team.client("admin").post("/api/v1/mail/templates", json={"name": "同名", "body": "b"})
    assert again.status_code == 422 and again.json()["field"] == "name"


def test_custom_fields_are_merge_fields_too(team):
    admin = team.client("admin")
    field = {"kind": "customer", "name": "region", "label_zh": "区域", "label_en": "Region"}
    assert admin.post("/api/v1/custom-fields", json={**field, "type": "text"}).status_code == 201
    made = admin.post(
        "/api/v1/customers", json={"name": "区域客户", "ext": {"custom": {"region": "华东"}}}
    )
    assert made.status_code == 201, made.text
    template = make_template(team, "{{ customer.name }} / {{ record.custom.region }}")
    preview = admin.get(
        f"/api/v1/mail/templates/{template.json()['id']}/preview"
        f"?kind=customer&record_id={made.json()['id']}"
    )
    assert preview.json()["body"] == "区域客户 / 华东"
