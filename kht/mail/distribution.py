"""Distribution of a shared mailbox's incoming mail, decided once per (mailbox, message).

The assignee is, in this order:
1. `owner`: the owner of a customer the mail is matched to, else of a matched contact, else
   of a matched lead (active users only);
2. `rule`: the first sender-domain rule of the mailbox (`assign_rules`);
3. `default`: the mailbox's default assignee;
4. `round_robin` (unless the mailbox turned it off): its active members in turn (the turn
   is locked until the fetch commits, as the automation's round robin does);
5. else the mail stays in the mailbox's queue (`queue`), which its members see.

A mailbox marked for lead capture turns a mail from an unknown sender (matched to no
customer, contact or lead) into a lead owned by the assignee, created through the leads
service acting as that user, with the mail linked to it (its timeline). Without an assignee
there is nobody to own the lead and the mail only waits in the queue.

The assignee gets a notification under the bell. The `mail_assignments` row is unique per
(mailbox, message) and written in the fetch's transaction: a second fetch, a renumbered
folder or a crashed fetch repeated finds it and neither reassigns nor creates another lead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.actions.models import Notification
from kht.auth.models import User
from kht.auth.principal import load_principal
from kht.context import Ctx
from kht.errors import KhtError, ValidationError
from kht.events import MailReceived
from kht.mail.models import MailAccount, MailAccountMember, MailAssignment, MailLink, MailMessage
from kht.turns import next_in_turn
from kht.web.i18n import N_, translations

log = logging.getLogger("kht.mail")

HOW = ("owner", "rule", "default", "round_robin", "queue")
HOW_LABELS = {
    "owner": N_("owner of the matched record"),
    "rule": N_("sender-domain rule"),
    "default": N_("mailbox default"),
    "round_robin": N_("in turn"),
    "queue": N_("queue"),
}
TITLE = N_("Mail assigned to you: %(subject)s")
BODY = N_("From %(sender)s, in the mailbox %(mailbox)s.")
LEAD_SOURCE = "email"
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


# ---------------------------------------------------------------- rules


def clean_rules(session: Session, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sender-domain rules as stored: lower-case domains (a leading `@` dropped) to active
    users; a malformed one is a 422 on `assign_rules`."""
    cleaned: list[dict[str, Any]] = []
    for rule in rules:
        domain = str(rule.get("domain", "")).strip().lower().lstrip("@")
        user_id = rule.get("user_id")
        if not _DOMAIN.match(domain):
            raise ValidationError(f"not a mail domain: {domain!r}", "assign_rules")
        if not isinstance(user_id, int) or not _active(session, user_id):
            raise ValidationError(f"no active user {user_id!r}", "assign_rules")
        cleaned.append({"domain": domain, "user_id": user_id})
    return cleaned


def check_assignee(session: Session, user_id: int | None) -> None:
    if user_id is not None and not _active(session, user_id):
        raise ValidationError(f"no active user {user_id}", "default_assignee_id")


def _active(session: Session, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return bool(session.scalar(select(User.active).where(User.id == user_id)))


# ---------------------------------------------------------------- choosing


def _matched_owner(session: Session, message_id: int) -> int | None:
    from kht.mail.archive import LINKED

    links = session.execute(
        select(MailLink.kind, MailLink.record_id)
        .where(MailLink.message_id == message_id)
        .order_by(MailLink.record_id)
    ).all()
    for kind in ("customer", "contact", "lead"):
        model = LINKED[kind]
        ids = [r for k, r in links if k == kind]
        if not ids:
            continue
        owners = session.scalars(
            select(model.owner_id)
            .join(User, User.id == model.owner_id)
            .where(model.id.in_(ids), model.deleted_at.is_(None), User.active)
            .order_by(model.id)
        ).all()
        if owners:
            return owners[0]
    return None


def _next_member(session: Session, account: MailAccount) -> int | None:
    members = session.scalars(
        select(MailAccountMember.user_id)
        .join(User, User.id == MailAccountMember.user_id)
        .where(MailAccountMember.account_id == account.id, User.active)
        .order_by(MailAccountMember.user_id)
    ).all()
    return next_in_turn(session, MailAccount.turn, account.id, members)


def choose(session: Session, account: MailAccount, message: MailMessage) -> tuple[int | None, str]:
    """(assignee, how) for a shared mailbox's message; (None, "queue") when nobody fits."""
    owner = _matched_owner(session, message.id)
    if owner is not None:
        return owner, "owner"
    domain = message.from_address.rpartition("@")[2].lower()
    for rule in account.assign_rules or []:
        if rule.get("domain") == domain and _active(session, rule.get("user_id")):
            return rule["user_id"], "rule"
    if _active(session, account.default_assignee_id):
        return account.default_assignee_id, "default"
    member = _next_member(session, account) if account.round_robin else None
    if member is not None:
        return member, "round_robin"
    return None, "queue"


# ---------------------------------------------------------------- signatures


@dataclass
class Signature:
    name: str = ""
    company: str = ""
    phone: str = ""
    title: str = ""


_COMPANY = re.compile(
    r"(有限公司|股份|集团|公司|工厂|厂$|研究院|事务所|\bCo\.|\bLtd\b|\bLimited\b|\bInc\b|"
    r"\bLLC\b|\bGmbH\b|\bCorp|\bCompany\b|\bGroup\b)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\s*[\w\u4e00-\u9fff ]{1,12}\s*[:：]\s*")
_NAME_LABEL = re.compile(r"^\s*(姓名|联系人|name)\s*[:：]\s*(.+)$", re.IGNORECASE)
_COMPANY_LABEL = re.compile(r"^\s*(公司|单位|company)\s*[:：]\s*(.+)$", re.IGNORECASE)
_CLOSINGS = re.compile(
    r"^(best regards|kind regards|regards|thanks|thank you|cheers|sincerely|此致|敬礼|"
    r"祝好|谢谢|顺祝商祺|祝商祺|致礼)[,，!！.。]*$",
    re.IGNORECASE,
)
_TAIL_LINES = 10


def _signature_lines(text: str) -> list[str]:
    """The signature block: what follows the `-- ` delimiter, else the last lines."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line and not line.startswith(">")]
    for index in range(len(lines) - 1, -1, -1):
        if lines[index] in ("--", "-- ", "——", "---"):
            return lines[index + 1 :]
    return lines[-_TAIL_LINES:]


def parse_signature(text: str, region: str = "CN") -> Signature:
    """Name, company, title and phone from a mail's signature, as far as they show.

    The phone is the first number phonenumbers finds (national format for `region`, else
    international); the company the first line that names one (a label such as 公司: or a
    company word); the name a labelled line, else the short line above the company.
    """
    found = Signature()
    lines = _signature_lines(text)
    for match in phonenumbers.PhoneNumberMatcher("\n".join(lines), region):
        number = match.number
        if phonenumbers.region_code_for_number(number) == region:
            found.phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        else:
            found.phone = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
        break
    company_at = None
    for index, line in enumerate(lines):
        if labelled := _NAME_LABEL.match(line):
            found.name = found.name or labelled.group(2).strip()
        elif labelled := _COMPANY_LABEL.match(line):
            found.company = found.company or labelled.group(2).strip()
            company_at = index if company_at is None else company_at
        elif not found.company and _COMPANY.search(line) and not _LABEL.match(line):
            found.company, company_at = line, index
    if not found.name and company_at:
        candidates = [
            line
            for line in lines[:company_at]
            if not _CLOSINGS.match(line) and not _LABEL.match(line) and len(line) <= 40
        ]
        if candidates:
            # "王小明 | 销售经理" or "Jane Doe, Sales Manager": the name comes first.
            first, *rest = re.split(r"\s*[|,，/]\s*", candidates[-1], maxsplit=1)
            found.name = first
            found.title = rest[0] if rest else ""
    return found


# ---------------------------------------------------------------- distributing


def _notify(session: Session, user_id: int, account: MailAccount, message: MailMessage) -> None:
    user = session.get(User, user_id)
    gettext = translations((user.language if user else "") or "zh_CN").gettext
    sender = message.from_name or message.from_address
    session.add(
        Notification(
            user_id=user_id,
            title=(gettext(TITLE) % {"subject": message.subject or "—"})[:300],
            body=gettext(BODY) % {"sender": sender, "mailbox": account.name},
            url=f"/mail/{message.id}",
            kind="mail",
            record_id=message.id,
            created_at=message.created_at,
        )
    )


def _capture_lead(ctx: Ctx, owner_id: int, message: MailMessage) -> int | None:
    """A lead from an unknown sender's mail, created as its owner; None if they may not."""
    from kht.leads.schemas import LeadCreate
    from kht.leads.service import create_lead

    session = ctx.session
    signature = parse_signature(message.text_body)
    local = message.from_address.partition("@")[0]
    name = (message.from_name or signature.name or local or message.from_address)[:100]
    actor = load_principal(session, owner_id)
    if actor is None:
        return None
    acting = Ctx(
        session=session,
        settings=ctx.settings,
        plugins=ctx.plugins,
        user=actor,
        clock=ctx.clock,
    )
    data = LeadCreate(
        name=name,
        company=signature.company[:200],
        title=signature.title[:100],
        phone=signature.phone[:40],
        email=message.from_address[:200],
        source=LEAD_SOURCE,
    )
    try:
        with session.begin_nested():
            lead = create_lead(acting, data, owner_id=owner_id)
            session.add(MailLink(message_id=message.id, kind="lead", record_id=lead.id))
            session.flush()
    except KhtError as exc:  # their role may not create leads, a plugin may refuse
        log.warning("lead capture from mail %s failed: %s", message.id, type(exc).__name__)
        return None
    return lead.id


def distribute(ctx: Ctx, account: MailAccount, message: MailMessage) -> MailAssignment | None:
    """Assign an incoming mail of a shared mailbox (see the module's docstring), once.

    Runs in the fetch's transaction; returns the new assignment, or None when the mail was
    distributed before or the mailbox is not shared.
    """
    session = ctx.session
    if account.kind != "shared" or message.direction != "in":
        return None
    done = session.scalar(
        select(MailAssignment.id).where(
            MailAssignment.account_id == account.id, MailAssignment.message_id == message.id
        )
    )
    if done is not None:
        return None
    unknown = not session.scalar(select(MailLink.id).where(MailLink.message_id == message.id))
    user_id, how = choose(session, account, message)
    assignment = MailAssignment(
        account_id=account.id,
        message_id=message.id,
        user_id=user_id,
        how=how,
        assigned_at=ctx.now(),
    )
    if account.lead_capture and unknown and user_id is not None and message.from_address:
        assignment.lead_id = _capture_lead(ctx, user_id, message)
    session.add(assignment)
    if user_id is not None:
        _notify(session, user_id, account, message)
    session.flush()
    # Listeners (service intake) react in the same transaction: once per mailbox and mail.
    ctx.fire(MailReceived(kind="mail", record_id=message.id, account_id=account.id))
    return assignment


def described(session: Session, message_id: int) -> list[tuple[str, str, str]]:
    """(mailbox name, assignee name or "", how) of each assignment of a message, for pages
    (`how` is a key of HOW_LABELS)."""
    rows = session.execute(
        select(MailAccount.name, User.name, MailAssignment.how)
        .join(MailAccount, MailAccount.id == MailAssignment.account_id)
        .outerjoin(User, User.id == MailAssignment.user_id)
        .where(MailAssignment.message_id == message_id)
        .order_by(MailAssignment.id)
    )
    return [(mailbox, user or "", how) for mailbox, user, how in rows]


def assignments_of(session: Session, message_id: int) -> list[MailAssignment]:
    """The assignments of a message (one per shared mailbox holding it)."""
    return list(
        session.scalars(
            select(MailAssignment)
            .where(MailAssignment.message_id == message_id)
            .order_by(MailAssignment.id)
        )
    )
