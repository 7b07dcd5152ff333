"""/admin/automation: the list, the editor (re-rendered when the trigger or an action's type
changes, errors beside their part), runs and preview; administrators only; zh and en."""

from __future__ import annotations

from datetime import date

import pytest

from kht import record_service as records
from kht.contacts.service import SPEC as CONTACTS
from kht.testing import page_client
from tests.automation.conftest import rule


def _form(**fields):
    base = {
        "name": "欢迎",
        "kind": "customer",
        "enabled": "1",
        "trigger": "record_created",
        "conditions": "",
        "a0": "plan_action",
        "a0.subject": "欢迎电话",
        "a0.type": "call",
        "a0.assignee": "owner",
        "a0.due_in_days": "1",
        "a0.due_in_hours": "0",
        "op": "save",
    }
    return {**base, **fields}


def test_the_editor_saves_a_rule_that_then_runs(team):
    admin = page_client(team.app, "admin")
    empty = admin.get("/admin/automation")
    assert empty.status_code == 200 and "新建规则" in empty.text
    editor = admin.get("/admin/automation/new")
    assert editor.status_code == 200 and "记录创建时" in editor.text
    saved = admin.post("/admin/automation/new", data=_form(), follow_redirects=False)
    assert saved.status_code in (302, 303), saved.text
    page = admin.get(saved.headers["location"])
    assert "已保存" in page.text and "安排电话“欢迎电话”，1 天后到期" in page.text
    customer_id = team.customer("页面客户", owner="rep1")
    rule_id = int(saved.headers["location"].split("/")[3].split("?")[0])
    runs = admin.get(f"/admin/automation/{rule_id}/runs")
    assert runs.status_code == 200 and f"/customers/{customer_id}" in runs.text
    assert "已完成" in runs.text
    listing = admin.get("/admin/automation")
    assert "欢迎" in listing.text and "已启用" in listing.text


def test_changing_the_trigger_re_renders_with_its_settings_and_saves_nothing(team):
    admin = page_client(team.app, "admin")
    form = _form(trigger="days_since_contact")
    form.pop("op")
    page = admin.post("/admin/automation/new", data=form)
    assert page.status_code == 200
    assert 'name="t.days"' in page.text and 'name="a0.subject"' in page.text
    assert "欢迎电话" in page.text  # what was typed stays
    assert admin.get("/admin/automation").text.count("/runs") == 0


def test_a_bad_rule_is_shown_beside_its_part(team):
    admin = page_client(team.app, "admin")
    bad = admin.post("/admin/automation/new", data=_form(conditions="nosuchfield:eq:1"))
    assert bad.status_code == 422
    assert 'id="conditions" name="conditions"' in bad.text and "is-invalid" in bad.text
    assert "nosuchfield:eq:1" in bad.text
    missing = admin.post("/admin/automation/new", data=_form(**{"a0.subject": ""}))
    assert missing.status_code == 422 and "actions[0].params.subject" in missing.text


def test_a_stale_editor_is_told_to_reload(team):
    rule_id = rule(
        team, "customer", "record_created", [{"type": "notify", "params": {"title": "x"}}]
    )
    admin = page_client(team.app, "admin")
    first = _form(name="一", version="1", a0="notify", **{"a0.title": "x"})
    assert admin.post(
        f"/admin/automation/{rule_id}", data=first, follow_redirects=False
    ).status_code in (302, 303)
    stale = admin.post(f"/admin/automation/{rule_id}", data={**first, "name": "二"})
    assert stale.status_code == 409 and "重新加载" in stale.text


def test_preview_page_lists_due_records_in_english(team):
    rule_id = rule(
        team,
        "contact",
        "date_anniversary",
        [{"type": "notify", "params": {"title": "生日"}}],
        params={"field": "birthday"},
    )
    customer_id = team.customer("预览公司", owner="rep1")
    with team.ctx("admin") as ctx:
        records.create_record(
            ctx,
            CONTACTS,
            {
                "name": "今天生日",
                "customer_id": customer_id,
                "birthday": date(1990, *_today_md(ctx)),
            },
        )
    admin = page_client(team.app, "admin")
    admin.post("/language", data={"language": "en"})
    page = admin.get(f"/admin/automation/{rule_id}/preview")
    assert page.status_code == 200 and "今天生日" in page.text


def _today_md(ctx):
    from kht.automation.engine import company_zone

    today = ctx.now().astimezone(company_zone(ctx.settings)).date()
    return (today.month, min(today.day, 28)) if today.month == 2 else (today.month, today.day)


@pytest.mark.parametrize("path", ["/admin/automation", "/admin/automation/new"])
def test_reps_may_not_open_the_pages(team, path):
    assert page_client(team.app, "rep1").get(path).status_code == 403


def test_the_editor_saves_assignment_rules_and_groups_and_shows_them_again(team):
    from kht.automation.service import get_rule
    from kht.customers import groups

    with team.ctx("admin") as ctx:
        vip = groups.create_group(ctx, "VIP").id
    rep1 = team.users["rep1"]
    form = _form(
        **{
            "a0": "assign_owner",
            "a0.mode": "by_rule",
            "a0.rules": f"address:contains:上海 & kind:eq:company => {rep1}\n\n",
            "a1": "customer_group",
            "a1.add_to": str(vip),
        }
    )
    admin = page_client(team.app, "admin")
    saved = admin.post("/admin/automation/new", data=form, follow_redirects=False)
    assert saved.status_code in (302, 303), saved.text
    rule_id = int(saved.headers["location"].split("/")[3].split("?")[0])
    with team.ctx("admin") as ctx:
        actions = get_rule(ctx, rule_id).actions
    assert actions[0]["params"]["rules"] == [
        {"when": ["address:contains:上海", "kind:eq:company"], "user_id": rep1}
    ]
    assert actions[1]["params"]["add_to"] == [vip]
    page = admin.get(f"/admin/automation/{rule_id}")
    assert f"address:contains:上海 &amp; kind:eq:company =&gt; {rep1}" in page.text
    assert f'<option value="{vip}" selected>VIP</option>' in page.text
    # A line without its user is shown back beside the rules.
    bad = admin.post(
        f"/admin/automation/{rule_id}",
        data={**form, "version": "1", "a0.rules": "address:contains:上海"},
    )
    assert bad.status_code == 422 and "is-invalid" in bad.text
