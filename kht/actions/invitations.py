"""Meeting invitations: an iCalendar (.ics) mailed to a meeting's people, kept up to date.

A planned meeting with a due time is mailed, through the outbox, to its participants (users)
and to the contact or lead it is about, as METHOD:REQUEST with a stable UID. A change of its
time, subject, link, details or people mails everyone again with the next SEQUENCE (the
calendar replaces the old entry); someone taken off, a cancelled or deleted meeting, gets
METHOD:CANCEL. Mail goes out only when KHT_SMTP_HOST is set (kht.mail.outbox.queue).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select

from kht.actions.models import Action, MeetingInvitation
from kht.auth.models import User
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.leads.models import Lead
from kht.mail import outbox

MEETING = "meeting"
LENGTH = timedelta(hours=1)  # a meeting without a duration blocks an hour, as in the calendar


def length_of(action: Action) -> timedelta:
    """How long the meeting lasts: its duration, else an hour."""
    return timedelta(minutes=action.duration_minutes) if action.duration_minutes else LENGTH


PRODID = "-//kht//kht CRM//ZH"


def _people(ctx: Ctx, action: Action) -> list[str]:
    """The addresses to invite: participants and the contact or lead the meeting is about."""
    from kht.actions.service import participants_of

    ids = participants_of(ctx, [action.id])[action.id]
    found = list(ctx.session.scalars(select(User.email).where(User.id.in_(ids)))) if ids else []
    about = {"contact": Contact, "lead": Lead}.get(action.kind)
    if about is not None:
        found.append(ctx.session.scalar(select(about.email).where(about.id == action.record_id)))
    return sorted({address.strip().lower() for address in found if address and address.strip()})


def _organizer(ctx: Ctx, action: Action) -> tuple[str, str]:
    owner = ctx.session.get(User, action.owner_id) if action.owner_id else None
    if owner is not None and owner.email:
        return owner.email, owner.name
    return ctx.settings.smtp_from or "kht@localhost", "kht"


def _fingerprint(action: Action, people: list[str]) -> str:
    due = action.due_at.isoformat() if action.due_at else ""
    length = str(action.duration_minutes or "")
    parts = (due, length, action.subject, action.meeting_url, action.body, *people)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def calendar_of(
    ctx: Ctx, action: Action, invitation: MeetingInvitation, people: list[str], method: str
) -> str:
    """The iCalendar text of the meeting as `method` (REQUEST or CANCEL) at its sequence."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    start: datetime = action.due_at or ctx.now()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", ctx.now())
    event.add("dtstart", start)
    event.add("dtend", start + length_of(action))
    event.add("summary", action.subject)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if action.meeting_url:
        event.add("url", action.meeting_url)
        event.add("location", action.meeting_url)
    event.add("description", _description(action))
    address, name = _organizer(ctx, action)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    event.add("organizer", organizer)
    for person in people:
        attendee = vCalAddress(f"mailto:{person}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _description(action: Action) -> str:
    lines = [action.body] if action.body else []
    if action.meeting_url:
        lines.append(action.meeting_url)
    return "\n\n".join(lines)


def _mail(ctx: Ctx, action: Action, to: list[str], calendar: str, cancel: bool) -> None:
    prefix = "已取消 Cancelled: " if cancel else "会议邀请 Invitation: "
    when = action.due_at.isoformat(timespec="minutes") if action.due_at else ""
    body = "\n".join(part for part in (action.subject, when, action.meeting_url) if part)
    for address in to:
        outbox.queue(
            ctx,
            address,
            prefix + action.subject,
            body,
            kind="meeting_invitation",
            record_id=action.id,
            calendar=calendar,
        )


def _is_on(action: Action) -> bool:
    live = action.deleted_at is None and action.status == "planned"
    return live and action.type == MEETING and action.due_at is not None


def sync_invitation(ctx: Ctx, action: Action) -> None:
    """Mail the meeting's invitation, update or cancellation if it changed since the last
    one (nothing when it did not, or for actions that are not planned meetings)."""
    invitation = ctx.session.get(MeetingInvitation, action.id)
    if not _is_on(action):
        # Done is what was planned (nothing to tell); cancelled, deleted or no longer a
        # meeting takes it out of the calendars.
        called_off = action.status != "done" or action.deleted_at is not None
        if invitation is not None and not invitation.cancelled and called_off:
            _cancel(ctx, action, invitation, invitation.attendees.split())
            invitation.cancelled = True
        return
    people = _people(ctx, action)
    fingerprint = _fingerprint(action, people)
    if invitation is None:
        invitation = _new(ctx, action)
    elif invitation.fingerprint == fingerprint and not invitation.cancelled:
        return
    else:
        invitation.sequence += 1
    dropped = [p for p in invitation.attendees.split() if p not in people]
    if dropped:
        _cancel(ctx, action, invitation, dropped)
    _mail(ctx, action, people, calendar_of(ctx, action, invitation, people, "REQUEST"), False)
    invitation.fingerprint, invitation.attendees = fingerprint, "\n".join(people)
    invitation.cancelled, invitation.sent_at = False, ctx.now()
    ctx.session.flush()


def _new(ctx: Ctx, action: Action) -> MeetingInvitation:
    domain = (ctx.settings.smtp_from or "kht@localhost").rpartition("@")[2].strip("<> ")
    invitation = MeetingInvitation(
        action_id=action.id, uid=f"kht-meeting-{action.id}@{domain or 'localhost'}", sequence=0
    )
    invitation.attendees = ""
    ctx.session.add(invitation)
    return invitation


def _cancel(ctx: Ctx, action: Action, invitation: MeetingInvitation, people: list[str]) -> None:
    if not people:
        return
    invitation.sequence += 1
    calendar = calendar_of(ctx, action, invitation, people, "CANCEL")
    _mail(ctx, action, people, calendar, True)
    invitation.sent_at = ctx.now()
    ctx.session.flush()


__all__ = ["calendar_of", "sync_invitation"]
