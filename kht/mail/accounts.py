"""Mail accounts: a user's personal mailboxes and the company's shared ones with members.

Anyone who may create mail adds personal accounts for themselves; shared mailboxes need the
`admin` operation on mail. The password is sealed with the instance key (kht.crypto) on
the way in and only unsealed by the sender and the fetcher: no API answer, page or log
carries it (`AccountOut.has_password` says whether one is set).
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import delete, or_, select

from kht import crypto
from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.emails import clean_email
from kht.errors import NotAuthenticated, NotFound, ValidationError
from kht.mail import distribution
from kht.mail.models import MailAccount, MailAccountMember
from kht.mail.schemas import AccountIn, AccountOut, AccountPatch, AssignRule
from kht.records.schemas import out_of

MODULE = "mail"


def usable_accounts(user_id: int) -> Any:
    """Ids of the accounts `user_id` reads and sends from: their own and the shared mailboxes
    they are a member of (a subquery)."""
    members = select(MailAccountMember.account_id).where(MailAccountMember.user_id == user_id)
    return select(MailAccount.id).where(
        or_(MailAccount.owner_id == user_id, MailAccount.id.in_(members))
    )


def _may_admin(ctx: Ctx) -> bool:
    return ctx.user is not None and ctx.user.can(MODULE, "admin")


def list_accounts(ctx: Ctx, *, shared: bool | None = None) -> list[MailAccount]:
    """The caller's accounts (own and shared ones they belong to); a mail administrator also
    sees every shared mailbox. `shared` narrows to one kind."""
    user = require(ctx.user, MODULE, "view")
    reach = MailAccount.id.in_(usable_accounts(user.id))
    if _may_admin(ctx):
        reach = or_(reach, MailAccount.kind == "shared")
    query = select(MailAccount).where(reach)
    if shared is not None:
        query = query.where(MailAccount.kind == ("shared" if shared else "personal"))
    return list(ctx.session.scalars(query.order_by(MailAccount.kind, MailAccount.name)))


def get_account(ctx: Ctx, account_id: int) -> MailAccount:
    """An account the caller uses (or, for a shared one, administers); else NotFound."""
    found = [a for a in list_accounts(ctx) if a.id == account_id]
    if not found:
        raise NotFound(f"mail account {account_id} not found")
    return found[0]


def _may_change(ctx: Ctx, account: MailAccount) -> None:
    if account.kind == "shared":
        require(ctx.user, MODULE, "admin")
    elif account.owner_id != ctx.user_id:
        raise NotFound(f"mail account {account.id} not found")


def _members(ctx: Ctx, user_ids: list[int]) -> list[int]:
    wanted = sorted(set(user_ids))
    found = set(ctx.session.scalars(select(User.id).where(User.id.in_(wanted), User.active)))
    unknown = [str(i) for i in wanted if i not in found]
    if unknown:
        raise ValidationError(f"unknown or inactive users: {', '.join(unknown)}", "member_ids")
    return wanted


def _check(ctx: Ctx, account: MailAccount) -> None:
    account.email = clean_email(account.email, "email")
    distributing = account.assign_rules or account.default_assignee_id or account.lead_capture
    if distributing and account.kind != "shared":
        raise ValidationError("only a shared mailbox distributes its mail", "kind")
    account.assign_rules = distribution.clean_rules(ctx.session, account.assign_rules or [])
    distribution.check_assignee(ctx.session, account.default_assignee_id)
    if not account.email:
        raise ValidationError("email is required", "email")
    if not account.smtp_host and not account.imap_host:
        raise ValidationError("give an SMTP or an IMAP server", "smtp_host")
    folders = [f.strip() for f in account.folders or [] if f.strip()]
    account.folders = list(dict.fromkeys(folders)) or ["INBOX"]


def create_account(ctx: Ctx, data: AccountIn) -> MailAccount:
    """A personal account of the caller, or a shared mailbox (mail administrators)."""
    user = require(ctx.user, MODULE, "create")
    if data.kind == "shared":
        require(user, MODULE, "admin")
    elif data.member_ids:
        raise ValidationError("only a shared mailbox has members", "member_ids")
    values = msgspec.structs.asdict(data)
    password, member_ids = values.pop("password"), values.pop("member_ids")
    values["assign_rules"] = [msgspec.structs.asdict(r) for r in data.assign_rules]
    account = MailAccount(
        **values,
        owner_id=user.id if data.kind == "personal" else None,
        password_secret=crypto.seal(ctx.settings, password),
        created_at=ctx.now(),
    )
    account.login = account.login or account.email
    _check(ctx, account)
    ctx.session.add(account)
    ctx.session.flush()
    for member in _members(ctx, member_ids):
        ctx.session.add(MailAccountMember(account_id=account.id, user_id=member))
    ctx.session.flush()
    return account


def update_account(ctx: Ctx, account_id: int, data: AccountPatch) -> MailAccount:
    """Change an account; a new password is sealed, a missing one keeps the stored one."""
    account = get_account(ctx, account_id)
    _may_change(ctx, account)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "password" in changes:
        account.password_secret = crypto.seal(ctx.settings, changes.pop("password"))
    member_ids = changes.pop("member_ids", None)
    if "assign_rules" in changes:
        changes["assign_rules"] = [msgspec.structs.asdict(r) for r in changes["assign_rules"]]
    for name, value in changes.items():
        setattr(account, name, value)
    if {"imap_host", "imap_port", "login", "folders"} & set(changes):
        account.last_error = ""
    _check(ctx, account)
    if member_ids is not None:
        if account.kind != "shared":
            raise ValidationError("only a shared mailbox has members", "member_ids")
        ctx.session.execute(
            delete(MailAccountMember).where(MailAccountMember.account_id == account.id)
        )
        for member in _members(ctx, member_ids):
            ctx.session.add(MailAccountMember(account_id=account.id, user_id=member))
    ctx.session.flush()
    return account


def delete_account(ctx: Ctx, account_id: int) -> None:
    """Remove an account; the mail it fetched stays archived on the records it matched."""
    account = get_account(ctx, account_id)
    _may_change(ctx, account)
    ctx.session.delete(account)
    ctx.session.flush()


def member_ids(ctx: Ctx, account_ids: list[int]) -> dict[int, list[int]]:
    """The members of each of these accounts."""
    members: dict[int, list[int]] = {i: [] for i in account_ids}
    rows = ctx.session.execute(
        select(MailAccountMember.account_id, MailAccountMember.user_id)
        .where(MailAccountMember.account_id.in_(account_ids))
        .order_by(MailAccountMember.user_id)
    )
    for account_id, user_id in rows:
        members[account_id].append(user_id)
    return members


def account_out(account: MailAccount, members: list[int]) -> AccountOut:
    """The API's view of an account: no password, only whether one is set."""
    return out_of(
        AccountOut,
        account,
        has_password=bool(account.password_secret),
        folders=list(account.folders or []),
        member_ids=members,
        assign_rules=[AssignRule(**r) for r in account.assign_rules or []],
    )


def sending_account(ctx: Ctx, account_id: int) -> MailAccount:
    """An account the caller may send from (their own, or a shared one they belong to)."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    require(ctx.user, MODULE, "create")
    account = ctx.session.scalar(
        select(MailAccount).where(
            MailAccount.id == account_id, MailAccount.id.in_(usable_accounts(ctx.user.id))
        )
    )
    if account is None:
        raise ValidationError(f"mail account {account_id} not found", "account_id")
    if not account.smtp_host or not account.active:
        raise ValidationError("this account has no SMTP server to send with", "account_id")
    return account
