"""Campaign members from a file, through the core import (CSV or XLSX, preview, dedupe, row
errors): a contact, customer or lead file with a Campaign column (code, name or id) and a
Campaign status column (key or label, Chinese or English) adds each row's record to the
campaign with that status."""

from __future__ import annotations

from tests.importing.conftest import csv_bytes, run, upload, xlsx_bytes
from tests.marketing.conftest import create


def _members(team, campaign_id):
    listed = team.client("mkt").get(f"/api/v1/campaigns/{campaign_id}/members").json()
    return {(m["kind"], m["name"]): m["status"] for m in listed["items"]}


def test_an_attendance_list_of_contacts_imports_as_members_from_xlsx(team):
    expo = create(team, name="行业峰会", channel="event", code="SUMMIT")
    customer = "清华同方威视技术股份有限公司"
    rows = [
        ["姓名", "客户", "邮箱", "营销活动", "活动状态"],
        ["王建国", customer, "wjg@nuctech.example.cn", "SUMMIT", "已参加"],
        ["Li Si", customer, "lisi@nuctech.example.cn", "行业峰会", "Registered"],
        ["赵六", customer, "zl@nuctech.example.cn", "SUMMIT", ""],  # no status: targeted
    ]
    client = team.client("admin")
    job = upload(client, "峰会签到.xlsx", xlsx_bytes(rows), kind="contact").json()
    # The columns are recognised by their Chinese headers.
    assert job["mapping"]["营销活动"] == "campaign_member"
    assert job["mapping"]["活动状态"] == "campaign_status"
    done = run(client, job["id"]).json()
    assert done["result"]["created"] == 3 and done["result"]["failed"] == 0, (
        done,
        str(done["result"]),
    )
    # The status label reads in either language; a missing one is "targeted".
    assert _members(team, expo["id"]) == {
        ("contact", "王建国"): "attended",
        ("contact", "Li Si"): "registered",
        ("contact", "赵六"): "targeted",
    }
    results = client.get(f"/api/v1/campaigns/{expo['id']}/results").json()
    assert results["members"] == 3 and results["responded"] == 2


def test_leads_with_a_campaign_and_a_status_become_members_and_the_campaigns_leads(team):
    mail = create(team, name="电话营销", channel="telemarketing", code="CALL26")
    rows = [
        ["姓名", "电话", "营销活动", "活动状态"],
        ["孙七", "13800138001", "CALL26", "responded"],
        ["周八", "13800138002", "CALL26", ""],  # the campaign's lead, not a member
    ]
    client = team.client("mkt")
    job = upload(client, "电话结果.csv", csv_bytes(rows), kind="lead").json()
    done = run(client, job["id"]).json()
    assert done["result"]["created"] == 2, done
    assert _members(team, mail["id"]) == {("lead", "孙七"): "responded"}
    assert client.get(f"/api/v1/campaigns/{mail['id']}/results").json()["leads"] == 2


def test_bad_member_rows_are_refused_naming_the_column(team):
    create(team, name="行业峰会", channel="event", code="SUMMIT")
    customer = "清华同方威视技术股份有限公司"
    rows = [
        ["姓名", "客户", "营销活动", "活动状态"],
        ["甲", customer, "SUMMIT", "maybe"],  # not a status
        ["乙", customer, "", "attended"],  # a status without a campaign
        ["丙", customer, "NO-SUCH", "attended"],  # no such campaign
    ]
    client = team.client("admin")
    job = upload(client, "坏数据.csv", csv_bytes(rows), kind="contact").json()
    done = run(client, job["id"]).json()
    assert done["result"]["failed"] == 3 and done["result"]["created"] == 0, done
    errors = client.get(f"/api/v1/imports/{job['id']}/errors.csv")
    assert errors.status_code == 200
    text = errors.text
    assert "活动状态" in text and "营销活动" in text
    # All or nothing: not one contact was written.
    assert client.get("/api/v1/contacts?q=甲").json()["total"] == 0
