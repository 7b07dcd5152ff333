"""Automatic renewal: the worker's nightly run renews an `automatic` agreement once it has
ended (a new agreement for the next term, the old one `renewed`), exactly once however often
it runs, audited and told to the account team; manual, terminated, draft and deleted
agreements are left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from kht.actions.models import Notification
from kht.jobs.periodic import tick
from kht.plugin_api import add_team_member, delete_record, get_record
from plugins.key_account import renewals, service
from plugins.key_account.models import Agreement


def at_quarter_to_two(day: date) -> datetime:
    """01:45 of `day` in Shanghai: the nightly run's minute (17:45 UTC the day before)."""
    return datetime(day.year, day.month, day.day, 1, 45, 20).replace(tzinfo=UTC) - (
        datetime(2000, 1, 1, 8) - datetime(2000, 1, 1)
    )


def run_worker(operator, day: date) -> list[str]:
    moment = at_quarter_to_two(day)
    with time_machine.travel(moment, tick=False):
        return tick(operator.runtime, moment)


def agreements(operator) -> list[tuple[str, str, date, date, int | None]]:
    with operator.on(login=None) as ctx:
        rows = ctx.session.execute(
            select(
                Agreement.title,
                Agreement.status,
                Agreement.start_date,
                Agreement.end_date,
                Agreement.renewed_from_id,
            ).order_by(Agreement.id)
        )
        return [tuple(row) for row in rows]


def notices(operator, login: str) -> list[str]:
    with operator.on(login=None) as ctx:
        query = select(Notification.title).where(Notification.user_id == operator.users[login])
        return list(ctx.session.scalars(query.order_by(Notification.id)))


@pytest.mark.parametrize(
    ("start", "end", "following"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2024, 3, 1), date(2026, 2, 28), (date(2026, 3, 1), date(2028, 2, 29))),
        (date(2025, 7, 15), date(2025, 10, 14), (date(2025, 10, 15), date(2026, 1, 14))),
        (date(2025, 3, 1), date(2025, 3, 30), (date(2025, 3, 31), date(2025, 4, 29))),
    ],
)
def test_the_next_term_is_as_long_as_the_last_in_whole_months_or_days(start, end, following):
    assert renewals.next_term(start, end) == following


def test_the_worker_renews_an_automatic_agreement_once_the_day_after_it_ends(operator):
    group = operator.company("中国移动集团", owner="rep1")
    branch = operator.company("中国移动江苏公司", owner="rep2", parent=group)
    auto = operator.agreement(
        branch, date(2026, 6, 30), start=date(2025, 7, 1), renewal_terms="automatic"
    )
    manual = operator.agreement(branch, date(2026, 6, 30), title="人工续签协议")
    with operator.on() as ctx:
        add_team_member(ctx, "customer", group, operator.users["west_rep"], role="区域经理")
    assert "key_account.nightly" in run_worker(operator, date(2026, 6, 30))
    assert agreements(operator)[0][1] == "active"  # its last day: still in force
    run_worker(operator, date(2026, 7, 1))
    run_worker(operator, date(2026, 7, 2))  # and again: once
    with operator.on(date(2026, 7, 2), login=None) as ctx:
        renewals.renew_due(ctx)
    rows = agreements(operator)
    assert rows == [
        ("通信服务框架协议", "renewed", date(2025, 7, 1), date(2026, 6, 30), None),
        ("人工续签协议", "active", date(2025, 1, 1), date(2026, 6, 30), None),
        ("通信服务框架协议", "active", date(2026, 7, 1), date(2027, 6, 30), auto),
    ]
    with operator.on(date(2026, 7, 2)) as ctx:
        renewed = ctx.session.scalar(select(Agreement).where(Agreement.renewed_from_id == auto))
        assert renewed.notice_date == date(2027, 5, 31)
        assert renewed.owner_id == operator.users["rep2"] and renewed.number.startswith("KA2026-")
        assert get_record(ctx, service.AGREEMENTS, manual).status == "active"
    created = operator.audit(service.AGREEMENT_KIND, renewed.id)
    assert [(e.action, e.user_id) for e in created] == [("create", None)]
    assert created[0].changes["renewed_from_id"] == [None, auto]
    ended = operator.audit(service.AGREEMENT_KIND, auto)[0]
    assert (ended.action, ended.user_id) == ("update", None)
    assert ended.changes == {"status": ["active", "renewed"]}
    old_number = get_number(operator, auto)
    for login in ("rep1", "rep2", "west_rep"):  # the group's, the branch's, the team
        [title] = notices(operator, login)
        assert old_number in title and "2027-06-30" in title, title
    assert notices(operator, "east_mgr") == []


def get_number(operator, agreement_id: int) -> str:
    with operator.on(login=None) as ctx:
        return ctx.session.get(Agreement, agreement_id).number


def test_only_active_automatic_live_agreements_are_renewed(operator):
    c = operator.company("国家电网", owner="rep1")
    end = date(2026, 5, 31)
    for status in ("draft", "terminated", "expired"):
        operator.agreement(c, end, status=status, renewal_terms="automatic", title=status)
    operator.agreement(c, end, renewal_terms="none", title="none")
    operator.agreement(c, date(2026, 6, 15), renewal_terms="automatic", title="ends today")
    gone = operator.agreement(c, end, renewal_terms="automatic", title="deleted")
    with operator.on() as ctx:
        delete_record(ctx, service.AGREEMENTS, get_record(ctx, service.AGREEMENTS, gone))
    assert operator.nightly()["renewed"] == 0
    assert [row[1] for row in agreements(operator)] == ["draft", "terminated", "expired"] + [
        "active"
    ] * 3
    assert notices(operator, "rep1") == []


def test_a_term_renews_once_even_when_two_runs_race(operator):
    c = operator.company("招商银行", owner="rep1")
    a = operator.agreement(c, date(2026, 5, 31), start=date(2025, 6, 1), renewal_terms="automatic")
    with operator.on(login=None) as ctx:
        agreement = ctx.session.get(Agreement, a)
        first = renewals.renew(ctx, agreement, ctx.today())
        assert first is not None and first.start_date == date(2026, 6, 1)
        # A second run that read the agreement before the first renewed it: refused by the
        # unique index, nothing else written.
        assert renewals.renew(ctx, agreement, ctx.today()) is None
    assert len(agreements(operator)) == 2
    assert len(notices(operator, "rep1")) == 1


def test_a_long_stopped_worker_catches_up_term_by_term(operator):
    c = operator.company("江苏交通控股", owner="rep1")
    operator.agreement(c, date(2024, 12, 31), start=date(2024, 1, 1), renewal_terms="automatic")
    assert operator.nightly()["renewed"] == 2  # 2025, then 2026 (which covers today)
    assert [(row[1], row[2].year) for row in agreements(operator)] == [
        ("renewed", 2024),
        ("renewed", 2025),
        ("active", 2026),
    ]
