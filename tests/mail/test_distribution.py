"""Distribution of a shared mailbox's mail, end to end through the real dovecot: the matched
owner, sender-domain rules, the default assignee, round robin, the queue, lead capture with
signature parsing, notifications, exactly once on re-fetch, and who sees the queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from kht.actions.models import Notification
from kht.leads.models import Lead
from kht.mail.distribution import parse_signature
from kht.mail.models import MailAssignment, MailFolderState
from tests.mail.conftest import contact, customer, fetch, raw_mail, timeline_mail


def shared_box(team, dovecot, members: list[str], **more: Any) -> tuple[dict, tuple[str, str]]:
    """A shared mailbox on a fresh dovecot mailbox, made by the mail administrator."""
    box = dovecot.user()
    body = {
        "kind": "shared",
        "name": "Sales inbox",
        "email": f"{box[0]}@example.com",
        "login": box[0],
        "password": box[1],
        "imap_host": dovecot.host,
        "imap_port": dovecot.port,
        "imap_security": "none",
        "member_ids": [team.users[m] for m in members],
        **more,
    }
    response = team.client("admin").post("/api/v1/mail/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json(), box


def assignments(team) -> list[tuple[int | None, str, int | None]]:
    with team.ctx(None) as ctx:
        rows = ctx.session.scalars(select(MailAssignment).order_by(MailAssignment.id))
        return [(r.user_id, r.how, r.lead_id) for r in rows]


def mail_notifications(team, login: str) -> list[dict]:
    response = team.client(login).get("/api/v1/notifications")
    assert response.status_code == 200, response.text
    return [n for n in response.json() if n["kind"] == "mail"]


def test_mail_goes_to_the_owner_of_the_matched_record_once_and_notifies(team, dovecot):
    buyer = customer(team, "华东电器", "rep2", email="buyer@huadong.cn")
    other = customer(team, "Contact Co", "east_mgr")
    contact(team, "Ms Lin", other, "lin@contactco.cn", "west_rep")
    account, box = shared_box(team, dovecot, ["rep1"])
    to = f"{box[0]}@example.com"
    dovecot.deliver(*box, raw_mail("Buyer <buyer@huadong.cn>", to, "询价"))
    dovecot.deliver(*box, raw_mail("lin@contactco.cn", to, "Order"))
    assert fetch(team, account["id"]) == {"stored": 2, "error": ""}
    u = team.users
    # The contact's customer's owner wins over the contact's own owner.
    assert assignments(team) == [(u["rep2"], "owner", None), (u["east_mgr"], "owner", None)]
    [note] = mail_notifications(team, "rep2")
    assert "询价" in note["title"] and note["url"].startswith("/mail/")
    assert mail_notifications(team, "rep1") == []
    # Shown on the mail.
    [item] = timeline_mail(team, "rep2", "customer", buyer)
    detail = team.client("rep2").get(f"/api/v1/mail/messages/{item['ref_id']}").json()
    assert [(a["account_id"], a["user_id"], a["how"]) for a in detail["assignments"]] == [
        (account["id"], u["rep2"], "owner")
    ]
    # A re-fetch, also of a folder the server renumbered, neither reassigns nor notifies.
    with team.ctx(None) as ctx:
        ctx.session.execute(update(MailFolderState).values(uidvalidity=1))
    assert fetch(team, account["id"]) == {"stored": 0, "error": ""}
    assert len(assignments(team)) == 2 and len(mail_notifications(team, "rep2")) == 1


def test_rules_then_default_then_round_robin(team, dovecot):
    u = team.users
    account, box = shared_box(
        team,
        dovecot,
        ["rep1", "rep2"],
        assign_rules=[{"domain": "@ACME.cn", "user_id": u["west_rep"]}],
    )
    assert account["assign_rules"] == [{"domain": "acme.cn", "user_id": u["west_rep"]}]
    to = f"{box[0]}@example.com"
    dovecot.deliver(*box, raw_mail("a@acme.cn", to, "rule"))
    for n in range(3):
        dovecot.deliver(*box, raw_mail(f"x{n}@unknown{n}.cn", to, f"rr {n}"))
    assert fetch(team, account["id"])["stored"] == 4
    assert assignments(team) == [
        (u["west_rep"], "rule", None),
        (u["rep1"], "round_robin", None),
        (u["rep2"], "round_robin", None),
        (u["rep1"], "round_robin", None),
    ]
    changed = team.client("admin").patch(
        f"/api/v1/mail/accounts/{account['id']}", json={"default_assignee_id": u["east_mgr"]}
    )
    assert changed.status_code == 200, changed.text
    dovecot.deliver(*box, raw_mail("y@unknown.cn", to, "default"))
    fetch(team, account["id"])
    assert assignments(team)[-1] == (u["east_mgr"], "default", None)
    assert len(mail_notifications(team, "west_rep")) == 1
    assert len(mail_notifications(team, "rep1")) == 2


def test_bad_distribution_settings_are_422(team, dovecot):
    box = dovecot.user()
    base = {"kind": "shared", "name": "S", "email": f"{box[0]}@example.com", "smtp_host": "h"}
    admin = team.client("admin")
    bad_domain = admin.post(
        "/api/v1/mail/accounts", json={**base, "assign_rules": [{"domain": "x", "user_id": 1}]}
    )
    assert bad_domain.status_code == 422 and bad_domain.json()["field"] == "assign_rules"
    nobody = admin.post(
        "/api/v1/mail/accounts",
        json={**base, "assign_rules": [{"domain": "a.cn", "user_id": 99999}]},
    )
    assert nobody.status_code == 422 and nobody.json()["field"] == "assign_rules"
    no_default = admin.post("/api/v1/mail/accounts", json={**base, "default_assignee_id": 99999})
    assert no_default.status_code == 422 and no_default.json()["field"] == "default_assignee_id"
    personal = team.client("rep1").post(
        "/api/v1/mail/accounts",
        json={"name": "Mine", "email": "me@example.com", "smtp_host": "h", "lead_capture": True},
    )
    assert personal.status_code == 422 and personal.json()["field"] == "kind"


def test_without_round_robin_mail_waits_in_the_queue_for_members_only(team, dovecot):
    account, box = shared_box(team, dovecot, ["rep1"], round_robin=False)
    dovecot.deliver(*box, raw_mail("stranger@nowhere.cn", f"{box[0]}@example.com", "Hi"))
    fetch(team, account["id"])
    assert assignments(team) == [(None, "queue", None)]
    url = f"/api/v1/mail/accounts/{account['id']}/queue"
    queued = team.client("rep1").get(url)
    assert queued.status_code == 200 and [m["subject"] for m in queued.json()["items"]] == ["Hi"]
    assert team.client("admin").get(url).json()["total"] == 1
    assert team.client("rep2").get(url).status_code == 404
    assert team.client("rep2").get("/api/v1/mail/accounts/99999/queue").status_code == 404
    assert mail_notifications(team, "rep1") == []
    # Once assigned, mail leaves the queue; an owner-matched mail never enters it.
    customer(team, "Known", "rep2", email="known@known.cn")
    dovecot.deliver(*box, raw_mail("known@known.cn", f"{box[0]}@example.com", "Known"))
    fetch(team, account["id"])
    assert team.client("rep1").get(url).json()["total"] == 1


CHINESE = """王总您好，

我们想采购一批空调，请报价。

此致
敬礼
--
李明 | 采购经理
上海华腾机电设备有限公司
手机：138 1234 5678
地址：上海市浦东新区张江路 88 号
"""

ENGLISH = """Hello,

Could you send a quote for 200 units?

Best regards,
Jane Doe, Purchasing Manager
Northwind Trading Co., Ltd.
Tel: +1 (415) 555-0132
"""


def test_signatures_are_parsed():
    chinese = parse_signature(CHINESE)
    assert (chinese.name, chinese.title) == ("李明", "采购经理")
    assert chinese.company == "上海华腾机电设备有限公司"
    assert chinese.phone == "+8613812345678"
    english = parse_signature(ENGLISH)
    assert (english.name, english.title) == ("Jane Doe", "Purchasing Manager")
    assert english.company == "Northwind Trading Co., Ltd."
    assert english.phone == "+1 415-555-0132"
    assert parse_signature("just a line") == parse_signature("")


def test_lead_capture_from_unknown_senders_exactly_once(team, dovecot):
    u = team.users
    customer(team, "Known", "rep2", email="known@known.cn")
    account, box = shared_box(team, dovecot, ["rep1"], lead_capture=True)
    to = f"{box[0]}@example.com"
    dovecot.deliver(*box, raw_mail("li.ming@huateng.cn", to, "空调询价", CHINESE))
    dovecot.deliver(*box, raw_mail("Jane Doe <jane@northwind.com>", to, "Quote", ENGLISH))
    dovecot.deliver(*box, raw_mail("known@known.cn", to, "Known sender"))
    assert fetch(team, account["id"])["stored"] == 3
    with team.ctx(None) as ctx:
        leads = ctx.session.scalars(select(Lead).order_by(Lead.id)).all()
        captured = [(x.name, x.company, x.title, x.phone, x.email, x.owner_id) for x in leads]
    assert captured == [
        (
            "李明",
            "上海华腾机电设备有限公司",
            "采购经理",
            "+8613812345678",
            "li.ming@huateng.cn",
            u["rep1"],
        ),
        (
            "Jane Doe",
            "Northwind Trading Co., Ltd.",
            "Purchasing Manager",
            "+1 415-555-0132",
            "jane@northwind.com",
            u["rep1"],
        ),
    ]
    rows = assignments(team)
    assert [r[:2] for r in rows] == [(u["rep1"], "round_robin")] * 2 + [(u["rep2"], "owner")]
    assert [r[2] for r in rows] == [leads[0].id, leads[1].id, None]
    # The mail is on the lead's timeline, for its owner.
    [item] = timeline_mail(team, "rep1", "lead", leads[0].id)
    assert item["title"] == "空调询价"
    assert team.client("rep1").get(f"/api/v1/leads/{leads[0].id}").json()["owner_id"] == u["rep1"]
    # A re-fetch creates no second lead, assignment or notification.
    with team.ctx(None) as ctx:
        ctx.session.execute(update(MailFolderState).values(uidvalidity=1))
    assert fetch(team, account["id"]) == {"stored": 0, "error": ""}
    with team.ctx(None) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Lead)) == 2
        notes = ctx.session.scalar(
            select(func.count()).where(
                Notification.kind == "mail", Notification.user_id == u["rep1"]
            )
        )
    assert notes == 2 and len(assignments(team)) == 3


def test_pages_show_the_assignee_and_the_queue(team, dovecot):
    customer(team, "Known", "rep2", email="known@known.cn")
    account, box = shared_box(team, dovecot, ["rep1"], round_robin=False)
    to = f"{box[0]}@example.com"
    dovecot.deliver(*box, raw_mail("known@known.cn", to, "Owned mail"))
    dovecot.deliver(*box, raw_mail("stranger@nowhere.cn", to, "Waiting mail"))
    fetch(team, account["id"])
    with team.ctx(None) as ctx:
        owned, waiting = ctx.session.scalars(
            select(MailAssignment.message_id).order_by(MailAssignment.id)
        ).all()
    with team.browser("rep1") as browser:
        queue = browser.get(f"/mail?account_id={account['id']}&queued=1")
        assert queue.status_code == 200
        assert "Waiting mail" in queue.text and "Owned mail" not in queue.text
        page = browser.get(f"/mail/{waiting}")
        assert "等待分配" in page.text and "Sales inbox" in page.text
        page = browser.get(f"/mail/{owned}")
        assert "匹配记录的负责人" in page.text
    with team.browser("rep2") as browser:
        assert browser.get(f"/mail?account_id={account['id']}&queued=1").status_code == 404
        assert "匹配记录的负责人" in browser.get(f"/mail/{owned}").text
