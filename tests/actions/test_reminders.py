"""Reminders fire once: notifications for the owner and participants, mail over real SMTP."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import msgspec
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kht.actions.models import Action, Notification
from kht.actions.reminders import TITLE, run_reminders, send_due_reminders
from kht.auth.models import User
from kht.cli import _add_plugin_commands, cli
from kht.mail.models import OutgoingMail
from kht.mail.outbox import drain, queue
from kht.runtime import Runtime
from kht.web.i18n import translations
from tests.actions.conftest import NOW, plan
from tests.mailservers import free_port


def with_mail(team, controller, **extra) -> Runtime:
    """The team's runtime with SMTP settings pointing at the test server."""
    settings = msgspec.structs.replace(
        team.runtime.settings,
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        smtp_from="crm@example.com",
        smtp_starttls=False,
        **extra,
    )
    return Runtime(settings=settings, engine=team.runtime.engine, found=team.runtime.found)


def set_emails(team, **emails: str) -> None:
    with team.ctx(None) as ctx:
        for login, email in emails.items():
            ctx.session.get(User, team.users[login]).email = email


def notifications_of(team, login: str) -> list[Notification]:
    with team.ctx(None) as ctx:
        query = select(Notification).where(Notification.user_id == team.users[login])
        return list(ctx.session.scalars(query.order_by(Notification.id)))


def test_due_reminders_notify_owner_and_participants_and_mail_them_once(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com", rep2="rep2@example.com")
    customer = team.customer("华东电器", owner="rep1")
    due = plan(
        team,
        "rep1",
        customer,
        "回访报价",
        NOW + timedelta(hours=1),
        remind_at=NOW - timedelta(minutes=1),
        participant_ids=[team.users["rep2"], team.users["west_rep"]],
    )
    plan(team, "rep1", customer, "later", NOW + timedelta(days=1), remind_at=NOW + timedelta(1))
    plan(team, "rep1", customer, "done", None, status="done", remind_at=NOW - timedelta(1))
    plan(team, "rep1", customer, "off", None, status="cancelled", remind_at=NOW - timedelta(1))
    runtime = with_mail(team, controller)
    with runtime.ctx() as ctx:
        assert send_due_reminders(ctx, NOW) == 1
    title = translations("zh_CN").gettext(TITLE) % {"subject": "回访报价"}  # 提醒：回访报价
    assert [n.title for n in notifications_of(team, "rep1")] == [title]
    assert [n.record_id for n in notifications_of(team, "rep2")] == [due]
    assert len(notifications_of(team, "west_rep")) == 1  # no email address: no mail
    assert notifications_of(team, "east_mgr") == []
    note = notifications_of(team, "rep1")[0]
    assert note.url == f"/customers/{customer}" and note.read_at is None
    assert "2026-03-10 11:00" in note.body  # due time in the recipient's zone
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == [
        "rep1@example.com",
        "rep2@example.com",
    ]
    message = inbox.messages[0][1]
    assert message["From"] == "crm@example.com" and message["Subject"] == title
    assert f"/customers/{customer}" in message.get_content()
    # Once only: the next run (the worker every minute) finds nothing.
    with runtime.ctx() as ctx:
        assert send_due_reminders(ctx, NOW + timedelta(minutes=1)) == 0
    assert len(inbox.messages) == 2 and len(notifications_of(team, "rep1")) == 1
    with team.ctx(None) as ctx:
        reminded = ctx.session.get(Action, due)
        assert reminded.reminded_at == NOW and reminded.version == 1  # not an edit


def test_without_smtp_settings_only_notifications_are_made(team, smtp):
    _, inbox = smtp
    set_emails(team, rep1="rep1@example.com")
    customer = team.customer("No Mail Co", owner="rep1")
    plan(team, "rep1", customer, "call", NOW, remind_at=NOW - timedelta(minutes=5))
    with team.ctx(None) as ctx:
        assert send_due_reminders(ctx, NOW) == 1
    assert len(notifications_of(team, "rep1")) == 1 and inbox.messages == []


def outbox(team) -> list[OutgoingMail]:
    with team.ctx(None) as ctx:
        return list(ctx.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_a_mail_server_that_is_down_keeps_the_mail_queued_until_a_later_run_sends_it_once(
    team, smtp, caplog
):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com")
    customer = team.customer("Broken Mail Co", owner="rep1")
    plan(team, "rep1", customer, "call", NOW, remind_at=NOW - timedelta(minutes=5))
    down = with_mail(team, controller, smtp_user="crm", smtp_password="s3cret-pw")
    down.settings.smtp_port = free_port()  # nobody listens there
    with caplog.at_level(logging.WARNING, logger="kht.mail"), down.ctx() as ctx:
        ctx.clock = lambda: NOW
        assert send_due_reminders(ctx) == 1
    assert "mail via" in caplog.text and "s3cret-pw" not in caplog.text
    assert len(notifications_of(team, "rep1")) == 1  # the mail holds nothing back
    [queued] = outbox(team)
    assert (queued.status, queued.attempts, queued.sent_at) == ("queued", 1, None)
    assert queued.next_attempt_at == NOW + timedelta(minutes=1)
    up = with_mail(team, controller)
    assert drain(up.engine, up.settings, NOW + timedelta(seconds=30)) == 0  # not due yet
    assert drain(up.engine, up.settings, NOW + timedelta(minutes=1)) == 1
    assert drain(up.engine, up.settings, NOW + timedelta(minutes=2)) == 0  # never twice
    [(recipients, message)] = inbox.messages
    assert recipients == ["rep1@example.com"]
    assert message["Message-ID"] == f"<kht-outbox-{queued.id}@example.com>"
    [sent] = outbox(team)
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 2, NOW + timedelta(minutes=1))


def test_mail_goes_only_after_the_reminder_commits(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com")
    customer = team.customer("Rollback Co", owner="rep1")
    due = plan(team, "rep1", customer, "call", NOW, remind_at=NOW - timedelta(minutes=5))
    runtime = with_mail(team, controller)
    with pytest.raises(RuntimeError), runtime.ctx() as ctx:
        assert send_due_reminders(ctx, NOW) == 1
        raise RuntimeError("the run fails after the reminder was made")
    assert inbox.messages == [] and outbox(team) == []  # rolled back: nobody was mailed
    with runtime.ctx() as ctx:
        assert send_due_reminders(ctx, NOW) == 1
    assert [rcpt for rcpt, _ in inbox.messages] == [["rep1@example.com"]]
    with team.ctx(None) as ctx:
        assert ctx.session.get(Action, due).reminded_at == NOW


def test_senders_draining_at_the_same_time_send_each_message_once(team, smtp):
    controller, inbox = smtp
    runtime = with_mail(team, controller)
    with runtime.ctx() as ctx:
        ctx.clock = lambda: NOW
        for number in range(40):
            queue(ctx, f"user{number}@example.com", f"message {number}", "body")
    # The commit's own drain sent them; queue more without it, then race four senders.
    inbox.messages.clear()
    with runtime.ctx() as ctx:
        for number in range(40):
            ctx.session.add(
                OutgoingMail(to_address=f"late{number}@example.com", subject="late", created_at=NOW)
            )
    with ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(lambda _: drain(runtime.engine, runtime.settings, NOW), range(4)))
    assert sum(sent) == 40
    ids = [message["Message-ID"] for _, message in inbox.messages]
    assert len(ids) == len(set(ids)) == 40
    assert {mail.status for mail in outbox(team)} == {"sent"}


def test_the_worker_entry_point_and_the_cli_send_due_reminders(team, smtp):
    controller, inbox = smtp
    set_emails(team, rep1="rep1@example.com")
    customer = team.customer("CLI Co", owner="rep1")
    now = NOW.replace(year=2020)  # long past: due for the real clock
    plan(team, "rep1", customer, "first", now, now=now, remind_at=now)
    runtime = with_mail(team, controller)
    assert run_reminders(runtime) == 1
    plan(team, "rep1", customer, "second", now, now=now, remind_at=now)
    _add_plugin_commands(runtime)
    result = CliRunner().invoke(cli, ["reminders", "send"], obj=runtime)
    assert result.exit_code == 0, result.output
    assert "reminders sent: 1" in result.output
    again = CliRunner().invoke(cli, ["reminders", "send"], obj=runtime)
    assert "reminders sent: 0" in again.output
    assert len(inbox.messages) == 2


def test_the_worker_runs_reminders_every_minute(team):
    from kht.jobs.periodic import registered

    assert registered(team.runtime.plugins().pm.hook)["kht.send_reminders"].cron == "* * * * *"
