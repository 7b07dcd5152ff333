"""The qualification scorecard (weighted arithmetic, history, value model) and the project
process's gates: blocked by the score, by a missing decision maker, by a missing proposal
document (and the core's visit), each message naming what is missing."""

from __future__ import annotations

from decimal import Decimal

from plugins.project_sales.scorecard import weighted_total

ALL_FIVES = {
    k: 5 for k in ("fit", "budget", "authority", "need", "timing", "competition", "relationship")
}


def test_the_weighted_total_is_the_share_of_the_possible_points():
    weights = {"fit": 2, "budget": 2, "timing": 1}  # possible: 5 x 5 = 25
    assert weighted_total(weights, {"fit": 5, "budget": 5, "timing": 5}) == 100
    assert weighted_total(weights, {"fit": 4, "budget": 2}) == 48  # (8 + 4) / 25
    assert weighted_total(weights, {"timing": 1}) == 4  # unscored criteria count 0
    assert weighted_total(weights, {"fit": 1, "budget": 1, "timing": 2}) == 24  # 6 / 25
    assert weighted_total({"a": 3}, {"a": 1}) == 20  # half up: 3/15 = 20
    assert weighted_total({}, {}) == 0


def test_scoring_keeps_the_history_and_the_latest_score_counts(sales):
    project = sales.project()
    first = sales.api(
        "rep1",
        "POST",
        f"{project}/scorecard",
        json={"scores": {"fit": 4, "budget": 2}, "note": "初访"},
    )
    assert first.status_code == 200, first.text
    # weights fit 2, budget 2, authority 2, need 2, timing 1, competition 1, relationship 1:
    # possible 11 x 5 = 55; 2x4 + 2x2 = 12 -> 21.8 -> 22
    assert first.json()["total"] == 22
    again = sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"budget": 5}})
    assert again.json()["total"] == 33  # 8 + 10 = 18 / 55 = 32.7
    history = sales.api("rep1", "GET", f"{project}/scorecard/history").json()
    assert [(h["criterion_key"], h["score"], h["total_after"]) for h in history] == [
        ("fit", 4, 15),
        ("budget", 2, 22),
        ("budget", 5, 33),
    ]
    card = {
        c["key"]: c["score"]
        for c in sales.api("rep1", "GET", f"{project}/scorecard").json()["criteria"]
    }
    assert (card["fit"], card["budget"], card["need"]) == (4, 5, None)


def test_bad_scores_are_refused_naming_the_field_and_nothing_is_kept(sales):
    project = sales.project()
    too_high = sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"fit": 6}})
    unknown = sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"luck": 3}})
    empty = sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {}})
    assert too_high.status_code in (400, 422)
    assert (unknown.status_code, unknown.json()["field"]) == (422, "scores")
    assert (empty.status_code, empty.json()["field"]) == (422, "scores")
    assert sales.api("rep1", "GET", f"{project}/scorecard/history").json() == []
    outsider = sales.api("rep2", "POST", f"{project}/scorecard", json={"scores": {"fit": 5}})
    assert outsider.status_code == 404


def test_the_project_value_model_is_the_weighted_scorecard_explained(sales):
    project = sales.project()
    sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"fit": 5, "need": 3}})
    with sales.client("rep1") as rep:
        scores = rep.get(f"/api/v1/scores/opportunity/{project}").json()
    [model] = [s for s in scores if s["model_key"] == "project_sales.scorecard"]
    assert float(model["score"]) == 29  # (10 + 6) / 55, kept in step when scored
    parts = {p["label_en"]: p for p in model["parts"]}
    assert parts["Fit"]["explanation_en"] == "5/5 × weight 2"
    assert parts["Budget"]["explanation_en"] == "0/5 × weight 2 (not scored)"


def test_leaving_qualification_needs_the_minimum_score_and_a_decision_maker(sales):
    project = sales.project()
    refused = sales.move(project, "solution")
    assert refused.status_code == 422
    message = refused.json()["message"]
    assert "a scorecard of at least 60 is needed before leaving Qualification: it is 0" in message
    assert "a decision maker must be on the committee before leaving Qualification" in message

    assert (
        sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": ALL_FIVES}).status_code
        == 200
    )
    only_committee = sales.move(project, "solution")
    assert only_committee.status_code == 422
    assert only_committee.json()["message"] == (
        "a decision maker must be on the committee before leaving Qualification"
    )
    member = {"contact_id": sales.contacts["王院长"], "role": "decision_maker", "influence": 5}
    assert sales.api("rep1", "POST", f"{project}/committee", json=member).status_code == 200
    assert sales.move(project, "solution").status_code == 200


def test_a_low_score_alone_holds_the_project_back(sales):
    project = sales.project()
    member = {"contact_id": sales.contacts["王院长"], "role": "decision_maker"}
    sales.api("rep1", "POST", f"{project}/committee", json=member)
    sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"fit": 5, "budget": 5}})
    refused = sales.move(project, "solution")
    assert refused.json()["message"] == (
        "a scorecard of at least 60 is needed before leaving Qualification: it is 36"
    )


def _qualified(sales) -> int:
    project = sales.project()
    sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": ALL_FIVES})
    member = {"contact_id": sales.contacts["王院长"], "role": "decision_maker"}
    sales.api("rep1", "POST", f"{project}/committee", json=member)
    assert sales.move(project, "solution").status_code == 200
    assert sales.move(project, "proposal").status_code == 200
    return project


def test_leaving_the_proposal_needs_the_proposal_uploaded_and_a_visit(sales):
    project = _qualified(sales)
    refused = sales.move(project, "negotiation")
    message = refused.json()["message"]
    assert "a visit action must be logged before leaving Proposal" in message
    assert "a proposal document must be uploaded before leaving Proposal" in message

    with sales.client("rep1") as rep:
        visit = {
            "type": "visit",
            "kind": "opportunity",
            "record_id": project,
            "subject": "方案汇报",
            "status": "done",
        }
        assert rep.post("/api/v1/actions", json=visit).status_code == 201
    other = {"title": "技术白皮书", "doc_type": "technical"}
    files = {"file": ("white.pdf", b"%PDF-1.4 white", "application/pdf")}
    assert sales.upload("rep1", project, data=other, files=files).status_code == 201
    still = sales.move(project, "negotiation")
    assert still.json()["message"] == "a proposal document must be uploaded before leaving Proposal"
    proposal = {"title": "技术方案建议书", "doc_type": "proposal"}
    files = {"file": ("proposal.docx", b"v1 of the proposal", "application/octet-stream")}
    assert sales.upload("rep1", project, data=proposal, files=files).status_code == 201
    assert sales.move(project, "negotiation").status_code == 200


def test_the_gates_hold_only_the_packs_process(sales):
    with sales.client("rep1") as rep:
        plain = rep.post(
            "/api/v1/opportunities", json={"name": "普通机会", "customer_id": sales.customer_id}
        ).json()
        stages = rep.get(f"/api/v1/processes/{plain['process_id']}").json()["stages"]
        second = next(
            s for s in stages if s["outcome"] == "open" and s["key"] != plain["stage_key"]
        )
        moved = rep.post(
            f"/api/v1/opportunities/{plain['id']}/stage",
            json={"stage_id": second["id"], "version": plain["version"]},
        )
    assert moved.status_code == 200


def test_the_project_value_is_computed_when_scored_not_on_every_edit(sales, monkeypatch):
    from kht.sales.opportunities.schemas import OpportunityUpdate
    from kht.sales.opportunities.service import update_opportunity
    from plugins.project_sales import scorecard

    project = sales.project()  # a new record is scored once
    runs = []
    real = scorecard.project_value
    monkeypatch.setattr(
        scorecard, "project_value", lambda ctx, record: runs.append(record.id) or real(ctx, record)
    )
    version = sales.version(project)
    with sales.ctx("rep1") as ctx:
        update_opportunity(ctx, project, OpportunityUpdate(version=version, name="改名"))
    assert runs == []  # the name is no input of the scorecard
    scored = sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"fit": 5}})
    assert scored.status_code == 200
    assert runs == [project]
    with sales.ctx("admin") as ctx:
        scorecard.set_criterion(ctx, "fit", weight=4)  # the weights are inputs: rescored
    assert runs == [project, project]
    with sales.client("rep1") as client:
        scores = client.get(f"/api/v1/scores/opportunity/{project}").json()
    # fit 5 x 4 of (4+2+2+2+1+1+1) x 5 = 20 / 65 = 30.8 -> 31
    assert [Decimal(s["score"]) for s in scores] == [Decimal("31")]
