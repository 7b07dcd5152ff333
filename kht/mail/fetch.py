"""Reading mail accounts over IMAP (imap-tools) into the archive, each message once.

Per folder, kht keeps the folder's UIDVALIDITY and the highest UID it stored
(`mail_folder_states`). A fetch asks only for UIDs above that, stores each batch of messages
and moves the mark in one transaction: a fetch that dies half-way leaves the mark at the
last stored batch, and the next one continues from there. A folder whose UIDVALIDITY changed
(the server renumbered it) is read again from the start; the Message-ID keeps a message
from being stored twice, so a second fetch, a renumbered folder or two mailboxes holding
the same mail add nothing but a copy record.

Folders are opened read-only (EXAMINE) and read with BODY.PEEK: fetching never marks mail
as read in the user's mail program. One fetch per account runs at a time (a lease on the
account row, like the outbox's claims). The worker polls every account that is due
(`poll_minutes`) every minute. Bounces and complaints about mass mail are recorded
(kht.mail.bounces) instead of archived.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from datetime import datetime, timedelta
from typing import Any

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, UidRange
from imap_tools.errors import ImapToolsError
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from kht.config import Settings
from kht.context import Ctx
from kht.crypto import unseal
from kht.db.outbox import once_after_commit
from kht.errors import KhtError
from kht.mail.archive import store
from kht.mail.bounces import handle as handle_bounce
from kht.mail.distribution import distribute
from kht.mail.models import MailAccount, MailFolderState
from kht.mail.parsing import parse

log = logging.getLogger("kht.mail")
BATCH = 50
LEASE = timedelta(minutes=15)
TIMEOUT = 30


def _mailbox(account: MailAccount) -> BaseMailBox:
    if account.imap_security == "ssl":
        return MailBox(
            account.imap_host,
            account.imap_port,
            timeout=TIMEOUT,
            ssl_context=ssl.create_default_context(),
        )
    if account.imap_security == "starttls":
        return MailBoxStartTls(
            account.imap_host,
            account.imap_port,
            timeout=TIMEOUT,
            ssl_context=ssl.create_default_context(),
        )
    return MailBoxUnencrypted(account.imap_host, account.imap_port, timeout=TIMEOUT)


def _claim(engine: Engine, account_id: int, now: datetime) -> bool:
    with Session(engine) as session, session.begin():
        taken = session.execute(
            update(MailAccount)
            .where(
                MailAccount.id == account_id,
                or_(
                    MailAccount.fetch_claimed_until.is_(None),
                    MailAccount.fetch_claimed_until < now,
                ),
            )
            .values(fetch_claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return taken.rowcount == 1


def _state(session: Session, account_id: int, folder: str) -> MailFolderState:
    state = session.scalar(
        select(MailFolderState).where(
            MailFolderState.account_id == account_id, MailFolderState.folder == folder
        )
    )
    if state is None:
        state = MailFolderState(account_id=account_id, folder=folder, uidvalidity=0, last_uid=0)
        session.add(state)
        session.flush()
    return state


def _fetch_folder(
    engine: Engine,
    box: BaseMailBox,
    account_id: int,
    folder: str,
    now: datetime,
    settings: Settings,
    plugins: Any,
) -> int:
    status = box.folder.status(folder, ["UIDVALIDITY"])
    box.folder.set(folder, readonly=True)
    validity = int(status["UIDVALIDITY"])
    with Session(engine) as session, session.begin():
        state = _state(session, account_id, folder)
        if state.uidvalidity != validity:
            state.uidvalidity, state.last_uid = validity, 0
        last = state.last_uid
    # "n:*" also answers the highest UID when it is below n: keep only the new ones.
    uids = sorted(u for u in map(int, box.uids(AND(uid=UidRange(str(last + 1), "*")))) if u > last)
    stored = 0
    for start in range(0, len(uids), BATCH):
        chunk = uids[start : start + BATCH]
        fetched = box.fetch(AND(uid=[str(u) for u in chunk]), mark_seen=False, bulk=True)
        raws = sorted((int(m.uid or 0), m.obj.as_bytes()) for m in fetched)
        with Session(engine) as session, session.begin():
            ctx = Ctx(session=session, settings=settings, plugins=plugins, clock=lambda: now)
            account = session.get(MailAccount, account_id)
            for uid, raw in raws:
                if handle_bounce(ctx, raw):  # a bounce of a mass mail: recorded, not archived
                    continue
                parsed = parse(raw, received=now)
                message, created = store(
                    session,
                    parsed,
                    account=account,
                    direction="out" if parsed.from_address == account.email.lower() else "in",
                    folder=folder,
                    uid=uid,
                    now=now,
                )
                stored += created
                distribute(ctx, account, message)
            state = _state(session, account_id, folder)
            state.last_uid = max(chunk[-1], state.last_uid)
    return stored


def fetch_account(
    engine: Engine, settings: Settings, account_id: int, now: datetime, *, plugins: Any
) -> tuple[int, str]:
    """Read the account's folders into the archive; returns (new messages, error name).

    An account another fetcher holds is skipped (0, ""). A server that is down, refuses the
    login or breaks off leaves what was stored stored and the rest for the next fetch; the
    error's name (never its text, which may echo the login) is kept on the account.
    A shared mailbox's incoming mail is distributed in the same transaction as it is stored
    (kht.mail.distribution; `plugins` serve the leads it captures).
    """
    if not _claim(engine, account_id, now):
        return 0, ""
    stored, error = 0, ""
    try:
        with Session(engine) as session:
            account = session.get(MailAccount, account_id)
            if account is None or not account.imap_host:
                return 0, ""
            session.expunge(account)
        password = unseal(settings, account.password_secret)
        with _mailbox(account).login(account.login or account.email, password, None) as box:
            for folder in account.folders or ["INBOX"]:
                stored += _fetch_folder(engine, box, account_id, folder, now, settings, plugins)
    except (OSError, imaplib.IMAP4.error, ImapToolsError, KhtError) as exc:
        error = type(exc).__name__
        log.warning("fetching mail account %s failed: %s", account_id, error)
    finally:
        with Session(engine) as session, session.begin():
            session.execute(
                update(MailAccount)
                .where(MailAccount.id == account_id)
                .values(fetch_claimed_until=None, last_fetch_at=now, last_error=error)
                .execution_options(synchronize_session=False)
            )
    return stored, error


def fetch_after_commit(ctx: Ctx, account_id: int) -> None:
    """Fetch the account once the caller's transaction has committed (a request cannot read
    mail inside its own transaction: SQLite's write lock is held until the commit). A
    failure leaves the commit standing; the worker's next poll fetches."""
    engine, settings, clock, plugins = ctx.session.get_bind(), ctx.settings, ctx.now, ctx.plugins
    once_after_commit(
        ctx.session,
        f"kht_mail_fetch_{account_id}",
        lambda: fetch_account(engine, settings, account_id, clock(), plugins=plugins),
    )


def fetch_due(engine: Engine, settings: Settings, now: datetime, *, plugins: Any) -> int:
    """Fetch every active IMAP account whose poll interval has passed; returns new messages."""
    with Session(engine) as session:
        accounts = session.execute(
            select(MailAccount.id, MailAccount.last_fetch_at, MailAccount.poll_minutes).where(
                MailAccount.active, MailAccount.imap_host != ""
            )
        ).all()
    stored = 0
    for account_id, last, minutes in accounts:
        if last is None or last + timedelta(minutes=minutes) <= now:
            stored += fetch_account(engine, settings, account_id, now, plugins=plugins)[0]
    return stored
