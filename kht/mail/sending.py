"""Writing mail in the CRM: send, reply, reply-all and forward, with the thread quoted.

A mail written here is archived at once (so it is on the matched records' timelines in the
same transaction) and queued in the outbox with the same Message-ID: it goes out through
the account's SMTP server after the commit, and a server that is down delays it without
losing or doubling it (kht.mail.outbox).
"""

from __future__ import annotations

from email.utils import make_msgid

from sqlalchemy import select

from kht.context import Ctx
from kht.emails import clean_email
from kht.errors import ValidationError
from kht.mail import outbox
from kht.mail.accounts import sending_account, usable_accounts
from kht.mail.archive import get_message, store
from kht.mail.models import MailAccount, MailMessage
from kht.mail.parsing import Parsed
from kht.mail.personal_tracking import tracked_parts
from kht.mail.schemas import Compose, Draft
from kht.web.i18n import N_, translations

WROTE = N_("On %(when)s, %(who)s wrote:")
FORWARDED = N_("---------- Forwarded message ----------")
FROM, DATE, SUBJECT, TO = N_("From:"), N_("Date:"), N_("Subject:"), N_("To:")


def _addresses(values: list[str], field: str) -> list[str]:
    cleaned = [clean_email(v, field).lower() for v in values]
    return list(dict.fromkeys(a for a in cleaned if a))


def send(ctx: Ctx, data: Compose) -> MailMessage:
    """Archive the mail and queue it; it leaves after the caller's commit.

    The account must be the caller's or a shared mailbox they belong to (422 naming
    `account_id` otherwise); `reply_to_id` must be a mail they may read (404).
    """
    account = sending_account(ctx, data.account_id)
    to = _addresses(data.to, "to")
    if not to:
        raise ValidationError("give at least one recipient", "to")
    cc = [a for a in _addresses(data.cc, "cc") if a not in to]
    answered = get_message(ctx, data.reply_to_id) if data.reply_to_id is not None else None
    refs: list[str] = []
    if answered is not None:
        refs = [*answered.refs.split(), answered.message_id][-20:]
    domain = account.email.rpartition("@")[2]
    message_id = make_msgid(domain=domain)[:500]
    parsed = Parsed(
        message_id=message_id,
        subject=data.subject,
        from_address=account.email.lower(),
        from_name=account.name,
        to=to,
        cc=cc,
        sent_at=ctx.now(),
        in_reply_to=answered.message_id if answered else "",
        references=refs,
        text=data.body,
        html="",
    )
    message, _ = store(
        ctx.session, parsed, account=account, direction="out", folder="", now=ctx.now()
    )
    # The archive keeps what the writer wrote; the recipient's copy carries the tracking.
    text, html = data.body, ""
    if data.track:
        message.tracked = True
        text, html = tracked_parts(ctx, message.id, data.body)
    outbox.queue(
        ctx,
        ", ".join(to),
        data.subject,
        text,
        html=html,
        kind="mail",
        record_id=message.id,
        account_id=account.id,
        cc=", ".join(cc),
        message_id=message_id,
        in_reply_to=parsed.in_reply_to,
        refs=" ".join(refs),
    )
    return message


def _quoted(ctx: Ctx, message: MailMessage) -> str:
    gettext = translations(ctx.language).gettext
    when = ctx.local(message.sent_at).strftime("%Y-%m-%d %H:%M")
    who = (
        f"{message.from_name} <{message.from_address}>"
        if message.from_name
        else message.from_address
    )
    lines = "\n".join(f"> {line}" if line else ">" for line in message.text_body.splitlines())
    return f"\n\n{gettext(WROTE) % {'when': when, 'who': who}}\n{lines}\n"


def _forwarded(ctx: Ctx, message: MailMessage) -> str:
    gettext = translations(ctx.language).gettext
    when = ctx.local(message.sent_at).strftime("%Y-%m-%d %H:%M")
    head = [
        gettext(FORWARDED),
        f"{gettext(FROM)} {message.from_name} <{message.from_address}>".replace("  ", " "),
        f"{gettext(DATE)} {when}",
        f"{gettext(SUBJECT)} {message.subject}",
        f"{gettext(TO)} {', '.join(message.to_addresses)}",
    ]
    return "\n\n" + "\n".join(head) + "\n\n" + message.text_body


def _prefixed(prefix: str, subject: str) -> str:
    bare = subject
    while bare[:4].lower() in ("re: ", "fw: ") or bare[:5].lower() == "fwd: ":
        bare = bare.split(":", 1)[1].lstrip()
    return f"{prefix}: {bare}"[:300]


def draft(ctx: Ctx, message_id: int, mode: str) -> Draft:
    """A reply (to the sender), reply-all (sender, To and Cc, less the sending account) or
    forward (no recipients) of a readable mail, the thread quoted below."""
    message = get_message(ctx, message_id)
    if mode not in ("reply", "reply_all", "forward"):
        raise ValidationError("mode must be reply, reply_all or forward", "mode")
    if mode == "forward":
        return Draft(
            to=[],
            cc=[],
            subject=_prefixed("Fwd", message.subject),
            body=_forwarded(ctx, message),
            reply_to_id=None,
        )
    own = _own_addresses(ctx)
    sender = message.from_address
    if message.direction == "out" and message.to_addresses:
        sender = message.to_addresses[0]  # answering our own mail goes to its recipient
    to = [sender]
    cc: list[str] = []
    if mode == "reply_all":
        to += [a for a in message.to_addresses if a not in own and a not in to]
        cc = [a for a in message.cc_addresses if a not in own and a not in to]
    return Draft(
        to=to,
        cc=cc,
        subject=_prefixed("Re", message.subject),
        body=_quoted(ctx, message),
        reply_to_id=message.id,
    )


def _own_addresses(ctx: Ctx) -> set[str]:
    """The caller's mailboxes' addresses: reply-all leaves them out."""
    query = select(MailAccount.email).where(MailAccount.id.in_(usable_accounts(ctx.user_id)))
    return {e.lower() for e in ctx.session.scalars(query)}
