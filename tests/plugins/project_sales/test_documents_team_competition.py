"""Team selling through the core's record teams, the document folder with versions,
competitors per project, win/loss with reasons (required on a loss)."""

from __future__ import annotations

from kht.testing import page_client


def upload(sales, project, login="rep1", **form):
    name = form.pop("filename", "proposal.docx")
    content = form.pop("content", b"the proposal")
    files = {"file": (name, content, "application/octet-stream")}
    return sales.upload(login, project, data=form, files=files)


def test_a_new_version_keeps_the_old_ones_with_who_and_when(sales):
    project = sales.project()
    first = upload(sales, project, title="技术方案建议书", doc_type="proposal", content=b"v1")
    assert first.status_code == 201, first.text
    document = first.json()[0]
    again = upload(
        sales, project, document_id=str(document["id"]), content=b"v2", note="按客户意见修改"
    )
    [kept] = again.json()
    assert [v["number"] for v in kept["versions"]] == [2, 1]
    assert kept["versions"][0]["note"] == "按客户意见修改"
    assert {v["uploaded_by_id"] for v in kept["versions"]} == {sales.users["rep1"]}
    with sales.client("rep1") as rep:
        old = rep.get(f"/api/v1/files/{kept['versions'][1]['attachment_id']}/download")
    assert old.content == b"v1"


def test_bad_uploads_are_refused_naming_the_field(sales):
    project = sales.project()
    no_title = upload(sales, project, doc_type="proposal")
    empty = upload(sales, project, title="空文件", content=b"")
    bad_type = upload(sales, project, title="X", doc_type="poem")
    assert (no_title.status_code, no_title.json()["field"]) == (422, "title")
    assert (empty.status_code, empty.json()["field"]) == (422, "file")
    assert (bad_type.status_code, bad_type.json()["field"]) == (422, "doc_type")
    assert sales.api("rep1", "GET", f"{project}/documents").json() == []
    assert upload(sales, project, login="rep2", title="外人").status_code == 404


def test_a_team_member_opens_the_project_and_works_on_it_until_removed(sales):
    project = sales.project()
    assert sales.api("west_rep", "GET", f"{project}/scorecard").status_code == 404
    with sales.client("rep1") as rep:
        body = {"user_id": sales.users["west_rep"], "role": "售前工程师", "access": "edit"}
        assert rep.post(f"/api/v1/record-teams/opportunity/{project}", json=body).status_code == 201
    scored = sales.api("west_rep", "POST", f"{project}/scorecard", json={"scores": {"fit": 4}})
    assert scored.status_code == 200
    assert (
        upload(sales, project, login="west_rep", title="方案", doc_type="proposal").status_code
        == 201
    )
    with page_client(sales.app, "west_rep") as presales:
        assert presales.get(f"/opportunities/{project}").status_code == 200
    with sales.client("rep1") as rep:
        body = {"user_id": sales.users["west_rep"], "role": "售前工程师", "access": "read"}
        rep.post(f"/api/v1/record-teams/opportunity/{project}", json=body)
    refused = sales.api("west_rep", "POST", f"{project}/scorecard", json={"scores": {"fit": 5}})
    assert refused.status_code == 403  # read access: sees, may not change
    with sales.client("rep1") as rep:
        rep.delete(f"/api/v1/record-teams/opportunity/{project}/{sales.users['west_rep']}")
    assert sales.api("west_rep", "GET", f"{project}/scorecard").status_code == 404


def competitor(sales, name):
    with sales.client("rep1") as rep:
        answer = rep.post("/api/v1/competitors", json={"name": name})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_competitors_on_a_project_join_the_opportunitys_competitors(sales):
    project = sales.project()
    huawei = competitor(sales, "华为")
    body = {
        "competitor_id": huawei,
        "offer": "全套华为设备，报价低 10%",
        "strengths": "价格",
        "weaknesses": "集成经验少",
        "strategy": "强调交付与售后",
    }
    rivals = sales.api("rep1", "POST", f"{project}/competitors", json=body).json()
    assert [(r["name"], r["strategy"]) for r in rivals] == [("华为", "强调交付与售后")]
    with sales.client("rep1") as rep:
        assert rep.get(f"/api/v1/opportunities/{project}").json()["competitor_ids"] == [huawei]
    missing = sales.api("rep1", "POST", f"{project}/competitors", json={"competitor_id": 99999})
    assert (missing.status_code, missing.json()["field"]) == (422, "competitor_id")
    assert sales.api("rep1", "DELETE", f"{project}/competitors/{huawei}").status_code == 204
    with sales.client("rep1") as rep:
        assert rep.get(f"/api/v1/opportunities/{project}").json()["competitor_ids"] == []


def test_a_loss_needs_a_reason_and_names_the_winner(sales):
    project = sales.project()
    winner = competitor(sales, "新华三")
    version = sales.version(project)
    no_reason = sales.api(
        "rep1", "POST", f"{project}/close", json={"won": False, "version": version}
    )
    free_text = sales.api(
        "rep1",
        "POST",
        f"{project}/close",
        json={"won": False, "version": version, "reason": "就是输了"},
    )
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert (free_text.status_code, free_text.json()["field"]) == (422, "reason")
    with sales.client("rep1") as rep:
        assert rep.get(f"/api/v1/opportunities/{project}").json()["status"] == "open"
    closed_lost = sales.api(
        "rep1",
        "POST",
        f"{project}/close",
        json={"won": False, "version": version, "reason": "price", "winner_id": winner},
    )
    assert closed_lost.status_code == 200, closed_lost.text
    assert (closed_lost.json()["reason"], closed_lost.json()["winner_id"]) == ("price", winner)
    with sales.client("rep1") as rep:
        closed = rep.get(f"/api/v1/opportunities/{project}").json()
    assert (closed["status"], closed["close_reason"], closed["competitor_ids"]) == (
        "lost",
        "price",
        [winner],
    )
