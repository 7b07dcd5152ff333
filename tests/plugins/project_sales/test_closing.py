"""One close for projects, whichever path: the core's API, its board and the pack's close
all keep a listed reason and the pack's outcome; the project's page offers the pack's close
form in place of the core's free-text one; other opportunities close as before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kht.testing import csrf_token, page_client
from plugins.project_sales.models import Outcome


def core_close(sales, project: int, login: str = "rep1", **body: Any) -> Any:
    with sales.client(login) as client:
        body = {"version": sales.version(project, login), **body}
        return client.post(f"/api/v1/opportunities/{project}/close", json=body)


def outcome(sales, project: int) -> tuple[bool, str, int | None, str] | None:
    with sales.ctx(None) as ctx:
        row = ctx.session.scalar(select(Outcome).where(Outcome.opportunity_id == project))
        return None if row is None else (row.won, row.reason, row.winner_id, row.note)


def status(sales, project: int) -> str:
    with sales.client("rep1") as client:
        return client.get(f"/api/v1/opportunities/{project}").json()["status"]


def test_the_core_close_of_a_project_needs_a_listed_reason_and_records_the_outcome(sales):
    project = sales.project()
    free_text = core_close(sales, project, won=False, reason="客户觉得太贵")
    assert (free_text.status_code, free_text.json()["field"]) == (422, "reason")
    assert "budget_cut" in free_text.json()["message"]  # it lists the reasons to choose from
    assert (status(sales, project), outcome(sales, project)) == ("open", None)
    listed = core_close(sales, project, won=False, reason="incumbent")
    assert listed.status_code == 200, listed.text
    assert outcome(sales, project) == (False, "incumbent", None, "")


def test_the_board_is_held_to_the_same_reasons(sales):
    project = sales.project()
    lost = sales.stages()["lost"]
    form = {"stage_id": str(lost), "version": str(sales.version(project)), "reason": "随便"}
    with sales.browser("rep1") as page:
        form["_csrf_token"] = csrf_token(page)
        answer = page.post(f"/opportunities/{project}/move", data=form)
    assert answer.status_code == 422, answer.text
    assert (answer.json()["ok"], answer.json()["field"]) == (False, "reason")
    assert status(sales, project) == "open"


def test_a_reopened_project_drops_its_outcome_and_a_new_close_records_again(sales):
    project = sales.project()
    assert core_close(sales, project, won=False, reason="timing").status_code == 200
    reopened = sales.move(project, "qualify")
    assert reopened.status_code == 409  # a closed deal reopens only when asked to
    body = {"stage_id": sales.stages()["qualify"], "version": sales.version(project)}
    with sales.client("rep1") as client:
        again = client.post(f"/api/v1/opportunities/{project}/stage", json={**body, "reopen": True})
    assert again.status_code == 200, again.text
    assert outcome(sales, project) is None
    version = sales.version(project)
    closed = sales.api(
        "rep1",
        "POST",
        f"{project}/close",
        json={"won": False, "version": version, "reason": "price", "note": "低价中标"},
    )
    assert closed.status_code == 200, closed.text
    assert outcome(sales, project) == (False, "price", None, "低价中标")


def test_a_win_reason_is_optional_but_listed(sales):
    project = sales.project()
    wrong = sales.api(
        "rep1",
        "POST",
        f"{project}/close",
        json={"won": True, "version": sales.version(project), "reason": "luck"},
    )
    assert (wrong.status_code, wrong.json()["field"]) == (422, "reason")
    with sales.ctx("rep1") as ctx:  # the gate is not the point here: the system closes it
        from kht.sales.opportunities.service import close_opportunity

        close_opportunity(ctx, project, won=True)  # as an accepted quote does: no reason
    assert outcome(sales, project) == (True, "", None, "")


def test_other_opportunities_keep_the_free_text_reason(sales):
    with sales.ctx("rep1") as ctx:
        from kht.sales.opportunities.schemas import OpportunityCreate
        from kht.sales.opportunities.service import create_opportunity

        plain = create_opportunity(
            ctx, OpportunityCreate(name="普通机会", customer_id=sales.customer_id)
        ).id
    closed = core_close(sales, plain, won=False, reason="客户觉得太贵")
    assert closed.status_code == 200, closed.text
    assert outcome(sales, plain) is None


def test_the_project_page_offers_the_packs_close_form_only(sales):
    project = sales.project()
    with sales.ctx("rep1") as ctx:
        from kht.sales.opportunities.schemas import OpportunityCreate
        from kht.sales.opportunities.service import create_opportunity

        plain = create_opportunity(
            ctx, OpportunityCreate(name="普通机会", customer_id=sales.customer_id)
        ).id
    with page_client(sales.app, "rep1") as rep:
        page = rep.get(f"/opportunities/{project}").text
        other = rep.get(f"/opportunities/{plain}").text
    assert page.count('id="close-form"') == 1 and 'data-close="project_sales"' in page
    assert 'id="mark-lost"' not in page and "预算削减" in page
    assert 'id="mark-lost"' in other and 'data-close="project_sales"' not in other
    assert core_close(sales, project, won=False, reason="budget_cut").status_code == 200
    with page_client(sales.app, "rep1") as rep:
        closed = rep.get(f"/opportunities/{project}").text
    assert 'id="project-outcome"' in closed and "预算削减" in closed
    assert 'id="close-form"' not in closed
