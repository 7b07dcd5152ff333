"""Mail pages: the mail list and search (/mail), reading a mail with its thread, writing
(new, reply, reply-all, forward) and the mail accounts (/mail/accounts). Thin: every rule
lives in kht.mail's services."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht import record_service as records
from kht.auth.models import User
from kht.contacts.ui import text, to_struct, values
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, ValidationError
from kht.mail import accounts, archive, distribution, sending, templating
from kht.mail.fetch import fetch_after_commit
from kht.mail.schemas import AccountIn, AccountPatch, Compose, TemplateIn
from kht.records import record_kinds
from kht.web.i18n import N_
from kht.web.pages import render

# Protocol names stay as they are in every language; only "None" is translated.
SECURITY = (("ssl", "SSL/TLS"), ("starttls", "STARTTLS"), ("none", N_("None")))
MODES = {"reply": N_("Reply"), "reply_all": N_("Reply all"), "forward": N_("Forward")}


@get("/mail", sync_to_thread=True, include_in_schema=False)
def mail_page(
    request: Request,
    ctx: RequestCtx,
    q: FromQuery[str] = "",
    account_id: FromQuery[int | None] = None,
    queued: FromQuery[bool] = False,
    page: FromQuery[int] = 1,
) -> Template:
    """The mail the user may read, newest first, with search and a mailbox filter; `queued`
    with a shared mailbox shows its unassigned mail (members only)."""
    page = max(page, 1)
    if queued and account_id is not None:
        rows, total = archive.queue(ctx, account_id, page=page)
    else:
        queued = False
        rows, total = archive.list_messages(ctx, q=q, account_id=account_id, page=page)
    return render(
        request,
        ctx,
        "mail/index.html",
        rows=rows,
        total=total,
        q=q,
        page=page,
        has_more=page * 50 < total,
        account_id=account_id,
        queued=queued,
        accounts=accounts.list_accounts(ctx),
    )


def _record_names(ctx: Ctx, links: list[Any]) -> list[tuple[str, str, str]]:
    """(url, kind label, name) of each matched record the reader can open."""
    kinds, shown = record_kinds(ctx), []
    for link in links:
        spec = kinds.get(link.kind)
        if spec is None or not ctx.user.can(spec.module, "view"):
            continue
        try:
            record = records.get_record(ctx, spec, link.record_id)
        except KhtError:
            continue  # matched, but outside the reader's scope on that kind
        label = spec.label_zh if ctx.language.startswith("zh") else spec.label_en
        shown.append((f"/{spec.plural}/{record.id}", label, getattr(record, "name", "")))
    return shown


@get("/mail/{message_id:int}", sync_to_thread=True, include_in_schema=False)
def message_page(
    request: Request, ctx: RequestCtx, message_id: FromPath[int], images: FromQuery[bool] = False
) -> Template:
    """One mail: sanitised HTML (remote images only when asked) or text, attachments, the
    records it is matched to, its thread, and reply / reply-all / forward."""
    message = archive.get_message(ctx, message_id)
    html, blocked = archive.shown_html(message, images=images)
    return render(
        request,
        ctx,
        "mail/message.html",
        message=message,
        html=html,
        blocked=blocked,
        files=archive.attachments(ctx, message),
        records=_record_names(ctx, archive.links(ctx, message)),
        thread=archive.thread(ctx, message),
        assigned=distribution.described(ctx.session, message.id),
        how_labels=distribution.HOW_LABELS,
        modes=MODES,
    )


def _compose(
    request: Request, ctx: Ctx, form: dict[str, Any], status_code: int = 200, **more: Any
) -> Template:
    usable = [a for a in accounts.list_accounts(ctx) if a.smtp_host and a.active]
    mine = set(ctx.session.scalars(accounts.usable_accounts(ctx.user_id)))
    return render(
        request,
        ctx,
        "mail/compose.html",
        status_code=status_code,
        form=form,
        accounts=[a for a in usable if a.id in mine],
        templates=templating.list_templates(ctx),
        **more,
    )


@get("/mail/compose", sync_to_thread=True, include_in_schema=False)
def compose_page(
    request: Request,
    ctx: RequestCtx,
    reply: FromQuery[int | None] = None,
    mode: FromQuery[str] = "reply",
    to: FromQuery[str] = "",
    template_id: FromQuery[int | None] = None,
    kind: FromQuery[str | None] = None,
    record_id: FromQuery[int | None] = None,
) -> Template:
    """A new mail (optionally to `to`, filled from a template for a record), or a reply,
    reply-all or forward of a readable mail with the thread quoted."""
    form: dict[str, Any] = {"to": to, "cc": "", "subject": "", "body": "", "reply_to_id": ""}
    if reply is not None:
        draft = sending.draft(ctx, reply, mode)
        form = {
            "to": ", ".join(draft.to),
            "cc": ", ".join(draft.cc),
            "subject": draft.subject,
            "body": draft.body,
            "reply_to_id": draft.reply_to_id or "",
        }
    if template_id is not None:
        rendered = templating.render(ctx, template_id, kind, record_id)
        form.update(subject=rendered.subject, body=rendered.body + form["body"])
    return _compose(request, ctx, form, kind=kind, record_id=record_id)


def _addresses(raw: str) -> list[str]:
    return [a.strip() for a in raw.replace(";", ",").split(",") if a.strip()]


@post("/mail/compose", sync_to_thread=True, include_in_schema=False)
def send_from_form(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Send the form's mail (it leaves through the outbox after this request commits)."""
    form = {k: text(data, k) for k in ("account_id", "to", "cc", "subject", "body", "reply_to_id")}
    # Kept as typed (quoted lines start with ">"), with the browser's CRLF line ends as LF.
    form["body"] = str(data.get("body", "")).replace("\r\n", "\n")
    form["track"] = text(data, "track")
    try:
        account_id, reply_to = form["account_id"], form["reply_to_id"]
        raw = {
            "account_id": int(account_id) if account_id.isdigit() else -1,
            "to": _addresses(form["to"]),
            "cc": _addresses(form["cc"]),
            "subject": form["subject"],
            "body": form["body"],
            "reply_to_id": int(reply_to) if reply_to.isdigit() else None,
            "track": form["track"] == "1",
        }
        message = sending.send(ctx, to_struct(raw, Compose))
    except ValidationError as exc:
        ctx.session.rollback()
        return _compose(request, ctx, form, 422, error=exc.message, error_field=exc.field or "")
    return Redirect(f"/mail/{message.id}")


def _accounts_page(request: Request, ctx: Ctx, status_code: int = 200, **more: Any) -> Template:
    rows = accounts.list_accounts(ctx)
    users = ctx.session.execute(select(User.id, User.name).where(User.active).order_by(User.name))
    return render(
        request,
        ctx,
        "mail/accounts.html",
        status_code=status_code,
        rows=rows,
        members=accounts.member_ids(ctx, [a.id for a in rows]),
        users=list(users),
        security=SECURITY,
        may_admin=ctx.user.can(accounts.MODULE, "admin"),
        form=more.pop("form", {}),
        editing=more.pop("editing", None),
        **more,
    )


@get("/mail/accounts", sync_to_thread=True, include_in_schema=False)
def accounts_page(request: Request, ctx: RequestCtx) -> Template:
    """The user's mail accounts and shared mailboxes, and the form to add one."""
    return _accounts_page(request, ctx)


def _port(value: str, field: str, default: int) -> int:
    if not value:
        return default
    if not value.isdigit():
        raise ValidationError(f"{field} must be a number", field)
    return int(value)


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    """The form as typed, to show it again (never the password)."""
    form: dict[str, Any] = {
        k: text(data, k) for k in data if k not in ("password", "_csrf_token", "member_ids")
    }
    form["member_ids"] = [int(v) for v in values(data, "member_ids") if v.isdigit()]
    return form


def _account_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The settings the add and edit forms share (not the kind, not the password)."""
    folders = [f.strip() for f in text(data, "folders").split(",") if f.strip()]
    return {
        "name": text(data, "name"),
        "email": text(data, "email"),
        "login": text(data, "login"),
        "smtp_host": text(data, "smtp_host"),
        "smtp_port": _port(text(data, "smtp_port"), "smtp_port", 587),
        "smtp_security": text(data, "smtp_security") or "starttls",
        "imap_host": text(data, "imap_host"),
        "imap_port": _port(text(data, "imap_port"), "imap_port", 993),
        "imap_security": text(data, "imap_security") or "ssl",
        "folders": folders or ["INBOX"],
        "match_domains": text(data, "match_domains") == "1",
        "member_ids": [int(v) for v in values(data, "member_ids") if v.isdigit()],
    }


def _form_of(ctx: Ctx, account: Any) -> dict[str, Any]:
    return {
        "kind": account.kind,
        "name": account.name,
        "email": account.email,
        "login": account.login,
        "smtp_host": account.smtp_host,
        "smtp_port": str(account.smtp_port),
        "smtp_security": account.smtp_security,
        "imap_host": account.imap_host,
        "imap_port": str(account.imap_port),
        "imap_security": account.imap_security,
        "folders": ", ".join(account.folders or []),
        "match_domains": "1" if account.match_domains else "",
        "member_ids": accounts.member_ids(ctx, [account.id]).get(account.id, []),
    }


@get("/mail/accounts/{account_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_account_page(request: Request, ctx: RequestCtx, account_id: FromPath[int]) -> Template:
    """An account's settings in the form, to change them (the password is never shown)."""
    account = accounts.get_account(ctx, account_id)
    return _accounts_page(request, ctx, form=_form_of(ctx, account), editing=account)


@post("/mail/accounts/{account_id:int}", sync_to_thread=True, include_in_schema=False)
def save_account(
    request: Request,
    ctx: RequestCtx,
    account_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save an account's settings; an empty password keeps the stored one."""
    account = accounts.get_account(ctx, account_id)
    form = {**_typed(data), "kind": account.kind}
    try:
        raw = _account_fields(data)
        if account.kind != "shared" or not ctx.user.can(accounts.MODULE, "admin"):
            raw.pop("member_ids")
        password = str(data.get("password", ""))
        if password:
            raw["password"] = password
        accounts.update_account(ctx, account_id, to_struct(raw, AccountPatch))
    except ValidationError as exc:
        ctx.session.rollback()
        return _accounts_page(
            request,
            ctx,
            422,
            form=form,
            editing=account,
            error=exc.message,
            error_field=exc.field or "",
        )
    return Redirect(f"/mail/accounts/{account_id}?saved=1")


@post("/mail/accounts", sync_to_thread=True, include_in_schema=False)
def add_account(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Add a personal account (or, for mail administrators, a shared mailbox)."""
    form = _typed(data)
    try:
        raw = {
            "kind": text(data, "kind") or "personal",
            **_account_fields(data),
            "password": str(data.get("password", "")),
        }
        accounts.create_account(ctx, to_struct(raw, AccountIn))
    except ValidationError as exc:
        ctx.session.rollback()
        return _accounts_page(
            request, ctx, 422, form=form, error=exc.message, error_field=exc.field or ""
        )
    return Redirect("/mail/accounts")


@post("/mail/accounts/{account_id:int}/fetch", sync_to_thread=True, include_in_schema=False)
def fetch_from_page(ctx: RequestCtx, account_id: FromPath[int]) -> Redirect:
    """ "Fetch now": read the account right after this request."""
    fetch_after_commit(ctx, accounts.get_account(ctx, account_id).id)
    return Redirect("/mail/accounts")


@post("/mail/accounts/{account_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_from_page(ctx: RequestCtx, account_id: FromPath[int]) -> Redirect:
    """Remove an account (its archived mail stays on the records)."""
    accounts.delete_account(ctx, account_id)
    return Redirect("/mail/accounts")


ROUTES = [
    mail_page,
    message_page,
    compose_page,
    send_from_form,
    accounts_page,
    add_account,
    edit_account_page,
    save_account,
    fetch_from_page,
    delete_from_page,
]


def _templates_page(request: Request, ctx: Ctx, status_code: int = 200, **more: Any) -> Template:
    return render(
        request,
        ctx,
        "mail/templates.html",
        status_code=status_code,
        rows=templating.list_templates(ctx),
        kinds=kind_choices(ctx),
        may_admin=ctx.user.can(accounts.MODULE, "admin"),
        form=more.pop("form", {}),
        **more,
    )


def kind_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """The kinds a template can be filled from, with their names in the reader's language."""
    kinds = record_kinds(ctx)
    zh = ctx.language.startswith("zh")
    return [(k, kinds[k].label_zh if zh else kinds[k].label_en) for k in archive.LINKED]


@get("/mail/templates", sync_to_thread=True, include_in_schema=False)
def templates_page(
    request: Request,
    ctx: RequestCtx,
    template_id: FromQuery[int | None] = None,
    kind: FromQuery[str] = "customer",
    record_id: FromQuery[int | None] = None,
) -> Template:
    """The mail templates, the form to add one, and a preview filled from a chosen record."""
    preview = None
    if template_id is not None:
        try:
            preview = templating.render(ctx, template_id, kind, record_id)
        except ValidationError as exc:
            return _templates_page(
                request, ctx, 422, error=exc.message, chosen=(template_id, kind, record_id)
            )
    return _templates_page(request, ctx, preview=preview, chosen=(template_id, kind, record_id))


@post("/mail/templates", sync_to_thread=True, include_in_schema=False)
def add_template(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Add a template (mail administrators)."""
    form = {k: text(data, k) for k in ("name", "subject")}
    form["body"] = str(data.get("body", "")).replace("\r\n", "\n")
    try:
        templating.create_template(ctx, to_struct(form, TemplateIn))
    except ValidationError as exc:
        ctx.session.rollback()
        return _templates_page(
            request, ctx, 422, form=form, error=exc.message, error_field=exc.field or ""
        )
    return Redirect("/mail/templates")


ROUTES += [templates_page, add_template]
