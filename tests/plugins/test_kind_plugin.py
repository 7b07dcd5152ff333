"""A plugin's own record kind gets the whole JSON API from its declaration alone.

`tests/kind_plugin/plugin.py` declares tickets (model, fields, search, schemas) and nothing
else; these tests use the API every core kind has: list, filters, search, views, create,
get, update with the version check, delete, restore, columns, bulk, import, export, and the
data scope.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.team import build_team

PLUGIN = "tests.kind_plugin.plugin"
URL = "/api/v1/helpdesk-tickets"


@pytest.fixture
def team(kht_app):
    """The sales team; the plugin grants sales reps tickets within their department."""
    return build_team(kht_app, plugins=["helpdesk"], extra=[PLUGIN])


def test_create_get_list_and_update_with_the_version_check(team):
    with team.client("rep1") as rep:
        created = rep.post(URL, json={"subject": "Printer jams", "notes": "3rd floor"})
        assert created.status_code == 201, created.text
        ticket = created.json()
        assert ticket["status"] == "open" and ticket["owner_id"] == team.users["rep1"]
        assert rep.get(f"{URL}/{ticket['id']}").json()["subject"] == "Printer jams"

        listed = rep.get(URL).json()
        assert [t["id"] for t in listed["items"]] == [ticket["id"]]
        assert (listed["total"], listed["page"], listed["page_size"]) == (1, 1, 50)

        change = {"version": ticket["version"], "status": "waiting"}
        updated = rep.patch(f"{URL}/{ticket['id']}", json=change)
        assert updated.status_code == 200, updated.text
        assert updated.json()["status"] == "waiting"
        stale = rep.patch(f"{URL}/{ticket['id']}", json={**change, "status": "closed"})
        assert stale.status_code == 409
        assert rep.get(f"{URL}/{ticket['id']}").json()["status"] == "waiting"


def test_bad_input_is_refused_naming_the_field(team):
    with team.client("rep1") as rep:
        assert rep.post(URL, json={"subject": ""}).status_code in (400, 422)
        wrong = rep.post(URL, json={"subject": "Printer", "status": "lost"})
        assert wrong.status_code in (400, 422) and "status" in wrong.text
        assert rep.get(URL, params={"f": "colour:eq:red"}).status_code in (400, 422)


def test_delete_moves_to_the_recycle_bin_and_restore_brings_it_back(team):
    with team.client("rep1") as rep:
        ticket = rep.post(URL, json={"subject": "Broken chair"}).json()
        assert rep.delete(f"{URL}/{ticket['id']}").status_code == 204
        assert rep.get(f"{URL}/{ticket['id']}").status_code == 404
        assert rep.get(URL).json()["total"] == 0
        assert [t["id"] for t in rep.get(URL, params={"deleted": "true"}).json()["items"]] == [
            ticket["id"]
        ]
        restored = rep.post(f"{URL}/{ticket['id']}/restore")
        assert restored.status_code == 200 and restored.json()["deleted_at"] is None
        assert rep.post(f"{URL}/{ticket['id']}/restore").status_code == 409
        assert rep.get(URL).json()["total"] == 1


def test_filters_search_sort_and_saved_views(team):
    with team.client("rep1") as rep:
        for subject, status in (
            ("VPN down", "open"),
            ("Mail slow", "closed"),
            ("VPN slow", "open"),
        ):
            rep.post(URL, json={"subject": subject, "status": status})

        def subjects(**params):
            answer = rep.get(URL, params={"sort": "subject", **params})
            assert answer.status_code == 200, answer.text
            return [t["subject"] for t in answer.json()["items"]]

        assert subjects(f="status:eq:open") == ["VPN down", "VPN slow"]
        assert subjects(q="slow") == ["Mail slow", "VPN slow"]
        assert subjects(q="vpn", f="subject:contains:slow") == ["VPN slow"]
        view = rep.post(
            "/api/v1/views",
            json={
                "kind": "helpdesk_ticket",
                "name": "Closed",
                "filters": [{"field": "status", "op": "eq", "value": "closed"}],
            },
        )
        assert view.status_code == 201, view.text
        assert subjects(view=view.json()["id"]) == ["Mail slow"]


def test_columns_come_from_the_declared_fields(team):
    with team.client("rep1") as rep:
        columns = {c["key"]: c for c in rep.get(f"{URL}/columns").json()}
    assert columns["subject"]["label_en"] == "Subject" and columns["subject"]["type"] == "text"
    assert columns["status"]["type"] == "choice"
    assert columns["status"]["choices"] == ["open", "waiting", "closed"]
    assert {"owner_id", "updated_at", "tag"} <= set(columns)


def test_bulk_sets_a_field_and_tags_a_selection_or_a_whole_filter(team):
    with team.client("rep1") as rep:
        ids = [rep.post(URL, json={"subject": f"Ticket {n}"}).json()["id"] for n in range(3)]
        done = rep.post(
            f"{URL}/bulk",
            json={"action": "set", "ids": ids[:2], "field": "status", "value": "closed"},
        )
        assert done.status_code == 201, done.text
        assert done.json() == {"action": "set", "count": 2}
        closed = rep.get(URL, params={"f": "status:eq:closed"}).json()["items"]
        assert sorted(t["id"] for t in closed) == ids[:2]

        tagged = rep.post(
            f"{URL}/bulk", json={"action": "tag", "f": ["status:eq:open"], "add_tags": ["urgent"]}
        )
        assert tagged.json()["count"] == 1
        assert rep.get(f"{URL}/{ids[2]}").json()["tags"] == ["urgent"]
        assert rep.post(f"{URL}/bulk", json={"action": "group"}).status_code in (400, 422)


def test_another_team_neither_sees_nor_reaches_a_ticket(team):
    with team.client("rep1") as rep:
        ticket = rep.post(URL, json={"subject": "East only"}).json()
    with team.client("rep2") as colleague:  # same department: in scope
        assert colleague.get(f"{URL}/{ticket['id']}").status_code == 200
    with team.client("west_rep") as outsider:
        assert outsider.get(URL).json()["total"] == 0
        assert outsider.get(URL, params={"q": "East"}).json()["items"] == []
        assert outsider.get(f"{URL}/{ticket['id']}").status_code == 404
        change = {"version": ticket["version"], "subject": "mine now"}
        assert outsider.patch(f"{URL}/{ticket['id']}", json=change).status_code == 404
        assert outsider.delete(f"{URL}/{ticket['id']}").status_code == 404
        bulk = {"action": "delete", "ids": [ticket["id"]]}
        assert outsider.post(f"{URL}/bulk", json=bulk).status_code == 404
    with team.client("mkt") as marketing:  # a role without the helpdesk module
        assert marketing.get(URL).status_code == 403


def test_the_list_exports_as_csv(team):
    with team.client("rep1") as rep:
        rep.post(URL, json={"subject": "Export me"})
        exported = rep.get(f"{URL}/export", params={"columns": "subject,status", "raw": "true"})
    assert exported.status_code == 200, exported.text
    assert "Export me" in exported.text and "open" in exported.text


def test_a_csv_file_imports_through_the_declared_fields(team):
    data = "主题,状态\nWi-Fi drops,waiting\n,open\nProjector,closed\n".encode()
    with team.client("rep1") as rep:
        upload = rep.post(
            "/api/v1/imports",
            files={"file": ("tickets.csv", data, "text/csv")},
            data={"kind": "helpdesk_ticket"},
        )
        assert upload.status_code == 201, upload.text
        assert upload.json()["mapping"] == {"主题": "subject", "状态": "status"}
        job = rep.post(f"/api/v1/imports/{upload.json()['id']}/run", json={"commit_valid": True})
        assert job.json()["result"] | {"created": 2, "failed": 1} == job.json()["result"]
        errors = rep.get(f"/api/v1/imports/{upload.json()['id']}/errors.csv").text
        tickets = rep.get(URL, params={"sort": "subject"}).json()["items"]
    assert "subject is required" in errors
    assert [(t["subject"], t["status"]) for t in tickets] == [
        ("Projector", "closed"),
        ("Wi-Fi drops", "waiting"),
    ]


def test_the_openapi_document_describes_the_kind_with_its_own_schemas(team):
    with team.client("admin") as admin:
        document = admin.get("/api/schema/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths[URL])
    assert {"get", "patch", "delete"} <= set(paths[URL + "/{helpdesk_ticket_id}"])
    assert {URL + "/{helpdesk_ticket_id}/restore", URL + "/columns", URL + "/bulk"} <= set(paths)
    body = paths[URL]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/HelpdeskTicketCreate")
    answer = paths[URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/HelpdeskTicketPage")
    assert paths[URL]["get"]["tags"] == ["helpdesk-tickets"]


def test_the_readme_example_is_this_plugin():
    root = Path(__file__).parents[2]
    readme = (root / "README.md").read_text()
    code = (root / "tests" / "kind_plugin" / "plugin.py").read_text()
    assert f"```python\n{code}```" in readme
