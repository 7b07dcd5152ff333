"""Opportunity pages: the list, the form, the page with its stage path, and the board's
drag-and-drop endpoint (JSON back, so the page can undo a refused move)."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.testing import csrf_token, log_in


def browser(team, login: str) -> TestClient:
    client = TestClient(team.app)
    log_in(client, login)
    return client


def created(team, login="rep1", **values):
    body = {
        "name": "扫描仪项目",
        "customer_id": team.customers[login],
        "amount": "880.00",
        **values,
    }
    return team.client(login).post("/api/v1/opportunities", json=body).json()


def stage_ids(team):
    process = team.client("rep1").get("/api/v1/processes").json()[0]
    return {s["key"]: s["id"] for s in process["stages"]}


def test_creating_from_the_form_opens_the_opportunity_page(team):
    client = browser(team, "rep1")
    customer = team.customers["rep1"]
    form = client.get(f"/opportunities/new?customer_id={customer}")
    assert form.status_code == 200 and "清华同方威视" in form.text
    saved = client.post(
        "/opportunities/new",
        data={
            "_csrf_token": csrf_token(client),
            "customer_id": str(customer),
            "name": "安检门",
            "amount": "12000.50",
            "expected_close": "2026-12-20",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert (
        "安检门" in page.text and "12,000.50" in page.text and 'data-stage="qualify"' in page.text
    )
    bad = client.post(
        "/opportunities/new",
        data={
            "_csrf_token": csrf_token(client),
            "customer_id": str(customer),
            "name": "X",
            "amount": "abc",
        },
    )
    assert bad.status_code == 422 and "amount" in bad.text


def test_the_list_and_the_board_show_the_opportunity(team):
    opp = created(team)
    client = browser(team, "rep1")
    listing = client.get("/opportunities")
    assert listing.status_code == 200 and "扫描仪项目" in listing.text
    board = client.get("/opportunities/board")
    assert board.status_code == 200
    assert f'data-id="{opp["id"]}"' in board.text and "Sortable.min.js" in board.text


def test_dropping_a_card_moves_it_and_a_stale_card_is_refused(team):
    opp = created(team)
    ids = stage_ids(team)
    client = browser(team, "rep1")
    token = csrf_token(client)
    moved = client.post(
        f"/opportunities/{opp['id']}/move",
        data={"_csrf_token": token, "stage_id": str(ids["needs"]), "version": str(opp["version"])},
    )
    assert moved.status_code == 200 and moved.json()["ok"] is True
    stale = client.post(
        f"/opportunities/{opp['id']}/move",
        data={
            "_csrf_token": token,
            "stage_id": str(ids["proposal"]),
            "version": str(opp["version"]),
        },
    )
    assert stale.status_code == 409 and stale.json()["ok"] is False
    lost = client.post(
        f"/opportunities/{opp['id']}/move",
        data={
            "_csrf_token": token,
            "stage_id": str(ids["lost"]),
            "version": str(moved.json()["version"]),
        },
    )
    assert lost.status_code == 422 and lost.json()["field"] == "reason"


def test_a_closed_gate_on_the_page_shows_what_is_missing(team):
    opp = created(team, amount="0.00")
    ids = stage_ids(team)
    team.client("rep1").post(
        f"/api/v1/opportunities/{opp['id']}/stage",
        json={"stage_id": ids["proposal"], "version": opp["version"]},
    )
    client = browser(team, "rep1")
    refused = client.post(
        f"/opportunities/{opp['id']}/stage",
        data={
            "_csrf_token": csrf_token(client),
            "stage_id": str(ids["negotiation"]),
            "version": str(opp["version"] + 1),
        },
    )
    assert refused.status_code == 422
    assert "amount must be filled before leaving Proposal" in refused.text


def test_the_customer_page_lists_its_opportunities(team):
    created(team)
    client = browser(team, "rep1")
    page = client.get(f"/customers/{team.customers['rep1']}")
    assert page.status_code == 200
    assert 'id="customer-opportunities"' in page.text and "扫描仪项目" in page.text


def test_another_reps_opportunity_page_is_not_found(team):
    theirs = created(team, "west_rep")
    client = browser(team, "rep1")
    assert client.get(f"/opportunities/{theirs['id']}").status_code == 404


def test_a_multi_choice_custom_field_reads_as_a_list_of_choices_on_the_page(team):
    from tests.importing.conftest import add_field

    add_field(
        team, "areas", "multi_choice", "领域", "Areas", kind="opportunity", choices=["医疗", "电力"]
    )
    opportunity = created(team, ext={"custom": {"areas": ["医疗", "电力"]}})
    page = browser(team, "rep1").get(f"/opportunities/{opportunity['id']}")
    assert 'data-field="ext.custom.areas">医疗, 电力</dd>' in page.text


def test_the_form_names_the_contact_and_emptying_it_clears_it(team):
    from kht.contacts.schemas import ContactCreate
    from kht.contacts.service import create_contact

    with team.ctx("rep1") as ctx:
        contact = create_contact(
            ctx, ContactCreate(customer_id=team.customers["rep1"], name="王工")
        ).id
    opp = created(team, contact_id=contact)
    client = browser(team, "rep1")
    url = f"/opportunities/{opp['id']}"
    page = client.get(url).text
    assert f'<a href="/contacts/{contact}">王工</a>' in page
    form = client.get(f"{url}/edit").text
    assert f'<option value="{contact}" selected>王工</option>' in form
    data = {"_csrf_token": csrf_token(client), "version": str(opp["version"]), "name": "扫描仪"}
    saved = client.post(f"{url}/edit", data={**data, "contact_id": ""}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    stored = team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}").json()
    assert stored["contact_id"] is None and stored["name"] == "扫描仪"
    assert stored["amount"] == "880.00"  # not on the post: unchanged
