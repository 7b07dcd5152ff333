"""The mail archive: messages stored once per Message-ID, matched to records, threaded, read
within the mail permissions.

Who may read a message (`readable`, the one clause every read builds on):
- the owner of an account that holds a copy of it, and the members of a shared mailbox
  that does;
- whoever's data scope on `mail` covers the owner of a record the message is matched to (a
  rep: their own customers; a manager: the department tree). Records in the shared pool
  have no owner and open nobody's mail.
Anything else is a 404, by id, in lists, on timelines and in search.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kht.auth.scope import owner_in_scope
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.errors import NotAuthenticated, NotFound, ValidationError
from kht.files.models import Attachment
from kht.files.service import MAX_SIZE, clean_filename, content_type_of
from kht.leads.models import Lead
from kht.mail.accounts import MODULE, get_account, usable_accounts
from kht.mail.models import MailAccount, MailAssignment, MailCopy, MailLink, MailMessage
from kht.mail.parsing import Parsed, block_remote_images

# The record kinds mail is matched to, and their tables.
LINKED: dict[str, Any] = {"customer": Customer, "contact": Contact, "lead": Lead}
ATTACHMENT_KIND = "mail"
# Mail providers whose domain says nothing about the company (no match by domain).
FREE_DOMAINS = frozenset(
    {
        "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn",
        "sohu.com", "aliyun.com", "139.com", "189.cn", "gmail.com", "outlook.com",
        "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com",
    }
)  # fmt: skip


# ---------------------------------------------------------------- storing


def _matches(session: Session, addresses: list[str], by_domain: bool) -> set[tuple[str, int]]:
    """(kind, id) of the live customers, contacts and leads with one of these addresses, the
    customers of those contacts, and with `by_domain` customers sharing a company domain."""
    found: set[tuple[str, int]] = set()
    if not addresses:
        return found
    for kind, model in LINKED.items():
        rows = session.execute(
            select(model.id, *([model.customer_id] if kind == "contact" else [])).where(
                func.lower(model.email).in_(addresses), model.deleted_at.is_(None)
            )
        )
        for row in rows:
            found.add((kind, row[0]))
            if kind == "contact" and row[1] is not None:
                found.add(("customer", row[1]))
    if by_domain:
        domains = {a.rpartition("@")[2] for a in addresses} - FREE_DOMAINS - {""}
        for domain in sorted(domains):
            customers = session.scalars(
                select(Customer.id).where(
                    func.lower(Customer.email).endswith("@" + domain, autoescape=True),
                    Customer.deleted_at.is_(None),
                )
            )
            found.update(("customer", i) for i in customers)
    return found


def _thread_of(session: Session, parsed: Parsed) -> int | None:
    """The thread of the stored message this one answers (In-Reply-To, then References)."""
    wanted = [i for i in [parsed.in_reply_to, *reversed(parsed.references)] if i]
    if not wanted:
        return None
    rows = dict(
        session.execute(
            select(MailMessage.message_id, MailMessage.thread_id).where(
                MailMessage.message_id.in_(wanted)
            )
        ).all()
    )
    for message_id in wanted:
        if rows.get(message_id) is not None:
            return rows[message_id]
    return None


def store(
    session: Session,
    parsed: Parsed,
    *,
    account: MailAccount | None,
    direction: str,
    folder: str = "",
    uid: int | None = None,
    now: datetime,
) -> tuple[MailMessage, bool]:
    """Archive a parsed mail once per Message-ID and note the mailbox's copy of it.

    Returns the message and whether it was new. A new message is matched to records by its
    addresses (and by domain when the account asks for it), threaded, and its attachments
    kept as files (at most kht.files' size each). Runs in the caller's transaction.
    """
    query = select(MailMessage).where(MailMessage.message_id == parsed.message_id)
    message, created = session.scalar(query), False
    if message is None:
        message = MailMessage(
            message_id=parsed.message_id,
            direction=direction,
            subject=parsed.subject,
            from_address=parsed.from_address[:320],
            from_name=parsed.from_name,
            to_addresses=parsed.to,
            cc_addresses=parsed.cc,
            sent_at=parsed.sent_at,
            in_reply_to=parsed.in_reply_to,
            refs=" ".join(parsed.references),
            thread_id=_thread_of(session, parsed),
            text_body=parsed.text,
            html_body=parsed.html,
            created_at=now,
        )
        try:
            with session.begin_nested():  # another fetcher may store the same mail right now
                session.add(message)
                session.flush()
            created = True
        except IntegrityError:
            message = session.scalars(query).one()
    if created:
        message.thread_id = message.thread_id or message.id
        by_domain = bool(account and account.match_domains)
        for kind, record_id in sorted(_matches(session, parsed.addresses, by_domain)):
            session.add(MailLink(message_id=message.id, kind=kind, record_id=record_id))
        for part in parsed.attachments:
            if len(part.data) > MAX_SIZE:
                continue  # too big for the file store; the mail server keeps it
            name = clean_filename(part.filename)
            session.add(
                Attachment(
                    kind=ATTACHMENT_KIND,
                    record_id=message.id,
                    filename=name,
                    content_type=content_type_of(name),
                    size=len(part.data),
                    data=part.data,
                    uploaded_at=now,
                )
            )
    if account is not None:
        copy = session.scalar(
            select(MailCopy).where(
                MailCopy.account_id == account.id, MailCopy.message_id == message.id
            )
        )
        if copy is None:
            session.add(
                MailCopy(account_id=account.id, message_id=message.id, folder=folder, uid=uid)
            )
    session.flush()
    return message, created


# ---------------------------------------------------------------- reading


def readable(ctx: Ctx) -> ColumnElement[bool]:
    """A WHERE clause on MailMessage: the messages the acting user may read (see above)."""
    user = ctx.user
    if user is None:
        raise NotAuthenticated("log in first")
    scope = user.scope(MODULE)
    if scope is None:
        return false()
    if scope == "all":
        return true()
    clauses = [
        exists(
            select(MailCopy.id).where(
                MailCopy.message_id == MailMessage.id,
                MailCopy.account_id.in_(usable_accounts(user.id)),
            )
        )
    ]
    for kind, model in LINKED.items():
        clauses.append(
            exists(
                select(MailLink.id)
                .join(model, model.id == MailLink.record_id)
                .where(
                    MailLink.message_id == MailMessage.id,
                    MailLink.kind == kind,
                    model.deleted_at.is_(None),
                    owner_in_scope(user, model.owner_id, MODULE),
                )
            )
        )
    return or_(*clauses)


def get_message(ctx: Ctx, message_id: int) -> MailMessage:
    """A message the acting user may read; NotFound otherwise (also when it exists)."""
    message = ctx.session.scalar(
        select(MailMessage).where(MailMessage.id == message_id, readable(ctx))
    )
    if message is None:
        raise NotFound(f"mail {message_id} not found")
    return message


def _all_words(words: list[str], columns: Iterable[Any]) -> ColumnElement[bool]:
    """Every word somewhere in one of `columns` (case as typed: Chinese has no case)."""
    columns = list(columns)
    return and_(*[or_(*[c.contains(w, autoescape=True) for c in columns]) for w in words])


def list_messages(
    ctx: Ctx,
    *,
    q: str = "",
    account_id: int | None = None,
    kind: str | None = None,
    record_id: int | None = None,
    queued: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[MailMessage], int]:
    """Readable messages, newest first: of one account, one record, or matching `q` (words
    in the subject, sender or text); `queued` keeps those waiting unassigned in
    `account_id`'s queue."""
    if page < 1:
        raise ValidationError("page must be 1 or more", "page")
    if not 1 <= page_size <= 200:
        raise ValidationError("page_size must be between 1 and 200", "page_size")
    query = select(MailMessage).where(readable(ctx))
    if q.strip():
        query = query.where(_all_words(q.split()[:5], _SEARCHED))
    if account_id is not None:
        query = query.where(
            exists(
                select(MailCopy.id).where(
                    MailCopy.message_id == MailMessage.id, MailCopy.account_id == account_id
                )
            )
        )
    if queued:
        query = query.where(
            exists(
                select(MailAssignment.id).where(
                    MailAssignment.message_id == MailMessage.id,
                    MailAssignment.account_id == account_id,
                    MailAssignment.user_id.is_(None),
                )
            )
        )
    if kind is not None or record_id is not None:
        if kind not in LINKED or record_id is None:
            raise ValidationError(f"kind must be one of: {', '.join(LINKED)}", "kind")
        query = query.where(
            exists(
                select(MailLink.id).where(
                    MailLink.message_id == MailMessage.id,
                    MailLink.kind == kind,
                    MailLink.record_id == record_id,
                )
            )
        )
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = ctx.session.scalars(
        query.order_by(MailMessage.sent_at.desc(), MailMessage.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total


def queue(ctx: Ctx, account_id: int, *, page: int = 1, page_size: int = 50) -> Any:
    """The mail waiting unassigned in a shared mailbox's queue, for its members (and mail
    administrators); anyone else gets NotFound."""
    account = get_account(ctx, account_id)
    if account.kind != "shared":
        raise NotFound(f"mail account {account_id} has no queue")
    return list_messages(ctx, account_id=account_id, queued=True, page=page, page_size=page_size)


_SEARCHED = (
    MailMessage.subject,
    MailMessage.from_address,
    MailMessage.from_name,
    MailMessage.text_body,
)


def thread(ctx: Ctx, message: MailMessage) -> list[MailMessage]:
    """The readable messages of `message`'s thread, oldest first."""
    return list(
        ctx.session.scalars(
            select(MailMessage)
            .where(MailMessage.thread_id == message.thread_id, readable(ctx))
            .order_by(MailMessage.sent_at, MailMessage.id)
        )
    )


def links(ctx: Ctx, message: MailMessage) -> list[MailLink]:
    return list(
        ctx.session.scalars(
            select(MailLink).where(MailLink.message_id == message.id).order_by(MailLink.id)
        )
    )


def attachments(ctx: Ctx, message: MailMessage) -> list[Attachment]:
    return list(
        ctx.session.scalars(
            select(Attachment)
            .where(Attachment.kind == ATTACHMENT_KIND, Attachment.record_id == message.id)
            .order_by(Attachment.id)
        )
    )


def attachment(ctx: Ctx, message_id: int, attachment_id: int) -> tuple[Attachment, bytes]:
    """A readable message's attachment and its bytes; NotFound otherwise."""
    message = get_message(ctx, message_id)
    file = ctx.session.scalar(
        select(Attachment).where(
            Attachment.id == attachment_id,
            Attachment.kind == ATTACHMENT_KIND,
            Attachment.record_id == message.id,
        )
    )
    if file is None:
        raise NotFound(f"attachment {attachment_id} not found")
    return file, file.data


def shown_html(message: MailMessage, *, images: bool) -> tuple[str, bool]:
    """The HTML body to show (sanitised when stored) and whether remote images were removed;
    with `images` the reader asked for them."""
    if not message.html_body or images:
        return message.html_body, False
    return block_remote_images(message.html_body)


def of_record(ctx: Ctx, kind: str, record_id: int, limit: int) -> list[MailMessage]:
    """The newest readable messages matched to a record (its timeline)."""
    if kind not in LINKED:
        return []
    return list(
        ctx.session.scalars(
            select(MailMessage)
            .where(
                readable(ctx),
                exists(
                    select(MailLink.id).where(
                        MailLink.message_id == MailMessage.id,
                        MailLink.kind == kind,
                        MailLink.record_id == record_id,
                    )
                ),
            )
            .order_by(MailMessage.sent_at.desc())
            .limit(limit)
        )
    )
