"""Mail JSON API under /api/v1/mail: accounts, the archive, sending, templates. Thin over
kht.mail's services; no answer ever carries an account's password."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.files.api import download_response
from kht.mail import accounts, archive, sending, templating
from kht.mail.distribution import assignments_of
from kht.mail.fetch import fetch_after_commit
from kht.mail.models import MailAccount, MailMessage, MailTemplate
from kht.mail.schemas import (
    AccountIn,
    AccountList,
    AccountOut,
    AccountPatch,
    AssignmentOut,
    AttachmentOut,
    Compose,
    Draft,
    LinkOut,
    MessageDetail,
    MessageList,
    MessageOut,
    Rendered,
    TemplateIn,
    TemplateList,
    TemplateOut,
    TemplatePatch,
)


def account_outs(ctx: Ctx, rows: list[MailAccount]) -> list[AccountOut]:
    members = accounts.member_ids(ctx, [a.id for a in rows])
    return [accounts.account_out(a, members[a.id]) for a in rows]


def message_out(message: MailMessage) -> MessageOut:
    return MessageOut(
        id=message.id,
        message_id=message.message_id,
        direction=message.direction,
        subject=message.subject,
        from_address=message.from_address,
        from_name=message.from_name,
        to=list(message.to_addresses or []),
        cc=list(message.cc_addresses or []),
        sent_at=message.sent_at,
        thread_id=message.thread_id,
        tracked=bool(message.tracked),
        opened_at=message.opened_at,
        opens=message.opens or 0,
        clicked_at=message.clicked_at,
        clicks=message.clicks or 0,
    )


def message_detail(ctx: Ctx, message: MailMessage, *, images: bool) -> MessageDetail:
    html, blocked = archive.shown_html(message, images=images)
    return MessageDetail(
        **{f: getattr(message_out(message), f) for f in MessageOut.__struct_fields__},
        text=message.text_body,
        html=html,
        remote_images_blocked=blocked,
        in_reply_to=message.in_reply_to,
        references=message.refs.split(),
        attachments=[
            AttachmentOut(id=a.id, filename=a.filename, content_type=a.content_type, size=a.size)
            for a in archive.attachments(ctx, message)
        ],
        links=[
            LinkOut(kind=link.kind, record_id=link.record_id)
            for link in archive.links(ctx, message)
        ],
        assignments=[
            AssignmentOut(
                account_id=a.account_id,
                user_id=a.user_id,
                how=a.how,
                lead_id=a.lead_id,
                assigned_at=a.assigned_at,
            )
            for a in assignments_of(ctx.session, message.id)
        ],
        thread=[message_out(m) for m in archive.thread(ctx, message)],
    )


def template_out(template: MailTemplate) -> TemplateOut:
    return TemplateOut(
        id=template.id,
        name=template.name,
        subject=template.subject,
        body=template.body,
        created_by_id=template.created_by_id,
        created_at=template.created_at,
    )


class AccountController(Controller):
    path = "/api/v1/mail/accounts"
    tags = ["mail"]

    @get("/", sync_to_thread=True)
    def list_accounts(self, ctx: RequestCtx) -> AccountList:
        """The caller's accounts and shared mailboxes (all shared ones for mail admins)."""
        return AccountList(items=account_outs(ctx, accounts.list_accounts(ctx)))

    @post("/", sync_to_thread=True)
    def create_account(self, ctx: RequestCtx, data: JSONBody[AccountIn]) -> AccountOut:
        """Add a personal account, or (mail admins) a shared mailbox with members."""
        return account_outs(ctx, [accounts.create_account(ctx, data)])[0]

    @get("/{account_id:int}", sync_to_thread=True)
    def get_account(self, ctx: RequestCtx, account_id: FromPath[int]) -> AccountOut:
        return account_outs(ctx, [accounts.get_account(ctx, account_id)])[0]

    @patch("/{account_id:int}", sync_to_thread=True)
    def update_account(
        self, ctx: RequestCtx, account_id: FromPath[int], data: JSONBody[AccountPatch]
    ) -> AccountOut:
        return account_outs(ctx, [accounts.update_account(ctx, account_id, data)])[0]

    @delete("/{account_id:int}", sync_to_thread=True)
    def delete_account(self, ctx: RequestCtx, account_id: FromPath[int]) -> None:
        accounts.delete_account(ctx, account_id)

    @post("/{account_id:int}/fetch", sync_to_thread=True, status_code=202)
    def fetch_now(self, ctx: RequestCtx, account_id: FromPath[int]) -> None:
        """Read the account's folders right after this request (the worker also polls every
        few minutes); the account's `last_fetch_at` and `last_error` tell how it went."""
        fetch_after_commit(ctx, accounts.get_account(ctx, account_id).id)

    @get("/{account_id:int}/queue", sync_to_thread=True)
    def queue(
        self,
        ctx: RequestCtx,
        account_id: FromPath[int],
        page: int = Parameter(ge=1, default=1),
        page_size: int = Parameter(ge=1, le=200, default=50),
    ) -> MessageList:
        """A shared mailbox's unassigned mail (nobody matched, no rule, no members), newest
        first; for its members and mail administrators."""
        rows, total = archive.queue(ctx, account_id, page=page, page_size=page_size)
        return MessageList(
            items=[message_out(m) for m in rows], total=total, page=page, page_size=page_size
        )


class MessageController(Controller):
    path = "/api/v1/mail/messages"
    tags = ["mail"]

    @get("/", sync_to_thread=True)
    def list_messages(
        self,
        ctx: RequestCtx,
        q: FromQuery[str] = "",
        account_id: FromQuery[int | None] = None,
        kind: FromQuery[str | None] = None,
        record_id: FromQuery[int | None] = None,
        page: int = Parameter(ge=1, default=1),
        page_size: int = Parameter(ge=1, le=200, default=50),
    ) -> MessageList:
        """Mail the caller may read, newest first; `q` searches subject, sender and text."""
        rows, total = archive.list_messages(
            ctx,
            q=q,
            account_id=account_id,
            kind=kind,
            record_id=record_id,
            page=page,
            page_size=page_size,
        )
        return MessageList(
            items=[message_out(m) for m in rows], total=total, page=page, page_size=page_size
        )

    @get("/{message_id:int}", sync_to_thread=True)
    def get_message(
        self, ctx: RequestCtx, message_id: FromPath[int], images: FromQuery[bool] = False
    ) -> MessageDetail:
        """One mail; remote images stay out of its HTML unless `images=true`."""
        return message_detail(ctx, archive.get_message(ctx, message_id), images=images)

    @get("/{message_id:int}/draft", sync_to_thread=True)
    def draft(
        self, ctx: RequestCtx, message_id: FromPath[int], mode: FromQuery[str] = "reply"
    ) -> Draft:
        """A reply, reply_all or forward of the mail, the thread quoted (send it with POST
        /api/v1/mail/send)."""
        return sending.draft(ctx, message_id, mode)

    @get("/{message_id:int}/attachments/{attachment_id:int}", sync_to_thread=True)
    def attachment(
        self, ctx: RequestCtx, message_id: FromPath[int], attachment_id: FromPath[int]
    ) -> Response[bytes]:
        """An attachment's bytes, always as a download."""
        return download_response(*archive.attachment(ctx, message_id, attachment_id))


@post("/api/v1/mail/send", sync_to_thread=True, tags=["mail"])
def send_mail(ctx: RequestCtx, data: JSONBody[Compose]) -> MessageOut:
    """Send (or, with `reply_to_id`, answer) a mail from one of the caller's accounts: it is
    archived now and leaves through the outbox once this request has committed."""
    return message_out(sending.send(ctx, data))


class TemplateController(Controller):
    path = "/api/v1/mail/templates"
    tags = ["mail"]

    @get("/", sync_to_thread=True)
    def list_templates(self, ctx: RequestCtx) -> TemplateList:
        return TemplateList(items=[template_out(t) for t in templating.list_templates(ctx)])

    @post("/", sync_to_thread=True)
    def create_template(self, ctx: RequestCtx, data: JSONBody[TemplateIn]) -> TemplateOut:
        return template_out(templating.create_template(ctx, data))

    @get("/{mail_template_id:int}", sync_to_thread=True)
    def get_template(self, ctx: RequestCtx, mail_template_id: FromPath[int]) -> TemplateOut:
        return template_out(templating.get_template(ctx, mail_template_id))

    @patch("/{mail_template_id:int}", sync_to_thread=True)
    def update_template(
        self, ctx: RequestCtx, mail_template_id: FromPath[int], data: JSONBody[TemplatePatch]
    ) -> TemplateOut:
        return template_out(templating.update_template(ctx, mail_template_id, data))

    @delete("/{mail_template_id:int}", sync_to_thread=True)
    def delete_template(self, ctx: RequestCtx, mail_template_id: FromPath[int]) -> None:
        templating.delete_template(ctx, mail_template_id)

    @get("/{mail_template_id:int}/preview", sync_to_thread=True)
    def preview(
        self,
        ctx: RequestCtx,
        mail_template_id: FromPath[int],
        kind: FromQuery[str | None] = None,
        record_id: FromQuery[int | None] = None,
    ) -> Rendered:
        """The template filled in for a record the caller can see (`kind`, `record_id`)."""
        return templating.render(ctx, mail_template_id, kind, record_id)


ROUTES = [AccountController, MessageController, send_mail, TemplateController]
