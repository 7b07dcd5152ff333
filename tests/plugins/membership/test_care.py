"""Care through the automation engine: a birthday greeting with bonus points on the lunar
birthday, a congratulation on a tier upgrade (not on a downgrade), points about to expire,
members gone quiet."""

from __future__ import annotations

from datetime import date

import msgspec
import time_machine
from sqlalchemy import select

from kht.actions.models import Notification
from kht.automation.engine import tick
from kht.automation.schemas import RuleCreate
from kht.automation.service import create_rule
from plugins.membership import points
from tests.plugins.membership.conftest import noon

NOTIFY = {"type": "notify", "params": {"title": "生日快乐", "owner": True}}


def rule(club, trigger: str, actions: list, params: dict | None = None) -> int:
    data = msgspec.convert(
        {
            "name": trigger,
            "kind": "membership_member",
            "trigger": {"type": trigger, "params": params or {}},
            "actions": actions,
        },
        RuleCreate,
    )
    with club.on(login="admin") as ctx:
        return create_rule(ctx, data).id


def notes(club, title: str) -> list[int]:
    with club.on() as ctx:
        query = select(Notification.record_id).where(Notification.title == title)
        return list(ctx.session.scalars(query))


def test_the_birthday_greeting_comes_on_the_lunar_birthday_with_bonus_points(club):
    lunar = club.member("农历生日", birthday=date(1990, 10, 3), birthday_calendar="lunar")
    solar = club.member("公历生日", birthday=date(1990, 10, 3))
    award = {"type": "membership.award_points", "params": {"points": 88, "reason": "生日礼"}}
    rule(club, "membership.birthday", [NOTIFY, award])
    with time_machine.travel(noon(date(2026, 9, 25)), tick=False):  # 八月十五
        tick(club.runtime)
        tick(club.runtime)  # once a year
    assert notes(club, "生日快乐") == [lunar]
    assert club.get(lunar).points_balance == 88 and club.get(solar).points_balance == 0
    with time_machine.travel(noon(date(2026, 10, 3)), tick=False):
        tick(club.runtime)
    assert sorted(notes(club, "生日快乐")) == sorted([lunar, solar])
    with club.on() as ctx:
        assert points.ledger_sum(ctx, lunar) == (88, 88)


def test_a_tier_upgrade_is_congratulated_a_downgrade_is_not(club):
    rule(
        club,
        "membership.tier_changed",
        [{"type": "notify", "params": {"title": "升级"}}],
        {"direction": "up"},
    )
    m = club.member("王小明", join_date=date(2026, 1, 10))
    with time_machine.travel(noon(date(2026, 1, 10)), tick=False):
        club.buy(m, "6000", date(2026, 1, 10), key="a")
        tick(club.runtime)
    assert notes(club, "升级") == [m]
    from plugins.membership.value import run_nightly

    with club.on(date(2027, 1, 11)) as ctx:  # the review: back to standard
        run_nightly(ctx)
    assert club.get(m).tier == "standard"
    with time_machine.travel(noon(date(2027, 1, 11)), tick=False):
        tick(club.runtime)
    assert notes(club, "升级") == [m]


def test_points_about_to_expire_and_members_gone_quiet(club):
    m = club.member("王小明", join_date=date(2025, 1, 1))
    quiet = club.member("李小红", join_date=date(2025, 1, 1))
    club.buy(m, "100", date(2025, 7, 1), key="a")  # its lot's last day: 2026-07-01
    club.buy(quiet, "100", date(2026, 3, 17), key="b")
    rule(
        club,
        "membership.points_expiring",
        [{"type": "notify", "params": {"title": "过期"}}],
        {"days": 16},
    )
    rule(
        club,
        "membership.days_since_purchase",
        [{"type": "notify", "params": {"title": "想你"}}],
        {"days": 90, "tiers": ["standard"]},
    )
    with time_machine.travel(noon(date(2026, 6, 15)), tick=False):
        tick(club.runtime)
    assert notes(club, "过期") == [m]
    assert notes(club, "想你") == [quiet]
