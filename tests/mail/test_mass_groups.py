"""Mass mail to a static customer group and to a campaign's members, on the real SMTP
server: only the members the sender may see get it, and a campaign's members follow the
tracking."""

from __future__ import annotations

from kht.customers import groups
from tests.mail.conftest import customer
from tests.mail.test_mass import mass, stats, template
from tests.mail.test_send_and_permissions import smtp_account


def _group(team, name: str, *customer_ids: int) -> int:
    with team.ctx("admin") as ctx:
        group = groups.create_group(ctx, name)
        groups.add_members(ctx, group.id, list(customer_ids))
        return group.id


def test_a_static_group_gets_the_mail_and_nobody_else(team, smtp):
    controller, inbox = smtp
    inside = customer(team, "组内甲", "rep1", email="in@jia.cn")
    customer(team, "组外乙", "rep1", email="out@yi.cn")
    others = customer(team, "组内丁", "rep2", email="d@ding.cn")  # in the group, not rep1's
    group_id = _group(team, "重点客户", inside, others)
    account = smtp_account(team, "rep1", controller)
    template_id = template(team)
    counted = team.client("rep1").post(
        "/api/v1/mail/mass/count",
        json={"kind": "customer", "template_id": template_id, "group_id": group_id},
    )
    assert counted.json() == {"records": 1, "addresses": 1, "suppressed": 0}
    send = mass(team, "rep1", template_id=template_id, account_id=account["id"], group_id=group_id)
    assert [r for r, _ in inbox.messages] == [["in@jia.cn"]]
    assert stats(team, "rep1", send["id"])["sent"] == 1
    # The group is kept with the send's filters.
    detail = team.client("rep1").get(f"/api/v1/mail/mass/{send['id']}").json()
    assert f"group:eq:{group_id}" in detail["filters"]


def test_bad_groups_are_422_naming_group_id(team, smtp):
    controller, _ = smtp
    account = smtp_account(team, "rep1", controller)
    template_id = template(team)
    empty = _group(team, "空组")
    api = team.client("rep1")
    body = {"kind": "customer", "template_id": template_id, "account_id": account["id"]}
    for changes in ({"group_id": 999}, {"group_id": empty, "kind": "lead"}, {"group_id": empty}):
        answer = api.post("/api/v1/mail/mass", json={**body, **changes})
        assert answer.status_code == 422, (changes, answer.text)
        assert answer.json()["field"] == "group_id"


def test_a_campaigns_members_get_the_mail_and_move_with_the_tracking(team, smtp):
    controller, inbox = smtp
    member = customer(team, "会员甲", "rep1", email="m@jia.cn")
    customer(team, "非成员乙", "rep1", email="n@yi.cn")
    admin = team.client("admin")
    campaign = admin.post("/api/v1/campaigns", json={"name": "春季邮件", "channel": "email"})
    assert campaign.status_code == 201, campaign.text
    campaign_id = campaign.json()["id"]
    added = admin.post(
        f"/api/v1/campaigns/{campaign_id}/members",
        json={"kind": "customer", "record_id": member, "status": "targeted"},
    )
    assert added.status_code == 201, added.text
    account = smtp_account(team, "admin", controller)
    template_id = template(team)
    send = mass(
        team, "admin", template_id=template_id, account_id=account["id"], campaign_id=campaign_id
    )
    assert [r for r, _ in inbox.messages] == [["m@jia.cn"]]
    assert send["origin"] == f"campaign:{campaign_id}"
    members = admin.get(f"/api/v1/campaigns/{campaign_id}/members").json()
    rows = members["items"] if isinstance(members, dict) else members
    assert [(m["record_id"], m["status"]) for m in rows] == [(member, "sent")]
    missing = team.client("admin").post(
        "/api/v1/mail/mass",
        json={
            **{"kind": "customer", "template_id": template_id},
            "campaign_id": 999,
            "account_id": account["id"],
        },
    )
    assert missing.status_code == 422 and missing.json()["field"] == "campaign_id"
