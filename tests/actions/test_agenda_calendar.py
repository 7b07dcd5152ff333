"""The agenda (overdue, today, next 7 days) and the calendar feed, within the data scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kht.actions import service
from kht.testing import log_in
from tests.actions.conftest import NOW, plan

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026, Shanghai."""
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def subjects(rows) -> list[str]:
    return [row.subject for row in rows]


def agenda_of(staff, login: str, **options) -> dict[str, list[str]]:
    with staff.ctx(login) as ctx:
        ctx.clock = lambda: NOW
        return {k: subjects(v) for k, v in service.agenda(ctx, **options).items()}


def test_the_agenda_sorts_planned_actions_into_overdue_today_and_next_week(team):
    customer = team.customer("杭州西湖医疗", owner="rep1")
    plan(team, "rep1", customer, "yesterday", at(9, 15))
    plan(team, "rep1", customer, "this morning", at(10, 9))  # before 10:00 now: overdue
    plan(team, "rep1", customer, "tonight", at(10, 23, 30))  # 15:30 UTC: still today
    plan(team, "rep1", customer, "tomorrow 7am", at(11, 7))  # still 10 March in UTC
    plan(team, "rep1", customer, "in a week", at(17, 23))
    plan(team, "rep1", customer, "too far", at(18, 8))
    plan(team, "rep1", customer, "done already", at(10, 11), status="done")
    plan(team, "rep1", customer, "cancelled", at(10, 12), status="cancelled")
    assert agenda_of(team, "rep1") == {
        "overdue": ["yesterday", "this morning"],
        "today": ["tonight"],
        "upcoming": ["tomorrow 7am", "in a week"],
    }


def test_today_follows_the_users_time_zone(team):
    from kht.auth.models import User

    with team.ctx(None) as ctx:
        ctx.session.get(User, team.users["rep1"]).time_zone = "Europe/London"
    customer = team.customer("Northwind", owner="rep1")
    # 02:00 UTC in London: "today" ends at midnight London time (00:00 UTC on 11 March).
    plan(team, "rep1", customer, "London evening", datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
    plan(team, "rep1", customer, "London tomorrow", datetime(2026, 3, 11, 0, 30, tzinfo=UTC))
    buckets = agenda_of(team, "rep1")
    assert buckets["today"] == ["London evening"]
    assert buckets["upcoming"] == ["London tomorrow"]


def test_participants_see_the_action_in_their_agenda_and_others_do_not(team):
    mine = team.customer("Rep1 Co", owner="rep1")
    theirs = team.customer("West Co", owner="west_rep")
    plan(team, "rep1", mine, "joint visit", at(10, 15), participant_ids=[team.users["west_rep"]])
    plan(team, "rep1", mine, "rep1 alone", at(10, 16))
    plan(team, "west_rep", theirs, "west call", at(10, 17))
    assert agenda_of(team, "west_rep")["today"] == ["joint visit", "west call"]
    assert agenda_of(team, "rep2")["today"] == []
    assert agenda_of(team, "rep2", team=True)["today"] == []  # own scope: nothing of rep1's
    # The manager of Sales/East sees the team, not the West.
    assert agenda_of(team, "east_mgr")["today"] == []
    assert agenda_of(team, "east_mgr", team=True)["today"] == ["joint visit", "rep1 alone"]
    assert agenda_of(team, "east_mgr", user_id=team.users["rep1"])["today"] == [
        "joint visit",
        "rep1 alone",
    ]
    # A colleague's agenda shows only what the viewer may see.
    assert agenda_of(team, "rep2", user_id=team.users["rep1"])["today"] == []


def test_the_agenda_api_answers_for_the_token_holder(team):
    customer = team.customer("API Co", owner="rep1")
    now = datetime.now(UTC)
    plan(team, "rep1", customer, "late", now - timedelta(hours=3), now=now)
    plan(team, "rep1", customer, "soon", now + timedelta(days=3), now=now)
    with team.client("rep1") as rep:
        answer = rep.get("/api/v1/actions/agenda")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert [a["subject"] for a in body["overdue"]] == ["late"]
        assert [a["subject"] for a in body["upcoming"]] == ["soon"]
    with team.client("west_rep") as west:
        body = west.get("/api/v1/actions/agenda?team=true").json()
        assert body == {"overdue": [], "today": [], "upcoming": []}


def _feed(client, path: str = "/api/v1/calendar", **params) -> list[dict]:
    query = {"start": "2026-03-01T00:00:00+08:00", "end": "2026-04-01T00:00:00+08:00", **params}
    answer = client.get(path, params=query)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_calendar_feed_is_scoped_mine_or_team(team):
    east = team.customer("East Co", owner="rep1")
    west = team.customer("West Co", owner="west_rep")
    visit = plan(
        team, "rep1", east, "visit", at(12, 10), type="visit", participant_ids=[team.users["rep2"]]
    )
    plan(team, "rep1", east, "logged note", at(5, 9), status="done", type="note")
    plan(team, "west_rep", west, "west call", at(12, 11))
    plan(team, "rep1", east, "April call", at(31, 23) + timedelta(hours=2))  # 1 April
    with team.client("rep1") as rep:
        events = _feed(rep)
        assert [e["title"] for e in events] == ["✓ logged note", "visit"]  # by time
        event = next(e for e in events if e["title"] == "visit")
        assert event["url"] == f"/customers/{east}" and event["action_id"] == visit
        assert event["start"] == "2026-03-12T02:00:00Z" and event["end"] == "2026-03-12T03:00:00Z"
        assert event["color"] == service.TYPE_COLOURS["visit"]
    with team.client("rep2") as rep2:
        assert [e["title"] for e in _feed(rep2)] == ["visit"]  # taking part
        assert [e["title"] for e in _feed(rep2, team=1)] == ["visit"]
    with team.client("west_rep") as west_rep:
        assert [e["title"] for e in _feed(west_rep, team=1)] == ["west call"]
    with team.client("east_mgr") as manager:
        assert _feed(manager) == []
        assert [e["title"] for e in _feed(manager, team=1)] == ["✓ logged note", "visit"]


def test_done_actions_show_on_their_day_with_a_tick(team):
    customer = team.customer("Done Co", owner="rep1")
    plan(team, "rep1", customer, "call made", None, status="done")  # done "now" (NOW)
    with team.client("rep1") as rep:
        assert [e["title"] for e in _feed(rep)] == ["✓ call made"]


def test_bad_calendar_ranges_are_refused_naming_the_field(team):
    with team.client("rep1") as rep:
        for params, field in (
            ({"start": "", "end": "2026-04-01"}, "start"),
            ({"start": "March", "end": "2026-04-01"}, "start"),
            ({"start": "2026-04-01", "end": "2026-03-01"}, "end"),
            ({"start": "2026-01-01", "end": "2027-01-01"}, "end"),
        ):
            answer = rep.get("/api/v1/calendar", params=params)
            assert answer.status_code == 422, params
            assert answer.json()["field"] == field
        # Dates without a time are read in the user's zone; "+" sent unescaped still works.
        assert rep.get("/api/v1/calendar?start=2026-03-01&end=2026-03-08").status_code == 200
        plain = rep.get("/api/v1/calendar?start=2026-03-01T00:00:00+08:00&end=2026-03-08")
        assert plain.status_code == 200


def test_the_calendar_page_and_its_feed_work_with_the_browser_session(team):
    customer = team.customer("Browser Co", owner="rep1")
    plan(team, "rep1", customer, "browser visit", at(12, 10), type="visit")
    with team.client("rep1") as client:
        client.headers.pop("Authorization")
        assert log_in(client, "rep1").status_code in (302, 303)
        page = client.get("/calendar")
        assert page.status_code == 200
        assert "/static/vendor/fullcalendar@6.1.21/index.global.min.js" in page.text
        assert 'data-feed="/calendar/events"' in page.text
        events = _feed(client, "/calendar/events")
        assert [e["title"] for e in events] == ["browser visit"]
        # Wall-clock times of the user's zone, as FullCalendar's UTC mode sends and shows them.
        assert (events[0]["start"], events[0]["end"]) == (
            "2026-03-12T10:00:00",
            "2026-03-12T11:00:00",
        )
        same = client.get(
            "/calendar/events",
            params={"start": "2026-03-12T00:00:00Z", "end": "2026-03-13T00:00:00Z"},
        ).json()
        assert [e["title"] for e in same] == ["browser visit"]
        none = client.get(
            "/calendar/events",
            params={"start": "2026-03-12T10:30:00Z", "end": "2026-03-13T00:00:00Z"},
        ).json()
        assert none == []
        bad = client.get("/calendar/events", params={"start": "x", "end": "y"})
        assert bad.status_code == 422 and bad.json()["field"] == "start"
        # The API itself never accepts the cookie.
        assert client.get("/api/v1/calendar", params={"start": "2026-03-01"}).status_code == 401
        assert client.get("/calendar?team=1").status_code == 200
    with team.client("west_rep") as client:
        client.headers.pop("Authorization")
        log_in(client, "west_rep")
        assert _feed(client, "/calendar/events", team=1) == []


def test_the_agenda_page_lists_sections_and_logs_an_action(team):
    from kht.testing import csrf_token

    customer = team.customer("Agenda Co", owner="rep1")
    now = datetime.now(UTC)
    plan(team, "rep1", customer, "overdue call", now - timedelta(hours=2), now=now)
    with team.client("rep1") as client:
        client.headers.pop("Authorization")
        log_in(client, "rep1")
        page = client.get("/actions")
        assert page.status_code == 200
        assert 'id="agenda-overdue" data-count="1"' in page.text and "overdue call" in page.text
        assert 'data-menu="actions"' in page.text and "Agenda Co" in page.text
        token = csrf_token(client)
        local = (now + timedelta(days=2)).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
        saved = client.post(
            "/actions/new",
            data={
                "_csrf_token": token,
                "record_id": str(customer),
                "type": "visit",
                "status": "planned",
                "subject": "planned visit",
                "due_at": local,
                "remind_at": local,
                "participant_ids": [str(team.users["rep2"])],
            },
            follow_redirects=False,
        )
        assert saved.status_code in (302, 303), saved.text
        page = client.get("/actions")
        assert 'id="agenda-upcoming" data-count="1"' in page.text
        missing = client.post(
            "/actions/new",
            data={"_csrf_token": token, "subject": "no customer", "status": "planned"},
        )
        assert missing.status_code == 422 and 'id="form-error"' in missing.text
        bad_user = client.post(
            "/actions/new",
            data={
                "_csrf_token": token,
                "record_id": str(customer),
                "subject": "x",
                "participant_ids": ["424242"],
            },
        )
        assert bad_user.status_code == 422 and "424242" in bad_user.text
    with team.client("rep2") as client:
        client.headers.pop("Authorization")
        log_in(client, "rep2")
        assert "planned visit" in client.get("/actions").text


def test_mark_done_from_the_agenda_and_edit_on_the_action_page(team):
    from kht.testing import csrf_token

    customer = team.customer("Done Co", owner="rep1")
    now = datetime.now(UTC)
    action_id = plan(team, "rep1", customer, "to finish", now - timedelta(hours=1), now=now)
    with team.client("rep1") as client:
        client.headers.pop("Authorization")
        log_in(client, "rep1")
        token = csrf_token(client)
        detail = client.get(f"/actions/{action_id}")
        assert detail.status_code == 200 and f'href="/customers/{customer}"' in detail.text
        edited = client.post(
            f"/actions/{action_id}/edit",
            data={
                "_csrf_token": token,
                "version": "1",
                "type": "call",
                "subject": "to finish",
                "status": "planned",
                "due_at": "2030-01-01T10:00",
                "participant_ids": [str(team.users["rep2"])],
                "remind_at": "2030-01-01T09:00",
            },
            follow_redirects=False,
        )
        assert edited.status_code in (302, 303), edited.text
        stale = client.post(
            f"/actions/{action_id}/edit",
            data={
                "_csrf_token": token,
                "version": "1",
                "subject": "x",
                "status": "planned",
                "due_at": "2030-01-01T10:00",
                "type": "call",
            },
        )
        assert stale.status_code == 409
        done = client.post(
            f"/actions/{action_id}/done",
            data={"_csrf_token": token, "version": "2", "outcome": "签约意向", "next": "/actions"},
            follow_redirects=False,
        )
        assert done.status_code in (302, 303), done.text
    with team.client("rep1") as rep:
        body = rep.get(f"/api/v1/actions/{action_id}").json()
        assert body["status"] == "done" and body["outcome"] == "签约意向"
        assert body["participant_ids"] == [team.users["rep2"]]
        assert body["remind_at"] == "2030-01-01T01:00:00Z"
