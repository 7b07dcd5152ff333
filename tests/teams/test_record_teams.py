"""Record teams: a member sees the shared record (and what hangs off it) in every read path,
edits it only with edit access, and loses it the moment they are taken off the team.

rep1 (Sales/East) owns the customer; west_mgr (a sales manager of Sales/West, whose scope
does not reach rep1) is put on its team; rep2 and west_rep stay outsiders throughout.
"""

from __future__ import annotations

import csv
import io

import pytest

from kht.testing import add_user, csrf_token
from tests.team import team  # noqa: F401 - the fixture

NAME = "共享大客户同方威视"


@pytest.fixture
def shared(team):  # noqa: F811
    """rep1's customer, a contact, an opportunity, a quote and an action on it."""
    team.users["west_mgr"] = add_user(
        team.runtime, "west_mgr", "sales_manager", department="Sales/West"
    )
    customer = team.customer(NAME, owner="rep1")
    with team.client("rep1") as rep1:
        contact = rep1.post("/api/v1/contacts", json={"customer_id": customer, "name": "联系人甲"})
        deal = rep1.post("/api/v1/opportunities", json={"customer_id": customer, "name": "大项目"})
        quote = rep1.post(
            "/api/v1/quotes",
            json={"customer_id": customer, "opportunity_id": deal.json()["id"], "title": "报价一"},
        )
        action = rep1.post(
            "/api/v1/actions",
            json={"kind": "customer", "record_id": customer, "subject": "拜访记录"},
        )
    for answer in (contact, deal, quote, action):
        assert answer.status_code == 201, answer.text
    return {
        "customer": customer,
        "contact": contact.json()["id"],
        "opportunity": deal.json()["id"],
        "quote": quote.json()["id"],
        "action": action.json()["id"],
    }


def _share(team, login: str, customer: int, user: str, access: str = "read"):  # noqa: F811
    with team.client(login) as client:
        return client.post(
            f"/api/v1/record-teams/customer/{customer}",
            json={"user_id": team.users[user], "role": "技术支持", "access": access},
        )


def _unshare(team, customer: int, user: str):  # noqa: F811
    with team.client("rep1") as rep1:
        return rep1.delete(f"/api/v1/record-teams/customer/{customer}/{team.users[user]}")


def _reads(team, login: str, ids: dict[str, int]) -> dict[str, bool]:  # noqa: F811
    """What `login` can read of the shared customer through each read path."""
    customer = ids["customer"]
    with team.client(login) as client:
        listed = client.get("/api/v1/customers", params={"page_size": 200}).json()["items"]
        found = client.get("/api/v1/search", params={"q": "同方威视"}).json()["items"]
        return {
            "api": client.get(f"/api/v1/customers/{customer}").status_code == 200,
            "list": customer in {c["id"] for c in listed},
            "search": any(h["record_id"] == customer for h in found),
            "contact": client.get(f"/api/v1/contacts/{ids['contact']}").status_code == 200,
            "opportunity": client.get(f"/api/v1/opportunities/{ids['opportunity']}").status_code
            == 200,
            "quote": client.get(f"/api/v1/quotes/{ids['quote']}").status_code == 200,
            "action": client.get(f"/api/v1/actions/{ids['action']}").status_code == 200,
        }


def test_nobody_outside_the_scope_sees_the_record_before_it_is_shared(team, shared):  # noqa: F811
    for login in ("west_mgr", "rep2", "west_rep"):
        assert not any(_reads(team, login, shared).values()), login


def test_a_read_member_sees_the_record_and_what_hangs_off_it_everywhere(team, shared):  # noqa: F811
    assert _share(team, "rep1", shared["customer"], "west_mgr").status_code == 201
    assert all(_reads(team, "west_mgr", shared).values())
    for login in ("rep2", "west_rep"):  # everyone else still gets the 404
        assert not any(_reads(team, login, shared).values()), login


def test_reports_and_exports_count_the_shared_record(team, shared):  # noqa: F811
    def seen(login: str) -> tuple[int, list[str]]:
        with team.client(login) as client:
            report = client.get("/api/v1/reports/customers.by_stage").json()
            exported = client.get(
                "/api/v1/customers/export", params={"format": "csv", "columns": "name"}
            )
        assert exported.status_code == 200, exported.text
        names = [row[0] for row in csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))]
        return report["totals"][0], names

    before, names = seen("west_mgr")
    assert NAME not in names
    _share(team, "rep1", shared["customer"], "west_mgr")
    after, names = seen("west_mgr")
    assert after == before + 1 and NAME in names
    _unshare(team, shared["customer"], "west_mgr")
    assert seen("west_mgr") == (before, [n for n in names if n != NAME])


def test_read_access_does_not_edit_and_edit_access_does(team, shared):  # noqa: F811
    customer = shared["customer"]
    _share(team, "rep1", customer, "west_mgr", "read")
    with team.client("west_mgr") as west:
        version = west.get(f"/api/v1/customers/{customer}").json()["version"]
        refused = west.patch(
            f"/api/v1/customers/{customer}", json={"version": version, "notes": "改"}
        )
        assert refused.status_code == 403
        deleted = west.delete(f"/api/v1/customers/{customer}")
        assert deleted.status_code == 403
    _share(team, "rep1", customer, "west_mgr", "edit")
    with team.client("west_mgr") as west:
        changed = west.patch(
            f"/api/v1/customers/{customer}", json={"version": version, "notes": "改"}
        )
        assert changed.status_code == 200, changed.text
        # Edit access edits; it never deletes or manages the team.
        assert west.delete(f"/api/v1/customers/{customer}").status_code == 403
    assert _share(team, "west_mgr", customer, "rep2").status_code == 403
    with team.client("rep1") as rep1:
        assert rep1.get(f"/api/v1/customers/{customer}").json()["notes"] == "改"


def test_removing_a_member_removes_the_access_at_once(team, shared):  # noqa: F811
    _share(team, "rep1", shared["customer"], "west_mgr")
    assert _reads(team, "west_mgr", shared)["api"]
    assert _unshare(team, shared["customer"], "west_mgr").status_code == 204
    assert not any(_reads(team, "west_mgr", shared).values())
    again = _unshare(team, shared["customer"], "west_mgr")
    assert again.status_code == 404 and again.json()["field"] == "user_id"


def test_the_team_is_listed_and_its_changes_are_in_the_history(team, shared):  # noqa: F811
    customer = shared["customer"]
    _share(team, "rep1", customer, "west_mgr", "edit")
    with team.client("west_mgr") as west:
        members = west.get(f"/api/v1/record-teams/customer/{customer}").json()
    assert [(m["user_id"], m["role"], m["access"]) for m in members["items"]] == [
        (team.users["west_mgr"], "技术支持", "edit")
    ]
    entries = [e.changes["team"] for e in team.audit("customer", customer) if "team" in e.changes]
    assert entries[0] == [[], [f"{team.users['west_mgr']}:edit:技术支持"]]


def test_outsiders_cannot_read_or_change_a_team(team, shared):  # noqa: F811
    customer = shared["customer"]
    with team.client("west_rep") as west:
        assert west.get(f"/api/v1/record-teams/customer/{customer}").status_code == 404
    assert _share(team, "west_rep", customer, "west_rep").status_code == 404
    with team.client("rep1") as rep1:
        assert rep1.get("/api/v1/record-teams/customer/999999").status_code == 404
        assert rep1.get("/api/v1/record-teams/nosuchkind/1").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_id": 999999}, "user_id"),
        ({"user_id": 1, "access": "owner"}, "access"),
        ({"user_id": 1, "role": "x" * 61}, "role"),
    ],
)
def test_bad_members_are_refused_naming_the_field(team, shared, body, field):  # noqa: F811
    with team.client("rep1") as rep1:
        answer = rep1.post(f"/api/v1/record-teams/customer/{shared['customer']}", json=body)
        assert answer.status_code in (400, 422)
        assert field in answer.text
        assert rep1.get(f"/api/v1/record-teams/customer/{shared['customer']}").json()["total"] == 0


def test_the_team_block_on_the_record_page_adds_and_removes_members(team, shared):  # noqa: F811
    customer = shared["customer"]
    page = f"/customers/{customer}"
    with team.browser("west_mgr") as west:
        assert west.get(page).status_code == 404
    with team.browser("rep1") as rep1:
        html = rep1.get(page).text
        assert 'id="team-panel"' in html and 'id="team-add-form"' in html
        token = csrf_token(rep1)
        added = rep1.post(
            f"/record-teams/customer/{customer}/add",
            data={
                "user_id": str(team.users["west_mgr"]),
                "role": "区域负责人",
                "access": "read",
                "next": page,
                "_csrf_token": token,
            },
            follow_redirects=False,
        )
        assert added.status_code == 303, added.text
        assert "区域负责人" in rep1.get(page).text
    with team.browser("west_mgr") as west:
        html = west.get(page).text
        assert NAME in html and "区域负责人" in html
        assert 'id="team-add-form"' not in html  # a member does not manage the team
        assert f'href="/customers/{customer}/edit"' not in html  # read access: no Edit
    with team.browser("rep1") as rep1:
        token = csrf_token(rep1)
        removed = rep1.post(
            f"/record-teams/customer/{customer}/{team.users['west_mgr']}/remove",
            data={"next": page, "_csrf_token": token},
            follow_redirects=False,
        )
        assert removed.status_code == 303
    with team.browser("west_mgr") as west:
        assert west.get(page).status_code == 404


def test_a_member_of_an_opportunity_team_sees_its_quotes_not_the_customer(team, shared):  # noqa: F811
    with team.client("rep1") as rep1:
        added = rep1.post(
            f"/api/v1/record-teams/opportunity/{shared['opportunity']}",
            json={"user_id": team.users["west_mgr"], "access": "read"},
        )
        assert added.status_code == 201, added.text
    seen = _reads(team, "west_mgr", shared)
    assert seen["opportunity"] and seen["quote"]
    assert not seen["api"] and not seen["contact"] and not seen["action"]
