"""The home page is the user's day: overdue and today's actions, deals closing this month,
recent customers and notifications, all through the user's scope and in their time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from kht.actions.models import Notification
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import create_opportunity
from tests.actions.conftest import plan
from tests.team import build_team

# 23:30 on 31 March in Shanghai (15:30 UTC): half an hour later the user's day and month
# change while UTC's do not.
LATE = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)


@pytest.fixture
def team(kht_app):
    return build_team(kht_app)


def _home(team, login: str) -> str:
    """The home page as `login` sees it after logging in through the form."""
    with team.browser(login) as client:
        page = client.get("/")
    assert page.status_code == 200
    return page.text


def _deal(team, login: str, customer_id: int, name: str, closes: date) -> int:
    with team.ctx(login) as ctx:
        data = OpportunityCreate(
            name=name, customer_id=customer_id, amount=Decimal("1000"), expected_close=closes
        )
        return create_opportunity(ctx, data).id


def _section(page: str, key: str) -> str:
    start = page.index(f'id="myday-{key}"')
    return page[start : page.index("</section>", start)]


def test_my_day_shows_overdue_and_todays_actions_in_my_time_zone(team):
    mine = team.customer("东方精工有限公司", owner="rep1")
    with time_machine.travel(LATE, tick=False):
        plan(team, "rep1", mine, "昨天的电话", datetime(2026, 3, 30, 2, 0, tzinfo=UTC), now=LATE)
        plan(team, "rep1", mine, "今晚的会议", datetime(2026, 3, 31, 15, 50, tzinfo=UTC), now=LATE)
        # 00:30 on 1 April in Shanghai: tomorrow for the user, though still 31 March in UTC.
        plan(team, "rep1", mine, "明天的拜访", datetime(2026, 3, 31, 16, 30, tzinfo=UTC), now=LATE)
        page = _home(team, "rep1")
    assert "昨天的电话" in _section(page, "overdue")
    assert "今晚的会议" in _section(page, "today")
    assert "明天的拜访" not in page
    assert "东方精工有限公司" in _section(page, "today")


def test_my_day_lists_my_open_deals_closing_in_my_month_not_utcs(team):
    mine = team.customer("北辰科技", owner="rep1")
    theirs = team.customer("南山贸易", owner="rep2")
    _deal(team, "rep1", mine, "三月签约的项目", date(2026, 3, 20))
    _deal(team, "rep1", mine, "四月签约的项目", date(2026, 4, 1))
    _deal(team, "rep1", mine, "五月签约的项目", date(2026, 5, 1))
    _deal(team, "rep2", theirs, "同事四月的项目", date(2026, 4, 2))
    # 00:30 on 1 April in Shanghai, still 31 March in UTC: the user's month is April.
    with time_machine.travel(datetime(2026, 3, 31, 16, 30, tzinfo=UTC), tick=False):
        closing = _section(_home(team, "rep1"), "closing")
    assert "四月签约的项目" in closing
    assert "三月签约的项目" not in closing and "五月签约的项目" not in closing
    assert "同事四月的项目" not in closing


def test_recent_customers_and_notifications_stay_in_my_scope(team):
    team.customer("我的客户甲", owner="rep1")
    team.customer("西区的客户乙", owner="west_rep")
    with team.ctx(None) as ctx:
        ctx.session.add(Notification(user_id=team.users["rep1"], title="提醒：回访北辰科技"))
        ctx.session.add(Notification(user_id=team.users["rep2"], title="别人的提醒"))
    page = _home(team, "rep1")
    customers = _section(page, "customers")
    assert "我的客户甲" in customers and "西区的客户乙" not in customers
    notifications = _section(page, "notifications")
    assert "提醒：回访北辰科技" in notifications and "别人的提醒" not in notifications
    assert "西区的客户乙" not in _home(team, "east_mgr")
    assert "西区的客户乙" in _section(_home(team, "admin"), "customers")


def test_a_role_without_sales_sees_empty_sections_not_an_error(team):
    page = _home(team, "mkt")
    assert 'id="myday-closing" data-count="0"' in page
