"""/api/v1/automation/rules: administrators only, every part checked with a 422 naming it,
audited, versioned; runs and the preview; the description in the reader's language."""

from __future__ import annotations

import pytest

from kht.automation import service
from kht.testing import api_client

RULE = {
    "name": "新客户欢迎",
    "kind": "customer",
    "trigger": {"type": "record_created"},
    "conditions": ["name:contains:科技"],
    "actions": [
        {"type": "plan_action", "params": {"subject": "欢迎电话", "type": "call", "due_in_days": 1}}
    ],
}


def _with(**changes):
    return {**RULE, **changes}


def test_rules_round_trip_and_run(team):
    api = team.client("admin")
    created = api.post("/api/v1/automation/rules", json=RULE)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["trigger"] == {"type": "record_created", "params": {}}
    assert body["actions"][0]["params"]["assignee"] == "owner"  # defaults filled in
    assert "欢迎电话" in body["description"] and "名称 包含 科技" in body["description"]
    rule_id = body["id"]
    assert [r["id"] for r in api.get("/api/v1/automation/rules").json()] == [rule_id]
    hit = team.customer("同方科技", owner="rep1")
    team.customer("别家公司", owner="rep1")
    # The run is on the record's timeline, for whoever sees the record.
    timeline = team.client("rep1").get(f"/api/v1/timeline/customer/{hit}").json()
    [item] = [i for i in timeline if i["type"] == "automation"]
    assert item["title"] == "新客户欢迎" and item["body"].startswith("已完成")
    runs = api.get(f"/api/v1/automation/rules/{rule_id}/runs").json()
    assert runs["total"] == 2
    assert sorted(r["status"] for r in runs["items"]) == ["done", "skipped"]
    shown = api.get(f"/api/v1/automation/rules/{rule_id}/preview").json()
    assert [i["title"] for i in shown["items"]] == ["同方科技"] and shown["timed"] is False
    changed = api.patch(
        f"/api/v1/automation/rules/{rule_id}", json={"version": body["version"], "enabled": False}
    )
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    stale = api.patch(
        f"/api/v1/automation/rules/{rule_id}", json={"version": body["version"], "name": "x"}
    )
    assert stale.status_code == 409
    assert [e.action for e in team.audit("automation_rule", rule_id)] == ["update", "create"]
    assert api.delete(f"/api/v1/automation/rules/{rule_id}").status_code == 204
    assert api.get(f"/api/v1/automation/rules/{rule_id}").status_code == 404


def test_the_description_follows_the_readers_language(team):
    rule_id = (
        team.client("admin")
        .post(
            "/api/v1/automation/rules",
            json=_with(
                trigger={
                    "type": "date_anniversary",
                    "params": {"field": "birthday", "offset_days": -3},
                },
                kind="contact",
                conditions=[],
            ),
        )
        .json()["id"]
    )
    with team.ctx("admin") as ctx:
        rule = service.get_rule(ctx, rule_id)
        ctx.language = "zh_CN"
        chinese = service.describe(ctx, rule)
        ctx.language = "en"
        english = service.describe(ctx, rule)
    assert chinese == "对于联系人：生日 周年前 3 天，执行：安排电话“欢迎电话”，1 天后到期"
    assert english == (
        "For Contacts: 3 days before the anniversary of Birthday, "
        "then Plan a Call “欢迎电话” due in 1 days"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"trigger": {"type": "nope"}}, "trigger.type"),
        ({"trigger": {"type": "lead_converted"}}, "trigger.type"),  # not for customers
        (
            {"trigger": {"type": "days_since_contact", "params": {"days": -1}}},
            "trigger.params.days",
        ),
        (
            {"trigger": {"type": "date_anniversary", "params": {"field": "name"}}},
            "trigger.params.field",
        ),
        ({"trigger": {"type": "schedule", "params": {"at": "25:00"}}}, "trigger.params.at"),
        ({"conditions": ["nosuchfield:eq:1"]}, "conditions"),
        ({"conditions": ["owner.department:in:999"]}, "conditions"),
        ({"actions": [{"type": "launch"}]}, "actions[0].type"),
        ({"actions": [{"type": "plan_action", "params": {}}]}, "actions[0].params.subject"),
        (
            {
                "actions": [
                    {
                        "type": "plan_action",
                        "params": {"subject": "x", "assignee": "user", "user_id": 999},
                    }
                ]
            },
            "actions[0].params.user_id",
        ),
        (
            {"actions": [{"type": "set_field", "params": {"field": "owner_id", "value": 1}}]},
            "actions[0].params.field",
        ),
        (
            {"actions": [{"type": "assign_owner", "params": {"mode": "round_robin"}}]},
            "actions[0].params.user_ids",
        ),
        (
            {"actions": [{"type": "move_stage", "params": {"to_stage": "mars"}}]},
            "actions[0].params.to_stage",
        ),
    ],
)
def test_bad_rules_are_422_naming_the_part(team, changes, field):
    answer = team.client("admin").post("/api/v1/automation/rules", json=_with(**changes))
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_only_administrators_manage_rules(team):
    created = team.client("admin").post("/api/v1/automation/rules", json=RULE).json()
    rep = team.client("rep1")
    assert rep.get("/api/v1/automation/rules").status_code == 403
    assert rep.post("/api/v1/automation/rules", json=RULE).status_code == 403
    assert rep.get(f"/api/v1/automation/rules/{created['id']}/runs").status_code == 403


def test_round_robin_assigns_in_turn(team):
    api = team.client("admin")
    users = [team.users["rep1"], team.users["rep2"]]
    api.post(
        "/api/v1/automation/rules",
        json=_with(
            conditions=[],
            actions=[
                {"type": "assign_owner", "params": {"mode": "round_robin", "user_ids": users}}
            ],
        ),
    )
    ids = [team.customer(f"池客户{i}") for i in range(3)]
    owners = [
        api_client(team.app, "admin").get(f"/api/v1/customers/{i}").json()["owner_id"] for i in ids
    ]
    assert owners == [users[0], users[1], users[0]]


def test_conditions_read_as_words_with_field_and_choice_labels(team):
    conditions = ["kind:eq:company", "name:contains:科技", "phone:empty", "kind:in:company,person"]
    created = team.client("admin").post(
        "/api/v1/automation/rules", json=_with(conditions=conditions)
    )
    assert created.status_code == 201, created.text
    with team.ctx("admin") as ctx:
        rule = service.get_rule(ctx, created.json()["id"])
        ctx.language = "zh_CN"
        chinese = service.describe(ctx, rule)
        ctx.language = "en"
        english = service.describe(ctx, rule)

    assert "条件：类型 为 企业 且 名称 包含 科技 且 电话 为空 且 类型 为 企业、个人 之一" in chinese
    assert (
        "if Type is Company and Name contains 科技 and Phone is empty "
        "and Type is one of Company, Person" in english
    )
