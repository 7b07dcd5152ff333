"""The "send a mail template" action: rendered with the record, queued through the mail
outbox in the run's own transaction and sent once after it commits (a real aiosmtpd
server); a record without an address ends the run failed with the reason at once; an
unknown template is a 422 naming the action's setting."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from sqlalchemy import update

from kht.auth.models import User
from kht.automation.engine import FAILED
from kht.customers.models import Customer
from kht.mail.schemas import TemplateIn
from kht.mail.templating import create_template
from kht.testing import page_client
from tests.automation.conftest import FLAKY, rule, runs, worker_tick
from tests.mailservers import smtp  # noqa: F401 - the aiosmtpd fixture
from tests.team import build_team


def _team(kht_app, controller):
    return build_team(
        kht_app,
        plugins=["flaky"],
        extra=[FLAKY],
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        smtp_starttls=False,
        smtp_from="crm@example.com",
    )


def _template(team) -> int:
    data = msgspec.convert(
        {
            "name": "欢迎",
            "subject": "欢迎 {{ customer.name }}",
            "body": "您好 {{ record.name }}，我们是 {{ sender.name }}。",
        },
        TemplateIn,
    )
    with team.ctx("admin") as ctx:
        return create_template(ctx, data).id


def _mail_rule(team, template_id: int, **more) -> int:
    action = {"type": "send_mail", "params": {"template_id": template_id, **more}}
    return rule(team, "customer", "record_created", [action])


def test_a_rule_sends_the_rendered_template_once(kht_app, smtp):  # noqa: F811
    controller, inbox = smtp
    team = _team(kht_app, controller)
    rule_id = _mail_rule(team, _template(team))
    team.customer("华润", owner="rep1", email="buyer@huarun.example")
    [run] = runs(team, rule_id)
    assert run.status == "done" and run.done[0]["type"] == "send_mail"
    worker_tick(team)  # the worker evaluates again: nothing more goes out
    worker_tick(team)
    [(recipients, message)] = inbox.messages
    assert recipients == ["buyer@huarun.example"]
    assert message["Subject"] == "欢迎 华润"
    assert "您好 华润" in message.get_content()
    assert len(runs(team, rule_id)) == 1


def test_the_owner_can_be_the_recipient(kht_app, smtp):  # noqa: F811
    controller, inbox = smtp
    team = _team(kht_app, controller)
    with team.ctx(None) as ctx:
        ctx.session.get(User, team.users["rep1"]).email = "rep1@example.com"
        ctx.session.commit()
    _mail_rule(team, _template(team), to="owner")
    team.customer("无邮箱客户", owner="rep1")
    [(recipients, message)] = inbox.messages
    assert recipients == ["rep1@example.com"]
    assert message["Subject"] == "欢迎 无邮箱客户"


def test_a_record_without_an_address_fails_the_run_with_the_reason(kht_app, smtp):  # noqa: F811
    controller, inbox = smtp
    team = _team(kht_app, controller)
    rule_id = _mail_rule(team, _template(team))
    team.customer("无邮箱客户", owner="rep1")
    [run] = runs(team, rule_id)
    assert run.status == FAILED
    assert run.error == "没有可发送邮件的邮箱地址"  # the author's language, at once
    worker_tick(team)
    assert inbox.messages == []
    with team.browser("admin") as admin:
        assert "没有可发送邮件的邮箱地址" in admin.get(f"/admin/automation/{rule_id}/runs").text


def test_an_unknown_template_or_account_is_refused_when_the_rule_is_saved(kht_app, smtp):  # noqa: F811
    controller, _ = smtp
    team = _team(kht_app, controller)
    template_id = _template(team)
    for params, field in (
        ({"template_id": 999}, "actions[0].params.template_id"),
        ({"template_id": template_id, "account_id": 999}, "actions[0].params.account_id"),
        ({"template_id": template_id, "to": "boss"}, "actions[0].params.to"),
    ):
        answer = team.client("admin").post(
            "/api/v1/automation/rules",
            json={
                "name": "x",
                "kind": "customer",
                "trigger": {"type": "record_created"},
                "actions": [{"type": "send_mail", "params": params}],
            },
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field


def test_a_care_strategy_mails_the_dormant_customer_once(kht_app, smtp):  # noqa: F811
    controller, inbox = smtp
    team = _team(kht_app, controller)
    template_id = _template(team)
    quiet = team.customer("沉睡客户", owner="rep1", email="old@example.com")
    with team.ctx(None) as ctx:
        ctx.session.execute(
            update(Customer)
            .where(Customer.id == quiet)
            .values(last_contact_at=ctx.now() - timedelta(days=100))
        )
    manager = page_client(team.app, "admin")
    assert 'id="care-template"' in manager.get("/care").text
    unpicked = {"name": "邮件关怀", "moment": "dormant", "days": "90", "channel": "email"}
    missing = manager.post("/care", data=unpicked)
    assert missing.status_code == 422 and "care-template" in missing.text
    unknown = manager.post("/care", data={**unpicked, "template_id": "999"})
    assert unknown.status_code == 422
    saved = manager.post(
        "/care", data={**unpicked, "template_id": str(template_id)}, follow_redirects=False
    )
    assert saved.status_code in (302, 303), saved.text
    worker_tick(team)
    worker_tick(team)
    [(recipients, message)] = inbox.messages
    assert recipients == ["old@example.com"] and message["Subject"] == "欢迎 沉睡客户"
