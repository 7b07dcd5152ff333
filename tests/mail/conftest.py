"""Mail test helpers: a team (tests/team.py), its customers and contacts, mail accounts on
the real dovecot and aiosmtpd servers (tests/mailservers.py), and raw mails to deliver."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest

from kht import record_service as records
from kht.contacts.service import SPEC as CONTACTS
from kht.db.base import utcnow
from kht.mail.fetch import fetch_account
from tests.team import Team, build_team


@pytest.fixture
def team(kht_app) -> Team:
    return build_team(kht_app)


def customer(team: Team, name: str, owner: str | None, email: str = "") -> int:
    return team.customer(name, owner=owner, email=email)


def contact(team: Team, name: str, customer_id: int, email: str, owner: str) -> int:
    with team.ctx("admin") as ctx:
        record = records.create_record(
            ctx,
            CONTACTS,
            {"name": name, "customer_id": customer_id, "email": email},
            owner_id=team.users[owner],
        )
        return record.id


def imap_account(team: Team, login: str, dovecot: Any, box: tuple[str, str], **more: Any) -> dict:
    """A personal mail account of `login` reading the dovecot mailbox `box`, made through
    the API (as a user would)."""
    body = {
        "name": f"{login} mail",
        "email": f"{box[0]}@example.com",
        "login": box[0],
        "password": box[1],
        "imap_host": dovecot.host,
        "imap_port": dovecot.port,
        "imap_security": "none",
        **more,
    }
    response = team.client(login).post("/api/v1/mail/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def full_account(team: Team, login: str, dovecot: Any, box: tuple[str, str], smtp: Any) -> dict:
    """An account reading the dovecot mailbox `box` and sending through the aiosmtpd `smtp`."""
    return imap_account(
        team,
        login,
        dovecot,
        box,
        smtp_host=smtp.hostname,
        smtp_port=smtp.port,
        smtp_security="none",
    )


def raw_mail(
    sender: str,
    to: str,
    subject: str,
    text: str = "hello",
    *,
    message_id: str | None = None,
    html: str | None = None,
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="sender.test")
    message["Date"] = format_datetime(datetime.now(UTC))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def fetch(team: Team, account_id: int) -> dict:
    """Fetch an account now, as the worker does: {"stored": new messages, "error": name}."""
    runtime = team.runtime
    stored, error = fetch_account(
        runtime.engine, runtime.settings, account_id, utcnow(), plugins=runtime.plugins()
    )
    return {"stored": stored, "error": error}


def timeline_mail(team: Team, login: str, kind: str, record_id: int) -> list[dict]:
    response = team.client(login).get(f"/api/v1/timeline/{kind}/{record_id}")
    assert response.status_code == 200, response.text
    return [item for item in response.json() if item["type"] == "email"]
