"""The buying committee: roles, attitudes, reports-to, and the gaps it flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.testing import page_client
from plugins.project_sales import committee


def member(sales, project, name, role, **more):
    body = {"contact_id": sales.contacts[name], "role": role, **more}
    answer = sales.api("rep1", "POST", f"{project}/committee", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def codes(committee) -> list[tuple[str, int | None]]:
    return [(g["code"], g["contact_id"]) for g in committee["gaps"]]


def test_an_empty_committee_misses_a_decision_maker_and_a_champion(sales):
    project = sales.project()
    committee = sales.api("rep1", "GET", f"{project}/committee").json()
    assert codes(committee) == [("no_decision_maker", None), ("no_champion", None)]


def test_a_strong_opponent_is_flagged_and_a_weak_one_is_not(sales):
    project = sales.project()
    member(sales, project, "王院长", "decision_maker", attitude="supporter", influence=5)
    member(
        sales,
        project,
        "李主任",
        "champion",
        attitude="supporter",
        reports_to_id=sales.contacts["王院长"],
    )
    member(sales, project, "张工程师", "technical_evaluator", attitude="opponent", influence=4)
    committee = member(sales, project, "赵采购", "gatekeeper", attitude="opponent", influence=2)
    assert codes(committee) == [("strong_opponent", sales.contacts["张工程师"])]
    chief = next(m for m in committee["members"] if m["name"] == "李主任")
    assert chief["reports_to_id"] == sales.contacts["王院长"]
    # Posting the same contact again changes them: the engineer came round.
    committee = member(
        sales, project, "张工程师", "technical_evaluator", attitude="supporter", influence=4
    )
    assert codes(committee) == []
    assert len(committee["members"]) == 4


def test_a_key_person_not_contacted_for_the_settings_days_is_flagged_until_an_action(sales):
    project = sales.project()
    member(sales, project, "王院长", "decision_maker")
    member(sales, project, "李主任", "champion")
    member(sales, project, "赵采购", "user", influence=2)  # not a key person: never flagged
    names = {contact_id: name for name, contact_id in sales.contacts.items()}
    month_on = datetime.now(UTC) + timedelta(days=31)  # the settings say 30 days

    def flagged() -> list[tuple[str, str]]:
        with sales.ctx("rep1") as ctx:
            ctx.clock = lambda: month_on
            found = committee.gaps(ctx, committee.members(ctx, project), names)
        return [(g["code"], names[g["contact_id"]]) for g in found]

    assert flagged() == [("not_contacted", "王院长"), ("not_contacted", "李主任")]
    with sales.ctx("rep1") as ctx:
        ctx.clock = lambda: month_on
        call = ActionCreate(
            kind="contact", record_id=sales.contacts["王院长"], type="call", subject="电话"
        )
        log_action(ctx, call)
    assert flagged() == [("not_contacted", "李主任")]


def test_bad_members_are_refused_naming_the_field(sales):
    project = sales.project()
    other_customer = sales.customer("别家公司", "rep2")
    with sales.ctx("rep2") as ctx:
        stranger = create_contact(ctx, ContactCreate(name="外人", customer_id=other_customer)).id
    wrong = sales.api(
        "rep1", "POST", f"{project}/committee", json={"contact_id": stranger, "role": "user"}
    )
    self_boss = sales.api(
        "rep1",
        "POST",
        f"{project}/committee",
        json={
            "contact_id": sales.contacts["王院长"],
            "role": "user",
            "reports_to_id": sales.contacts["王院长"],
        },
    )
    bad_role = sales.api(
        "rep1",
        "POST",
        f"{project}/committee",
        json={"contact_id": sales.contacts["王院长"], "role": "king"},
    )
    assert (wrong.status_code, wrong.json()["field"]) == (422, "contact_id")
    assert (self_boss.status_code, self_boss.json()["field"]) == (422, "reports_to_id")
    assert bad_role.status_code in (400, 422)
    assert sales.api("rep1", "GET", f"{project}/committee").json()["members"] == []


def test_the_project_page_draws_the_committee_chart_with_its_gaps(sales):
    project = sales.project()
    member(sales, project, "李主任", "champion", influence=4)
    with page_client(sales.app, "rep1") as rep:
        page = rep.get(f"/opportunities/{project}").text
    assert 'id="committee-chart"' in page and 'id="committee-data"' in page
    assert 'data-gap="no_decision_maker"' in page
    assert "/static/plugins/project_sales/committee.js" in page


def test_the_page_names_roles_attitudes_and_document_types_in_words_never_keys(sales):
    project = sales.project()
    member(sales, project, "李主任", "decision_maker", attitude="supporter")
    with page_client(sales.app, "rep1") as rep:
        page = rep.get(f"/opportunities/{project}").text
    row = page.split('data-role="decision_maker"', 1)[1].split("</li>", 1)[0]
    assert "决策者" in row and "支持" in row
    assert "decision_maker" not in row and "supporter" not in row
    assert '<option value="economic_buyer">经济决策者</option>' in page
    assert '<option value="proposal">方案建议书</option>' in page
    assert "预算削减" in page  # a loss reason in the close form
