"""Competitors are one shared record kind: every rep reads and adds them, names are unique,
and an opportunity's competitors are links to them (its `competitors` text is their names)."""

from __future__ import annotations

from kht.testing import page_client
from tests.competitors.conftest import competitor, opportunity


def test_a_rep_records_a_competitor_everyone_then_reads(team):
    made = competitor(
        team,
        "华为",
        products="交换机、服务器",
        price_positioning="mid",
        strengths="全国服务网络",
        weaknesses="定制慢",
    )
    assert made["owner_id"] is None  # shared, not the rep's own
    with team.client("rep2") as other:
        listed = other.get("/api/v1/competitors", params={"q": "服务器"}).json()
        same_name = other.post("/api/v1/competitors", json={"name": "  华为 "})
        bad = {"name": "X", "price_positioning": "cheap"}
        bad_price = other.post("/api/v1/competitors", json=bad)
    assert [c["name"] for c in listed["items"]] == ["华为"]
    assert listed["items"][0]["price_positioning"] == "mid"
    assert (same_name.status_code, same_name.json()["field"]) == (422, "name")
    assert (bad_price.status_code, bad_price.json()["field"]) == (422, "price_positioning")


def test_reps_and_managers_add_competitors_administrators_change_them(team):
    made = competitor(team, "Cisco")
    change = {"version": made["version"], "name": "思科"}
    for login in ("rep1", "east_mgr", "mkt"):
        with team.client(login) as client:
            assert client.get(f"/api/v1/competitors/{made['id']}").status_code == 200
            edit = client.patch(f"/api/v1/competitors/{made['id']}", json=change)
            gone = client.delete(f"/api/v1/competitors/{made['id']}")
        assert (login, edit.status_code, gone.status_code) == (login, 403, 403)
    with team.client("mkt") as mkt:
        assert mkt.post("/api/v1/competitors", json={"name": "浪潮"}).status_code == 403
    with team.client("admin") as admin:
        assert admin.patch(f"/api/v1/competitors/{made['id']}", json=change).status_code == 200


def test_an_opportunity_links_its_competitors_and_shows_their_names(team):
    huawei, cisco = competitor(team, "华为"), competitor(team, "Cisco")
    made = opportunity(team, competitor_ids=[huawei["id"], cisco["id"], huawei["id"]])
    assert sorted(made["competitor_ids"]) == sorted([huawei["id"], cisco["id"]])
    assert made["competitors"] == "Cisco, 华为"
    with team.client("rep1") as rep:
        found = rep.get("/api/v1/opportunities", params={"q": "华为"}).json()["items"]
        only_cisco = {"version": made["version"], "competitor_ids": [cisco["id"]]}
        changed = rep.patch(f"/api/v1/opportunities/{made['id']}", json=only_cisco).json()
    assert [o["id"] for o in found] == [made["id"]]
    assert (changed["competitor_ids"], changed["competitors"]) == ([cisco["id"]], "Cisco")
    latest = team.audit("opportunity", made["id"])[0]  # newest first
    assert (latest.action, latest.changes["competitors"]) == ("update", ["Cisco, 华为", "Cisco"])


def test_an_unknown_or_deleted_competitor_is_refused_naming_the_field(team):
    gone = competitor(team, "已倒闭公司")
    with team.client("admin") as manager:
        assert manager.delete(f"/api/v1/competitors/{gone['id']}").status_code in (200, 204)
    body = {"name": "X", "customer_id": team.customers["rep1"], "competitor_ids": [gone["id"]]}
    with team.client("rep1") as rep:
        refused = rep.post("/api/v1/opportunities", json=body)
        unknown = rep.post("/api/v1/opportunities", json={**body, "competitor_ids": [999999]})
        total = rep.get("/api/v1/opportunities").json()["total"]
    assert (refused.status_code, refused.json()["field"]) == (422, "competitor_ids")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "competitor_ids")
    assert total == 0  # nothing half-written


def test_renaming_a_competitor_renames_it_on_its_opportunities(team):
    rival = competitor(team, "H3C")
    made = opportunity(team, competitor_ids=[rival["id"]])
    with team.client("admin") as manager:
        change = {"version": rival["version"], "name": "新华三"}
        assert manager.patch(f"/api/v1/competitors/{rival['id']}", json=change).status_code == 200
    with team.client("rep1") as rep:
        again = rep.get(f"/api/v1/opportunities/{made['id']}").json()
    assert again["competitors"] == "新华三"


def test_the_opportunity_page_adds_and_removes_competitors(team):
    rival = competitor(team, "浪潮")
    made = opportunity(team)
    with page_client(team.app, "rep1") as rep:
        page = rep.get(f"/opportunities/{made['id']}").text
        assert 'id="competitors-panel"' in page and "浪潮" in page
        added = rep.post(
            f"/opportunities/{made['id']}/competitors", data={"competitor_id": str(rival["id"])}
        )
        assert added.status_code == 200  # followed the redirect back to the page
        assert f'data-competitor="{rival["id"]}"' in added.text
        removed = rep.post(f"/opportunities/{made['id']}/competitors/{rival['id']}/remove")
        assert f'data-competitor="{rival["id"]}"' not in removed.text
    with page_client(team.app, "rep2") as outsider:  # another rep's opportunity: a 404, not a link
        answer = outsider.post(
            f"/opportunities/{made['id']}/competitors", data={"competitor_id": str(rival["id"])}
        )
    assert answer.status_code == 404
    with team.client("rep1") as rep:
        assert rep.get(f"/api/v1/opportunities/{made['id']}").json()["competitor_ids"] == []
