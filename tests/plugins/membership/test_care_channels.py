"""Ready care strategies by mail and SMS: each is a care rule on members whose message goes
to the member's customer, only with the member's consent to the channel — the lunar
birthday greeting with bonus points by SMS, the tier upgrade congratulation by mail, win-back
for one tier, the welcome series; a refusal without consent in the author's language; and
the care's effect (a purchase within 30 days) counted for the care-effectiveness report."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from kht.automation.engine import FAILED, tick
from kht.reports.service import run_report
from plugins.membership import care_ready, service
from plugins.membership.schemas import MemberCreate
from tests.automation.conftest import rule, runs
from tests.mailservers import smtp  # noqa: F401 - the aiosmtpd fixture
from tests.plugins.membership.conftest import TODAY, Club, noon
from tests.sms.conftest import carrier, configure, send_now  # noqa: F401
from tests.team import build_team


def enrol(club: Club, name: str, day: date = TODAY, **values) -> int:
    """A person customer with a phone and an email address, made a member on `day`."""
    contact = {"phone": values.pop("phone", "13800138000"), "email": f"{name}@example.com"}
    customer = club.customer(name, owner="rep1", kind="person", **contact)
    values.setdefault("start_date", day)
    with club.on(day) as ctx:
        return service.create_member(
            ctx, MemberCreate(customer_id=customer, join_date=day, **values)
        ).id


def setup(club: Club, day: date = TODAY, **values) -> int:
    with club.on(day) as ctx:
        return care_ready.setup_care(ctx, care_ready.CareSetupIn(**values)).id


@pytest.fixture
def sms_club(club, carrier):  # noqa: F811 - the fixture
    configure(club, carrier)
    return club


@pytest.fixture
def mail_club(kht_app, smtp):  # noqa: F811 - the fixture
    controller, inbox = smtp
    base = build_team(
        kht_app,
        plugins=["membership"],
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        smtp_starttls=False,
        smtp_from="club@example.com",
    )
    return Club(app=base.app, runtime=base.runtime, users=base.users), inbox


def test_the_lunar_birthday_greeting_goes_by_sms_with_bonus_points_only_with_consent(
    sms_club,
    carrier,  # noqa: F811
):
    club = sms_club
    lunar = dict(birthday=date(1990, 10, 3), birthday_calendar="lunar")
    agreed = enrol(club, "农历会员", phone="13800138001", consent_sms=True, **lunar)
    silent = enrol(club, "未同意短信", phone="13800138002", **lunar)
    rule_id = setup(club, strategy="birthday", channel="sms", bonus_points=88)
    with time_machine.travel(noon(date(2026, 9, 25)), tick=False):  # 八月十五
        tick(club.runtime)
        tick(club.runtime)  # once a year
    send_now(club)
    [sent] = carrier.requests
    assert sent["PhoneNumbers"] == "13800138001"
    assert sent["TemplateCode"] == "MEMBER_BIRTHDAY" and "农历会员" in sent["TemplateParam"]
    [run] = runs(club, rule_id)  # the member without consent is not even selected
    assert [step["type"] for step in run.done] == ["send_sms", "membership.award_points"]
    assert club.get(agreed).points_balance == 88 and club.get(silent).points_balance == 0
    cared = club.get(agreed)
    assert cared.care_rule == "会员生日祝福（短信）" and cared.cared_on == date(2026, 9, 25)


def test_a_hand_written_rule_is_refused_for_a_member_without_consent(sms_club, carrier):  # noqa: F811
    club = sms_club
    [template] = [setup(club, strategy="welcome", channel="sms")]  # makes the default text
    with club.on() as ctx:
        from kht.sms.service import list_templates

        template_id = next(t.id for t in list_templates(ctx) if t.name == "新会员欢迎")
    action = {"type": "send_sms", "params": {"template_id": template_id}}
    rule_id = rule(club, "membership_member", "record_created", [action])
    enrol(club, "不要短信")
    [run] = runs(club, rule_id)
    assert run.status == FAILED and run.error == "会员未同意接收短信"  # the author's language
    assert send_now(club) == 0 and carrier.requests == []
    # The ready welcome rule's own condition (consent) skips the member: nothing is sent.
    assert [r.status for r in runs(club, template)] == ["skipped"]


def test_the_tier_upgrade_is_congratulated_by_mail_to_the_members_customer(mail_club):
    club, inbox = mail_club
    setup(club, strategy="tier_upgrade", channel="email")
    member = enrol(club, "金卡候选", consent_email=True)
    no_mail = enrol(club, "不收邮件")
    with time_machine.travel(noon(TODAY), tick=False):
        club.buy(member, "6000", key="big-1")
        club.buy(no_mail, "6000", key="big-2")
        tick(club.runtime)
    [(recipients, message)] = inbox.messages
    assert recipients == ["金卡候选@example.com"]
    assert message["Subject"] == "恭喜升级" and "金卡候选" in message.get_content()
    assert club.get(member).tier == "silver" and club.get(no_mail).tier == "silver"


def test_win_back_reaches_only_the_chosen_tier_and_the_welcome_series_follows_up(
    sms_club,
    carrier,  # noqa: F811
):
    club = sms_club
    setup(club, strategy="welcome", channel="sms")
    setup(club, strategy="welcome_followup", channel="sms", days=7)
    setup(club, strategy="win_back", channel="sms", days=90, tiers=["silver"])
    quiet_silver = enrol(
        club, "银卡久未购", day=date(2026, 1, 2), phone="13800138011", consent_sms=True
    )
    quiet_standard = enrol(
        club, "普通久未购", day=date(2026, 1, 2), phone="13800138012", consent_sms=True
    )
    club.buy(quiet_silver, "5200", date(2026, 3, 17), key="s")
    club.buy(quiet_standard, "100", date(2026, 3, 17), key="p")
    with time_machine.travel(noon(date(2026, 1, 9)), tick=False):  # a week after joining
        tick(club.runtime)
    with time_machine.travel(noon(date(2026, 6, 15)), tick=False):  # 90 days after
        tick(club.runtime)
    send_now(club)
    sent = [(r["PhoneNumbers"], r["TemplateCode"]) for r in carrier.requests]
    assert sorted(sent) == sorted(
        [
            ("13800138011", "MEMBER_WELCOME"),
            ("13800138012", "MEMBER_WELCOME"),
            ("13800138011", "MEMBER_WELCOME_FOLLOWUP"),
            ("13800138012", "MEMBER_WELCOME_FOLLOWUP"),
            ("13800138011", "MEMBER_WIN_BACK"),
        ]
    )
    assert club.get(quiet_silver).tier == "silver"


def test_a_purchase_within_30_days_of_care_counts_in_care_effectiveness(sms_club):
    club = sms_club
    setup(club, strategy="win_back", channel="sms", days=30)
    came_back = enrol(club, "回头客", day=date(2026, 1, 2), phone="13800138021", consent_sms=True)
    stayed_away = enrol(club, "没回来", day=date(2026, 1, 2), phone="13800138022", consent_sms=True)
    club.buy(came_back, "100", date(2026, 5, 16), key="a1")
    club.buy(stayed_away, "100", date(2026, 5, 16), key="b1")
    with time_machine.travel(noon(date(2026, 6, 15)), tick=False):
        tick(club.runtime)
    club.buy(came_back, "300", date(2026, 6, 20), key="a2")
    club.buy(came_back, "50", date(2026, 7, 30), key="a3")  # after the 30 days: not counted
    member = club.get(came_back)
    assert member.care_converted_on == date(2026, 6, 20) and member.care_spend == 300
    with club.on(date(2026, 8, 1)) as ctx:
        result = run_report(ctx, "membership.care_effectiveness")
    [row] = result.rows
    assert row.labels[0] == "久未购买关怀（短信）"
    cared, bought, rate, spend = row.values
    assert (cared, bought, float(rate), float(spend)) == (2, 1, 50.0, 300.0)


def test_ready_strategies_refuse_bad_settings_naming_the_field(club):
    with club.on() as ctx:
        with pytest.raises(Exception) as unknown_tier:
            care_ready.setup_care(
                ctx, care_ready.CareSetupIn(strategy="win_back", tiers=["platinum"])
            )
    assert unknown_tier.value.field == "tiers"
    with club.on() as ctx:
        with pytest.raises(Exception) as no_template:
            care_ready.setup_care(
                ctx, care_ready.CareSetupIn(strategy="welcome", channel="sms", template_id=999)
            )
    assert no_template.value.field == "template_id"
    with club.on(login="rep1") as ctx:  # a rep may not set up care
        with pytest.raises(Exception) as forbidden:
            care_ready.setup_care(ctx, care_ready.CareSetupIn(strategy="welcome"))
    assert type(forbidden.value).__name__ == "Forbidden"


def test_the_api_sets_up_a_ready_strategy_and_names_a_bad_field(sms_club):
    admin, rep = sms_club.client("admin"), sms_club.client("rep1")
    made = admin.post(
        "/api/v1/membership/care", json={"strategy": "points_expiring", "channel": "sms"}
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "积分即将过期提醒（短信）" and made.json()["enabled"]
    bad = admin.post("/api/v1/membership/care", json={"strategy": "win_back", "tiers": ["x"]})
    assert bad.status_code == 422 and bad.json()["field"] == "tiers"
    unknown = admin.post("/api/v1/membership/care", json={"strategy": "anniversary"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "strategy"
    assert rep.post("/api/v1/membership/care", json={"strategy": "welcome"}).status_code == 403
