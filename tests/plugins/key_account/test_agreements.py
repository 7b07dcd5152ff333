"""Agreements: the notice date follows the end date and notice period, bad input is a 422
naming the field, the renewal reminder fires once on the right day through the automation
engine, and the renewals-due list shows what needs notice soon, in the user's scope."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest
import time_machine
from sqlalchemy import select

from kht.actions.models import Notification
from kht.automation.engine import tick
from kht.automation.schemas import RuleCreate
from kht.automation.service import create_rule
from kht.plugin_api import ValidationError
from plugins.key_account import service
from plugins.key_account.schemas import AgreementUpdate
from tests.plugins.key_account.conftest import noon


def test_the_notice_date_is_the_end_minus_the_notice_period(operator):
    c = operator.company("中国人寿")
    a = operator.agreement(c, date(2026, 12, 31), notice_days=60)
    with operator.on() as ctx:
        agreement = service.get_record(ctx, service.AGREEMENTS, a)
        assert agreement.notice_date == date(2026, 11, 1)
        assert agreement.number.startswith("KA2026-")
        service.update_agreement(
            ctx, a, AgreementUpdate(version=agreement.version, end_date=date(2027, 12, 31))
        )
        assert agreement.notice_date == date(2027, 11, 1)


def test_bad_agreements_are_refused_naming_the_field(operator):
    c = operator.company("中国人寿")
    with pytest.raises(ValidationError) as error:
        operator.agreement(c, date(2024, 12, 31))  # ends before its 2025 start
    assert error.value.field == "end_date"
    with pytest.raises(ValidationError) as error:
        operator.agreement(c, date(2026, 12, 31), value=__import__("decimal").Decimal("-1"))
    assert error.value.field == "value"
    with pytest.raises(ValidationError) as error:
        operator.agreement(99999, date(2026, 12, 31))
    assert error.value.field == "customer_id"
    with operator.client("rep1") as api:
        answer = api.post(
            "/api/v1/key-account-agreements",
            json={
                "customer_id": c,
                "title": "x",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
                "notice_days": -3,
            },
        )
    assert answer.status_code == 400 or answer.status_code == 422, answer.text
    assert "notice_days" in answer.text


def reminders(operator) -> list[int]:
    with operator.on() as ctx:
        query = select(Notification.record_id).where(Notification.title == "续签提醒")
        return list(ctx.session.scalars(query))


def test_the_renewal_reminder_fires_once_n_days_before_the_notice_date(operator):
    c = operator.company("招商银行")
    due = operator.agreement(c, date(2026, 9, 30), notice_days=30)  # notice: 08-31
    operator.agreement(c, date(2026, 9, 30), notice_days=30, status="terminated")
    later = operator.agreement(c, date(2026, 10, 30), notice_days=30)  # notice: 09-30
    data = msgspec.convert(
        {
            "name": "续签提醒",
            "kind": "key_account_agreement",
            "trigger": {"type": "key_account.renewal_notice", "params": {"days": 14}},
            "actions": [{"type": "notify", "params": {"title": "续签提醒"}}],
        },
        RuleCreate,
    )
    with operator.on() as ctx:
        create_rule(ctx, data)
    with time_machine.travel(noon(date(2026, 8, 16)), tick=False):
        tick(operator.runtime)
    assert reminders(operator) == []  # 15 days before: not yet
    with time_machine.travel(noon(date(2026, 8, 17)), tick=False):
        tick(operator.runtime)
        tick(operator.runtime)  # the same day again: once
    assert reminders(operator) == [due]
    with time_machine.travel(noon(date(2026, 8, 18)), tick=False):
        tick(operator.runtime)
    assert reminders(operator) == [due]
    with time_machine.travel(noon(date(2026, 9, 16)), tick=False):
        tick(operator.runtime)
    assert reminders(operator) == [due, later]


def test_the_renewals_due_list_is_soonest_first_and_scoped(operator):
    mine = operator.company("我的客户", owner="rep1")
    west = operator.company("西区客户", owner="west_rep")
    soon = operator.agreement(mine, date(2026, 8, 1), notice_days=30)  # notice 07-02
    passed = operator.agreement(mine, date(2026, 7, 1), notice_days=30)  # notice 06-01
    operator.agreement(mine, date(2027, 8, 1))  # far off
    operator.agreement(west, date(2026, 8, 1))
    with operator.on(login="rep1") as ctx:
        assert [a.id for a in service.renewals_due(ctx, 90)] == [passed, soon]
        with pytest.raises(ValidationError):
            service.renewals_due(ctx, 9999)


def test_orders_are_linked_to_an_agreement_of_their_customer_or_group(operator):
    group = operator.company("中国银行")
    branch = operator.company("中国银行江苏分行", parent=group)
    other = operator.company("别家")
    agreement = operator.agreement(group, date(2026, 12, 31))
    mine, theirs = operator.order(branch, "100"), operator.order(other, "100")
    url = f"/api/v1/key-account-agreements/{agreement}/orders"
    with operator.client("admin") as api:
        assert api.post(url, json={"order_id": mine}).json() == [mine]
        assert api.post(url, json={"order_id": mine}).status_code == 409
        refused = api.post(url, json={"order_id": theirs})
        assert refused.status_code == 422 and refused.json()["field"] == "order_id"
        assert api.post(url, json={"order_id": 999999}).json()["field"] == "order_id"
        assert api.get(url).json() == [mine]
    with operator.client("rep1") as rep:  # sees the agreement, not the HQ's order
        assert rep.get(url).json() == []
    with operator.client("west_rep") as outsider:
        assert outsider.get(url).status_code == 404
