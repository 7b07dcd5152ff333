"""The authorisation matrix's declared tables: a sample record per kind and per id parameter.

`test_matrix.py` walks the app's route table and fills every id path parameter from here.
A path parameter `<kind>_id` takes the sample of that registered record kind (`KINDS`); the
other id parameters are declared in `OTHERS`; parameters that name no record owned by
anyone are in `NOT_RECORD_SCOPED`, each with the reason. A route whose parameter is in none
of them fails the matrix, so a new kind or route joins it by one line here.

Every sample belongs to rep1 of Sales/East (or to that team) and carries `LEAK` in its
text, so a page or list that shows it to another team is caught by the text alone.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from kht.actions.models import Notification
from kht.auth.models import Role, User
from kht.automation.models import Rule as AutomationRule
from kht.customers.models import CustomerCategory
from kht.db.custom_fields import CustomField
from kht.mail.archive import attachments, store
from kht.mail.models import MailAccount, MailTemplate, MassSend
from kht.mail.parsing import parse
from kht.org.models import Branch, Department
from kht.sales.processes.models import Process
from kht.sales.quotes.models import QuoteTemplate
from kht.service.models import Queue, SlaPolicy
from kht.tags.models import Tag
from kht.testing import add_user, bearer, log_in
from kht.webhooks.models import WebhookSubscription
from plugins.promotion.models import AuditValue
from tests.team import Team

LEAK = "机密甲"  # in every sample's text, never in a request
WORD = "VICTIM"  # in every sample's name too: what the probes search for
MISSING = 1_999_999_999  # an id nobody has (an int4 on PostgreSQL)


@dataclass
class Victims:
    """rep1's records (the other team's, for the outsiders) and how to reach them."""

    team: Team
    ids: dict[str, int] = field(default_factory=dict)  # sample name -> id

    def api(self, login: str = "rep1") -> TestClient:
        client = TestClient(self.team.app)
        client.headers.update(bearer(self.team.runtime, login))
        return client

    def made(self, name: str, answer: Any) -> int:
        assert answer.status_code in (200, 201, 202), (name, answer.status_code, answer.text)
        self.ids[name] = answer.json()["id"]
        return self.ids[name]


def _named(kind: str) -> str:
    return f"{WORD} {kind} {LEAK}"


def _customer(v: Victims, c: TestClient) -> None:
    v.made("customer", c.post("/api/v1/customers", json={"name": _named("customer")}))


def _contact(v: Victims, c: TestClient) -> None:
    body = {"customer_id": v.ids["customer"], "name": _named("contact")}
    v.made("contact", c.post("/api/v1/contacts", json=body))


def _lead(v: Victims, c: TestClient) -> None:
    v.made("lead", c.post("/api/v1/leads", json={"name": _named("lead"), "company": LEAK}))


def _action(v: Victims, c: TestClient) -> None:
    body = {"kind": "customer", "record_id": v.ids["customer"], "subject": _named("action")}
    v.made("action", c.post("/api/v1/actions", json=body))


def _opportunity(v: Victims, c: TestClient) -> None:
    body = {"name": _named("opportunity"), "customer_id": v.ids["customer"], "amount": "100.00"}
    v.made("opportunity", c.post("/api/v1/opportunities", json=body))


LINE = {"description": _named("line"), "quantity": "1", "unit_price": "100.00"}


def _quote(v: Victims, c: TestClient) -> None:
    body = {"title": _named("quote"), "customer_id": v.ids["customer"], "lines": [LINE]}
    v.made("quote", c.post("/api/v1/quotes", json=body))


def _order(v: Victims, c: TestClient) -> None:
    body = {"customer_id": v.ids["customer"], "notes": _named("order"), "lines": [LINE]}
    order = v.made("order", c.post("/api/v1/orders", json=body))
    plan = {"due_date": "2030-01-01", "amount": "50.00", "note": LEAK}
    v.made("plan", c.post(f"/api/v1/orders/{order}/plan", json=plan))
    paid = {"received_on": "2026-01-01", "amount": "10.00", "reference": LEAK}
    v.made("payment", c.post(f"/api/v1/orders/{order}/payments", json=paid))


def _product(v: Victims, c: TestClient) -> None:
    with v.api("admin") as admin:
        body = {"name": f"{WORD} product", "code": "VICTIM-1", "list_price": "10.00"}
        v.made("product", admin.post("/api/v1/products", json=body))


def _article(v: Victims, c: TestClient) -> None:
    # A shared record (no owner): a draft, which only knowledge editors may read.
    with v.api("admin") as admin:
        body = {"title": f"{WORD} article", "status": "draft"}
        v.made("article", admin.post("/api/v1/knowledge", json=body))


def _competitor(v: Victims, c: TestClient) -> None:
    # A shared record (no owner): every sales role reads it, administrators change it.
    with v.api("admin") as admin:
        body = {"name": f"{WORD} competitor", "strengths": "known to all"}
        v.made("competitor", admin.post("/api/v1/competitors", json=body))


def _criterion(v: Victims, c: TestClient) -> None:
    # A shared record (no owner): every project scorecard reads it, administrators change it.
    with v.api("admin") as admin:
        body = {"key": "victim", "label_zh": f"{WORD} 评估项", "label_en": f"{WORD} criterion"}
        v.made("project_sales_criterion", admin.post("/api/v1/project-sales-criteria", json=body))


def _campaign(v: Victims, c: TestClient) -> None:
    # Reps have no campaigns module: an administrator plans it for rep1, with a cost line.
    with v.api("admin") as admin:
        body = {"name": _named("campaign"), "owner_id": v.team.users["rep1"]}
        campaign = v.made("campaign", admin.post("/api/v1/campaigns", json=body))
        cost = {"category": "venue", "amount": "1.00", "spent_on": "2026-01-01", "supplier": LEAK}
        v.made("cost", admin.post(f"/api/v1/campaigns/{campaign}/costs", json=cost))


def _price_list(v: Victims, c: TestClient) -> None:
    with v.api("admin") as admin:
        v.made("price_list", admin.post("/api/v1/price-lists", json={"name": f"{WORD} list"}))
        item = {"product_id": v.ids["product"], "price": "9.00"}
        items = admin.post(f"/api/v1/price-lists/{v.ids['price_list']}/items", json=item)
        v.made("item", items)


def _member(v: Victims, c: TestClient) -> None:
    body = {"customer_id": v.ids["customer"], "wechat": LEAK}
    member = v.made("membership_member", c.post("/api/v1/members", json=body))
    txn = {"member_id": member, "external_id": _named("receipt"), "amount": "100.00"}
    v.made("membership_transaction", c.post("/api/v1/member_transactions", json=txn))


def _outlet(v: Victims, c: TestClient) -> None:
    """rep1's outlet, a day's plan with it, a visit checked in and audited with a competitor
    seen, a promotion on it with a cost claim (the promotion pack's kinds), and a territory
    rep1 works."""
    body = {"customer_id": v.ids["customer"], "name": _named("outlet"), "latitude": 31.2}
    outlet = v.made("promotion_outlet", c.post("/api/v1/outlets", json=body | {"longitude": 121.4}))
    plan = v.made("promotion_plan", c.post("/api/v1/visit-plans", json={"start_on": "2026-01-05"}))
    stop = c.post(f"/api/v1/promotion/plans/{plan}/stops", json={"outlet_id": outlet})
    visit = v.made("promotion_visit", stop)
    fix = {"latitude": 31.2, "longitude": 121.4}
    assert c.post(f"/api/v1/promotion/visits/{visit}/check-in", json=fix).status_code == 201
    answer = {"metric": "price", "brand": LEAK, "sku": LEAK, "number": "2.00"}
    audit = c.post(f"/api/v1/promotion/visits/{visit}/audit", json={"answers": [answer]})
    assert audit.status_code == 201, audit.text
    with v.team.ctx(None) as ctx:  # audit values are made by the audit only (no create API)
        v.ids["promotion_audit_value"] = ctx.session.scalar(select(AuditValue.id).limit(1))
    seen = {"competitor_id": v.ids["competitor"], "product": LEAK, "note": _named("observation")}
    observed = c.post(f"/api/v1/promotion/visits/{visit}/competitors", json=seen)
    v.made("promotion_competitor_observation", observed)
    # The tree is kept by managers; rep1 works this region. Its name is no secret: territory
    # names are shared vocabulary that every outlet form's picker lists.
    with v.api("admin") as admin:
        region = {"name": "华北", "level": "region", "rep_id": v.team.users["rep1"]}
        made = admin.post("/api/v1/promotion/territories", json=region)
        assert made.status_code == 201, made.text
        v.ids["territory_id"] = made.json()["id"]
    promo = {"name": _named("promotion"), "start_on": "2026-01-01", "end_on": "2026-01-31"}
    promotion = v.made("promotion_promotion", c.post("/api/v1/promotions", json=promo))
    claim = {"promotion_id": promotion, "amount": "10.00", "description": LEAK}
    v.made("promotion_claim", c.post("/api/v1/promotion-claims", json=claim))


def _ticket(v: Victims, c: TestClient) -> None:
    """A ticket in no queue assigned to rep1 (reps do not work tickets; the administrator
    files it and hands it to them)."""
    with v.api("admin") as admin:
        ticket = v.made("ticket", admin.post("/api/v1/tickets", json={"subject": _named("ticket")}))
        handed = {"owner_id": v.team.users["rep1"]}
        assert admin.post(f"/api/v1/tickets/{ticket}/assign", json=handed).status_code == 200
        admin.post(f"/api/v1/tickets/{ticket}/notes", json={"body": LEAK})


def _key_account(v: Victims, c: TestClient) -> None:
    """The key account pack's kinds, all about rep1's customer."""
    customer = v.ids["customer"]
    body = {"customer_id": customer, "flag_reason": _named("key account")}
    v.made("key_account", c.post("/api/v1/key-accounts", json=body))
    dates = {"start_date": "2026-01-01", "end_date": "2026-12-31"}
    body = {"customer_id": customer, "title": _named("agreement"), **dates}
    v.made("key_account_agreement", c.post("/api/v1/key-account-agreements", json=body))
    usage = {"customer_id": customer, "external_id": LEAK, "month": "2026-01-01"}
    body = {**usage, "product": _named("usage"), "amount": "10.00"}
    v.made("key_account_consumption", c.post("/api/v1/key-account-consumption", json=body))
    body = {"customer_id": customer, "title": _named("plan")}
    body |= {"period_start": "2026-01-01", "period_end": "2026-12-31"}
    plan = v.made("key_account_plan", c.post("/api/v1/key-account-plans", json=body))
    goal = {"name": _named("objective"), "target": "100"}
    answer = c.post(f"/api/v1/key-account-plans/{plan}/objectives", json=goal)
    v.made("key_account_objective", answer)


# One builder per registered record kind (the path parameter `<kind>_id`), in build order.
KINDS: dict[str, Callable[[Victims, TestClient], None]] = {
    "customer": _customer,
    "contact": _contact,
    "lead": _lead,
    "action": _action,
    "opportunity": _opportunity,
    "quote": _quote,
    "order": _order,
    "product": _product,
    "price_list": _price_list,
    "article": _article,
    "competitor": _competitor,
    "campaign": _campaign,
    "membership_member": _member,
    "membership_transaction": lambda v, c: None,  # made with its member
    "promotion_outlet": _outlet,
    "promotion_plan": lambda v, c: None,  # made with the outlet
    "promotion_visit": lambda v, c: None,
    "promotion_audit_value": lambda v, c: None,
    "promotion_promotion": lambda v, c: None,
    "promotion_claim": lambda v, c: None,
    "promotion_competitor_observation": lambda v, c: None,
    "ticket": _ticket,
    "key_account": _key_account,
    "key_account_agreement": lambda v, c: None,  # made with the key account
    "key_account_consumption": lambda v, c: None,
    "key_account_plan": lambda v, c: None,
    "project_sales_criterion": _criterion,
}


def _group(v: Victims, c: TestClient) -> None:
    group = v.made("group", c.post("/api/v1/customer-groups", json={"name": f"{WORD} group"}))
    members = {"customer_ids": [v.ids["customer"]]}
    assert c.post(f"/api/v1/customer-groups/{group}/members", json=members).status_code == 201


def _file(v: Victims, c: TestClient) -> None:
    upload = {"file": (f"{LEAK}.txt", io.BytesIO(LEAK.encode()), "text/plain")}
    form = {"kind": "customer", "record_id": str(v.ids["customer"])}
    v.made("file", c.post("/api/v1/files", data=form, files=upload))


def _import(v: Victims, c: TestClient) -> None:
    csv = f"name\n{_named('import')}\n".encode()
    upload = {"file": ("customers.csv", io.BytesIO(csv), "text/csv")}
    with v.api("east_mgr") as manager:  # reps may not import
        v.made("import", manager.post("/api/v1/imports", data={"kind": "customer"}, files=upload))


def _job(v: Victims, c: TestClient) -> None:
    with v.api("east_mgr") as manager:  # reps may not export
        v.made("job", manager.post("/api/v1/customers/export", params={"q": WORD}))


def _view(v: Victims, c: TestClient) -> None:
    body = {"kind": "customer", "name": _named("view")}
    v.made("view", c.post("/api/v1/views", json=body))


def _saved_report(v: Victims, c: TestClient) -> None:
    body = {"title": _named("report"), "kind": "customer", "dimensions": ["stage"]}
    v.made("saved_report", c.post("/api/v1/reports/saved", json=body))


def _token(v: Victims, c: TestClient) -> None:
    created = c.post("/api/v1/tokens", json={"name": _named("token")})
    assert created.status_code == 201, created.text
    v.ids["token"] = created.json()["info"]["id"]


def _quota(v: Victims, c: TestClient) -> None:
    body = {
        "target_type": "user",
        "target_id": v.team.users["rep1"],
        "period": "month",
        "period_start": "2026-01-01",
        "amount": "1000.00",
    }
    with v.api("east_mgr") as manager:
        v.made("quota", manager.post("/api/v1/quotas", json=body))


def _mail(v: Victims, c: TestClient) -> None:
    """rep1's mail account and a mail in it, with an attachment (fetching writes these)."""
    body = {"name": _named("mailbox"), "email": "rep1@example.com", "smtp_host": "127.0.0.1"}
    account_id = v.made("mail_account", c.post("/api/v1/mail/accounts", json=body))
    raw = EmailMessage()
    raw["From"], raw["To"], raw["Subject"] = "x@example.com", "rep1@example.com", _named("mail")
    raw["Message-ID"] = "<victim@example.com>"
    raw.set_content(LEAK)
    raw.add_attachment(LEAK.encode(), maintype="text", subtype="plain", filename="leak.txt")
    with v.team.ctx(None) as ctx:
        account = ctx.session.get(MailAccount, account_id)
        parsed = parse(raw.as_bytes(), received=ctx.now())
        message, _ = store(ctx.session, parsed, account=account, direction="in", now=ctx.now())
        v.ids["mail"] = message.id
        v.ids["mail_attachment"] = attachments(ctx, message)[0].id


def _sms(v: Victims, c: TestClient) -> None:
    """An SMS rep1 sent to their customer (through the default log gateway)."""
    with v.api("admin") as admin:
        # A shared setting everyone with the module reads: no LEAK in it.
        body = {"name": "sms sample", "code": "SMS_1", "params": {"n": "{{ customer.name }}"}}
        template_id = v.made("sms_template", admin.post("/api/v1/sms/templates", json=body))
    send = {"template_id": template_id, "kind": "customer", "record_id": v.ids["customer"]}
    v.made("sms", c.post("/api/v1/sms/send", json={**send, "number": "13800138000"}))


def _mass_mail(v: Victims, c: TestClient) -> None:
    """A mass send rep1 started (as `send_mass` stores it, without a mail server to reach)."""
    with v.team.ctx(None) as ctx:
        send = MassSend(
            name=_named("mass mail"),
            subject=LEAK,
            body=LEAK,
            kind="customer",
            created_by_id=v.team.users["rep1"],
        )
        ctx.session.add(send)
        ctx.session.flush()
        v.ids["mass_mail"] = send.id


def _subscription(v: Victims, c: TestClient) -> None:
    """rep1's daily mail of a report (kht.delivery)."""
    body = {"report_key": "customers.by_stage", "frequency": "daily"}
    v.made("subscription", c.post("/api/v1/subscriptions", json=body))


def _people(v: Victims, c: TestClient) -> None:
    """rep1 themselves, their role and department: user administration's records."""
    with v.team.ctx(None) as ctx:
        user = ctx.session.get(User, v.team.users["rep1"])
        v.ids["user"] = user.id
        v.ids["role"] = ctx.session.scalar(select(Role.id).where(Role.key == "sales_rep"))
        v.ids["department"] = ctx.session.scalar(
            select(Department.id).where(Department.name == "East")
        )
        # A reminder for rep1 (the worker writes these; no route creates one).
        note = Notification(user_id=user.id, title=_named("notification"), kind="action")
        ctx.session.add(note)
        ctx.session.flush()
        v.ids["notification"] = note.id


# Id parameters that are not `<kind>_id` of a record kind: parameter name -> sample name.
OTHERS: dict[str, str] = {
    "file_id": "file",
    "import_id": "import",
    "job_id": "job",
    "view_id": "view",
    "report_id": "saved_report",
    "token_id": "token",
    "quota_id": "quota",
    "plan_id": "plan",
    "payment_id": "payment",
    "user_id": "user",
    "role_id": "role",
    "department_id": "department",
    "notification_id": "notification",
    "account_id": "mail_account",
    "message_id": "mail",
    "attachment_id": "mail_attachment",
    "sms_id": "sms",
    "send_id": "mass_mail",
    "subscription_id": "subscription",
    "cost_id": "cost",
    "record_id": "customer",  # with {kind} = customer: timelines, scores
    "member_id": "membership_member",  # the membership pack's till and points routes
    "outlet_id": "promotion_outlet",  # the promotion pack's visit, plan and claim routes
    "visit_id": "promotion_visit",
    "visit_plan_id": "promotion_plan",
    "promotion_id": "promotion_promotion",
    "claim_id": "promotion_claim",
    "observation_id": "promotion_competitor_observation",
    "objective_id": "key_account_objective",  # an objective of a key account plan
}

# Ids that are not owned records: settings and catalogue entries every role with the module
# reads (reading them as an outsider may answer 200), while changing them needs a right the
# outsiders lack (403), so the matrix still sends every write. Also the non-id parameters.
NOT_RECORD_SCOPED: dict[str, str] = {
    "product_id": "the product catalogue: every role with products sees all of it",
    "list_id": "price lists: part of the catalogue",
    "article_id": "knowledge articles: shared; readers see the published ones, editors all",
    "competitor_id": "competitors: shared; sales roles read and add them, administrators edit",
    "project_sales_criterion_id": "scorecard criteria: shared settings every project reads",
    "item_id": "price list items: part of the catalogue",
    "template_id": "quote print templates: shared settings of the quotes module",
    "mail_template_id": "mail templates: shared settings, mail administrators change them",
    "process_id": "sales processes: shared settings, administrators change them",
    "field_id": "custom field definitions: shared settings",
    "rule_id": "automation rules: company settings, administrators only (users: admin)",
    "category_id": "customer categories: shared settings",
    "tag_id": "tag names are shared vocabulary; deleting one needs `admin` on customers",
    "group_id": "group names are shared vocabulary; members sent are the other team's",
    "unit_id": "branches and business lines: the organisation, users module only",
    "unit": "the kind of organisational unit (branches, business-lines), not an id",
    "kind": "a record kind's name, not an id",
    "owner": "a settings owner's name (a module or pack), not an id; its permission modules decide",
    "key": "a list column's key (inline cell edits), not an id",
    "name": "an installed plugin's name (/admin/plugins, administrators only), not an id",
    "webhook_id": "webhook subscriptions: settings only administrators read or change",
    "token": "an SMS callback's token, not an id (a wrong one is a 404)",
    "number": "a phone number (SMS opt-outs, SMS administrators only), not an id",
    "email": "an address on the mail suppression list (mail administrators only), not an id",
    "file_path": "static files",
    "path": "the OpenAPI document",
    "queue_id": "service queues: settings every role with tickets reads, administrators change",
    "policy_id": "SLA policies: settings every role with tickets reads, administrators change",
    "day": "company days of the SLA calendar: a date, settings administrators of tickets change",
    "to": "a ticket status to move to, not an id",
    "role": "a role's key (its default dashboard, administrators only), not an id",
    "widget_id": "a widget of the caller's own dashboard layout (nobody else's), not a record",
    "territory_id": "promotion territories: the tree every promotion user reads; a manager "
    "changes only nodes their own team's reps work (403 otherwise)",
    "step": "a workflow step of a visit plan or a cost claim (submit, approve, reject)",
    "move": "a move of a plan's stop (up, down, remove), not an id",
}
# What the matrix puts in the parameters that are words, not ids.
WORDS = {
    "kind": "customer",
    "unit": "branches",
    "key": "name",
    "name": "membership",
    "token": "not-the-callback-token",
    "number": "+8613800138000",
    "email": "victim@example.com",
    "to": "closed",
    "role": "sales_rep",
    "widget_id": "gone0",  # no such widget in anyone's layout: a 404 like a missing id
    "step": "approve",
    "move": "up",
}

# Samples of the shared settings: the first row of each (seeded or made by `_shared`).
SHARED_MODELS: dict[str, Any] = {
    "template_id": QuoteTemplate,
    "mail_template_id": MailTemplate,
    "process_id": Process,
    "field_id": CustomField,
    "category_id": CustomerCategory,
    "tag_id": Tag,
    "unit_id": Branch,
    "rule_id": AutomationRule,
    "webhook_id": WebhookSubscription,
    "queue_id": Queue,
    "policy_id": SlaPolicy,
}


def _shared(v: Victims, c: TestClient) -> None:
    """A tag on rep1's customer, a branch, a custom field and an automation rule; the first
    row of each setting."""
    tagged = {"action": "tag", "add_tags": [f"{WORD}tag"], "ids": [v.ids["customer"]]}
    assert c.post("/api/v1/customers/bulk", json=tagged).status_code in (200, 201)
    with v.api("admin") as admin:
        admin.post("/api/v1/branches", json={"name": f"{WORD} branch"})
        field = {"kind": "customer", "name": "victim_note", "label_zh": "备注", "label_en": "Note"}
        admin.post("/api/v1/custom-fields", json={**field, "type": "text"})
        rule = {
            "name": f"{WORD} rule",
            "kind": "customer",
            "trigger": {"type": "record_created"},
            "actions": [{"type": "notify", "params": {"title": "new"}}],
        }
        admin.post("/api/v1/automation/rules", json=rule)
        hook = {"name": f"{WORD} hook", "url": "https://example.com/h", "events": ["order.placed"]}
        admin.post("/api/v1/webhooks", json=hook)
    with v.team.ctx(None) as ctx:
        for param, model in SHARED_MODELS.items():
            found = ctx.session.scalar(select(model.id).order_by(model.id).limit(1))
            v.ids[param] = found if found is not None else MISSING


BUILDERS: tuple[Callable[[Victims, TestClient], None], ...] = (
    *KINDS.values(),
    _group,
    _file,
    _import,
    _job,
    _view,
    _saved_report,
    _token,
    _quota,
    _mail,
    _sms,
    _mass_mail,
    _subscription,
    _people,
    _shared,
)


def build_victims(team: Team) -> Victims:
    """rep1's sample of every kind, made through the API as rep1 (admin for the catalogue)."""
    victims = Victims(team=team)
    with victims.api() as rep1:
        for build in BUILDERS:
            build(victims, rep1)
    return victims


# The outsiders: another team's rep and manager, and a role without any module.
PERSONAS = ("west_rep", "west_mgr", "nomod")


def add_outsiders(team: Team) -> None:
    """The West manager and a user whose role grants nothing, beside the team's West rep."""
    with team.ctx(None) as ctx:
        ctx.session.add(Role(key="nomod", name_zh="无模块", name_en="No module", grants={}))
    team.users["west_mgr"] = add_user(
        team.runtime, "west_mgr", "sales_manager", department="Sales/West"
    )
    team.users["nomod"] = add_user(team.runtime, "nomod", "nomod", department="Sales/West")


def ui_client(team: Team, login: str) -> TestClient:
    """A logged-in browser-like client sending its CSRF token on every request."""
    client = TestClient(team.app)
    client.__enter__()
    log_in(client, login)
    client.headers["x-csrftoken"] = client.cookies.get("kht_csrf", "")
    return client
