"""Online meetings: the link is checked, and an .ics invitation reaches the meeting's people
at a real SMTP server (aiosmtpd); updates raise SEQUENCE, cancelling sends METHOD:CANCEL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from kht.actions.schemas import ActionCreate, ActionUpdate
from kht.actions.service import delete_action, get_action, log_action, update_action
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.testing import acting_as, api_client, page_client
from tests.actions.conftest import NOW
from tests.actions.test_reminders import set_emails, with_mail

LINK = "https://meeting.tencent.com/dm/abc123"


def invitations(inbox) -> list[tuple[str, Calendar]]:
    """(recipient, parsed .ics attachment) of every message received, in order."""
    found = []
    for recipients, message in inbox.messages:
        attached = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
        assert len(attached) == 1
        inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert inline and inline[0].get_param("method") in ("REQUEST", "CANCEL")
        found.append((recipients[0], Calendar.from_ical(attached[0].get_payload(decode=True))))
    return found


def meet(runtime, customer: int, subject: str, guests: list[int], **values) -> tuple[int, int]:
    """(id, version) of a meeting rep1 plans about a customer for tomorrow."""
    with acting_as(runtime, "rep1") as ctx:
        meeting = log_action(
            ctx,
            ActionCreate(
                kind="customer",
                record_id=customer,
                type="meeting",
                status="planned",
                subject=subject,
                due_at=NOW + timedelta(days=1),
                participant_ids=guests,
                **values,
            ),
        )
        return meeting.id, meeting.version


def event_of(calendar: Calendar):
    return next(c for c in calendar.walk("VEVENT"))


def test_a_meeting_invites_its_people_and_keeps_their_calendars_up_to_date(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com", rep2="rep2@example.com")
    runtime = with_mail(team, controller)
    customer = team.customer("华东电器", owner="rep1")
    with acting_as(runtime, "rep1") as ctx:
        contact = create_contact(
            ctx, ContactCreate(customer_id=customer, name="王经理", email="wang@client.cn")
        )
        ctx.clock = lambda: NOW
        meeting = log_action(
            ctx,
            ActionCreate(
                kind="contact",
                record_id=contact.id,
                type="meeting",
                status="planned",
                subject="方案评审会",
                due_at=NOW + timedelta(days=1),
                meeting_url=LINK,
                participant_ids=[team.users["rep2"]],
            ),
        )
        meeting_id = meeting.id
    first = invitations(inbox)
    assert sorted(to for to, _ in first) == ["rep2@example.com", "wang@client.cn"]
    calendar = first[0][1]
    event = event_of(calendar)
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == NOW + timedelta(days=1)
    assert str(event["URL"]) == LINK and str(event["SUMMARY"]) == "方案评审会"
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:rep2@example.com",
        "mailto:wang@client.cn",
    ]
    uid = str(event["UID"])

    with acting_as(runtime, "rep1") as ctx:
        action = get_action(ctx, meeting_id)
        moved = NOW + timedelta(days=2)
        update_action(ctx, meeting_id, ActionUpdate(version=action.version, due_at=moved))
        action = get_action(ctx, meeting_id)
        # A change no invitation shows (the outcome) mails nobody.
        update_action(ctx, meeting_id, ActionUpdate(version=action.version, outcome="待定"))
    updates = invitations(inbox)[2:]
    assert len(updates) == 2
    event = event_of(updates[0][1])
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == NOW + timedelta(days=2)

    with acting_as(runtime, "rep1") as ctx:
        action = get_action(ctx, meeting_id)
        update_action(ctx, meeting_id, ActionUpdate(version=action.version, status="cancelled"))
    cancelled = invitations(inbox)[4:]
    assert sorted(to for to, _ in cancelled) == ["rep2@example.com", "wang@client.cn"]
    calendar = cancelled[0][1]
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event_of(calendar)["UID"]) == uid and int(event_of(calendar)["SEQUENCE"]) == 2
    assert str(event_of(calendar)["STATUS"]) == "CANCELLED"


def test_someone_taken_off_or_a_deleted_meeting_gets_a_cancellation(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com", rep2="rep2@example.com", east_mgr="boss@example.com")
    runtime = with_mail(team, controller)
    customer = team.customer("西部机电", owner="rep1")
    guests = [team.users["rep2"], team.users["east_mgr"]]
    meeting_id, version = meet(runtime, customer, "季度回顾", guests, meeting_url=LINK)
    with acting_as(runtime, "rep1") as ctx:
        change = ActionUpdate(version=version, participant_ids=[team.users["rep2"]])
        update_action(ctx, meeting_id, change)
    sent = invitations(inbox)[2:]
    methods = {(to, str(cal["METHOD"])) for to, cal in sent}
    assert methods == {("boss@example.com", "CANCEL"), ("rep2@example.com", "REQUEST")}
    with acting_as(runtime, "admin") as ctx:
        delete_action(ctx, meeting_id)
    last = invitations(inbox)[4:]
    assert [(to, str(cal["METHOD"])) for to, cal in last] == [("rep2@example.com", "CANCEL")]


def test_a_meeting_marked_done_mails_nobody(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep2="rep2@example.com")
    runtime = with_mail(team, controller)
    customer = team.customer("东方电子", owner="rep1")
    meeting_id, version = meet(runtime, customer, "周会", [team.users["rep2"]])
    with acting_as(runtime, "rep1") as ctx:
        update_action(ctx, meeting_id, ActionUpdate(version=version, status="done"))
    assert len(inbox.messages) == 1


def test_a_meeting_link_must_be_a_web_address(team):
    customer = team.customer("链接检查", owner="rep1")
    api = api_client(team.app, "rep1")
    body = {
        "kind": "customer",
        "record_id": customer,
        "type": "meeting",
        "status": "planned",
        "subject": "会",
        "due_at": "2026-03-11T10:00:00+08:00",
    }
    for bad in ("ftp://x.cn/a", "javascript:alert(1)", "meeting.tencent.com/dm/1"):
        answer = api.post("/api/v1/actions", json={**body, "meeting_url": bad})
        assert answer.status_code == 422 and answer.json()["field"] == "meeting_url"
    made = api.post("/api/v1/actions", json={**body, "meeting_url": LINK})
    assert made.status_code == 201
    page = page_client(team.app, "rep1").get(f"/actions/{made.json()['id']}").text
    assert f'href="{LINK}"' in page and "data-join=" in page


def test_the_agenda_shows_a_join_button_for_an_online_meeting(team):
    customer = team.customer("议程检查", owner="rep1")
    api = api_client(team.app, "rep1")
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    body = {
        "kind": "customer",
        "record_id": customer,
        "type": "meeting",
        "status": "planned",
        "subject": "线上周会",
        "due_at": soon,
        "meeting_url": LINK,
    }
    made = api.post("/api/v1/actions", json=body).json()
    agenda = page_client(team.app, "rep1").get("/actions").text
    assert f'data-join="{made["id"]}"' in agenda and f'href="{LINK}"' in agenda


def test_a_meetings_duration_is_its_invitations_end_and_a_change_sends_an_update(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com", rep2="rep2@example.com")
    runtime = with_mail(team, controller)
    customer = team.customer("华东电器", owner="rep1")
    meeting_id, _ = meet(runtime, customer, "需求访谈", [team.users["rep2"]], duration_minutes=90)
    [(_, calendar)] = invitations(inbox)
    event = event_of(calendar)
    start = NOW + timedelta(days=1)
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(minutes=90)
    with acting_as(runtime, "rep1") as ctx:
        action = get_action(ctx, meeting_id)
        assert action.duration_minutes == 90
        update_action(ctx, meeting_id, ActionUpdate(version=action.version, duration_minutes=45))
    [(_, update)] = invitations(inbox)[1:]
    event = event_of(update)
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTEND") == start + timedelta(minutes=45)
    # Without a duration a meeting lasts an hour.
    meet(runtime, customer, "短会", [team.users["rep2"]])
    event = event_of(invitations(inbox)[-1][1])
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)


def test_the_duration_is_checked_and_shown_on_the_forms(team):
    customer = team.customer("华东电器", owner="rep1")
    api = api_client(team.app, "rep1")
    body = {
        "kind": "customer",
        "record_id": customer,
        "type": "meeting",
        "status": "planned",
        "subject": "方案评审会",
        "due_at": (NOW + timedelta(days=1)).isoformat(),
    }
    for bad in (0, 2000, "long"):
        refused = api.post("/api/v1/actions", json={**body, "duration_minutes": bad})
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "duration_minutes"
    made = api.post("/api/v1/actions", json={**body, "duration_minutes": 120})
    assert made.status_code == 201 and made.json()["duration_minutes"] == 120
    action_id = made.json()["id"]
    page = page_client(team.app, "rep1").get(f"/actions/{action_id}")
    assert 'name="duration_minutes"' in page.text and 'value="120"' in page.text
    window = {"start": NOW.date().isoformat(), "end": (NOW + timedelta(days=3)).date().isoformat()}
    events = api.get("/api/v1/calendar", params=window)
    assert events.status_code == 200, events.text
    mine = next(e for e in events.json() if e["action_id"] == action_id)
    start = datetime.fromisoformat(mine["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(mine["end"].replace("Z", "+00:00"))
    assert end - start == timedelta(minutes=120)
