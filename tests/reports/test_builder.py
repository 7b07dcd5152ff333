"""The report builder: a user picks a kind, rows and columns, measures, filters and a chart,
previews, saves (privately, or shared given the right), runs, edits, copies and deletes;
saved reports run through the same engine, scope and drill-down as the library's."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from kht.lists.engine import count, parse_filter
from kht.records import record_kinds
from kht.testing import acting_as, add_user, api_client, grant, runtime_of

SAVED = "/api/v1/reports/saved"
PIPELINE = {
    "title": "我的商机看板",
    "kind": "opportunity",
    "dimensions": ["stage_id", "created_at:quarter"],
    "measures": ["count", "sum:amount"],
    "filters": ["amount:gte:0"],
    "chart": "stacked",
}


def _drilled(ctx, kind: str, url: str) -> int:
    texts = parse_qs(urlparse(url).query)["f"]
    spec = record_kinds(ctx)[kind]
    return count(ctx.session, spec.query(ctx, filters=[parse_filter(t) for t in texts]))


def test_a_report_is_built_previewed_saved_run_edited_copied_and_deleted(demo):
    client = api_client(demo, "zhao.manager")
    preview = client.post(f"{SAVED}/preview", json=PIPELINE)
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert [d["field"] for d in shown["dimensions"]] == ["stage_id", "created_at"]
    assert shown["pivot"] is not None and shown["chart"] == "stacked"

    created = client.post(SAVED, json=PIPELINE)
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["key"].startswith("saved.") and report["shared"] is False
    ran = client.get(f"/api/v1/reports/{report['key']}").json()
    assert ran["totals"] == shown["totals"] and ran["title"] == "我的商机看板"
    listed = {item["key"]: item for item in client.get("/api/v1/reports").json()}
    assert listed[report["key"]]["saved"] and listed[report["key"]]["mine"]
    assert listed[report["key"]]["category"] == "opportunities"

    edit = {**PIPELINE, "dimensions": ["owner_id"], "chart": "pie", "version": report["version"]}
    changed = client.patch(f"{SAVED}/{report['id']}", json=edit)
    assert changed.status_code == 200, changed.text
    assert changed.json()["dimensions"] == ["owner_id"]
    stale = client.patch(f"{SAVED}/{report['id']}", json=edit)
    assert stale.status_code == 409
    regrouped = client.get(f"/api/v1/reports/{report['key']}").json()
    assert [d["field"] for d in regrouped["dimensions"]] == ["owner_id"]
    assert regrouped["totals"] == ran["totals"]

    copy = client.post(f"/api/v1/reports/{report['key']}/copy")
    assert copy.status_code == 201, copy.text
    assert copy.json()["title"] == "我的商机看板（副本）"
    assert copy.json()["dimensions"] == ["owner_id"]

    assert client.put(f"/api/v1/reports/{report['key']}/favourite", json={}).status_code == 204
    assert client.delete(f"{SAVED}/{report['id']}").status_code == 204
    assert client.get(f"/api/v1/reports/{report['key']}").status_code == 404
    assert client.get(f"/api/v1/reports/{copy.json()['key']}").status_code == 200


def test_a_library_report_is_copied_into_a_saved_report(demo):
    client = api_client(demo, "qian.rep")
    library = client.get("/api/v1/reports/opportunities.pipeline_by_owner").json()
    copy = client.post("/api/v1/reports/opportunities.pipeline_by_owner/copy")
    assert copy.status_code == 201, copy.text
    mine = client.get(f"/api/v1/reports/{copy.json()['key']}").json()
    assert mine["dimensions"] == library["dimensions"]
    assert mine["rows"][0]["labels"] == library["rows"][0]["labels"]
    assert mine["totals"][0] == library["totals"][0]
    own_page = client.post("/api/v1/reports/analysis.funnel/copy")
    assert own_page.status_code == 422


def test_sharing_needs_the_right_and_others_never_see_a_private_report(demo):
    rep, other = api_client(demo, "qian.rep"), api_client(demo, "sun.rep")
    private = {**PIPELINE, "dimensions": ["owner_id"]}
    refused = rep.post(SAVED, json={**private, "shared": True})
    assert refused.status_code == 403, refused.text
    mine = rep.post(SAVED, json=private).json()
    assert other.get(f"/api/v1/reports/{mine['key']}").status_code == 404
    assert other.get(f"{SAVED}/{mine['id']}").status_code == 404
    assert mine["key"] not in {item["key"] for item in other.get("/api/v1/reports").json()}
    sharing = rep.patch(f"{SAVED}/{mine['id']}", json={**private, "shared": True, "version": 1})
    assert sharing.status_code == 403

    manager = api_client(demo, "zhao.manager")
    shared = manager.post(SAVED, json={**private, "shared": True}).json()
    assert shared["shared"] is True
    assert shared["key"] in {item["key"] for item in other.get("/api/v1/reports").json()}
    # others may run and copy a shared report, not change or delete it
    assert other.get(f"/api/v1/reports/{shared['key']}").status_code == 200
    assert other.delete(f"{SAVED}/{shared['id']}").status_code == 403
    assert other.patch(f"{SAVED}/{shared['id']}", json={**private, "version": 1}).status_code == 403
    assert other.post(f"/api/v1/reports/{shared['key']}/copy").status_code == 201
    # someone who may not view opportunities: refused
    add_user(runtime_of(demo), "helper", "service")
    assert api_client(demo, "helper").get(f"/api/v1/reports/{shared['key']}").status_code == 403


def test_a_reps_saved_report_counts_only_the_reps_records(demo):
    rep = api_client(demo, "qian.rep")
    mine = rep.post(SAVED, json={**PIPELINE, "filters": []}).json()
    ran = rep.get(f"/api/v1/reports/{mine['key']}").json()
    with acting_as(runtime_of(demo), "qian.rep") as ctx:
        spec = record_kinds(ctx)["opportunity"]
        assert ran["totals"][0] == count(ctx.session, spec.query(ctx)) > 0
    everyone = api_client(demo, "admin").get("/api/v1/opportunities").json()["total"]
    assert ran["totals"][0] < everyone
    schema = rep.get("/api/schema/openapi.json").json()["paths"]
    assert {"/api/v1/reports/saved", "/api/v1/reports/saved/preview"} <= set(schema)
    assert "/api/v1/reports/saved/{report_id}" in schema


def test_a_shared_report_shows_each_reader_their_own_scope_and_drills_to_its_cells(demo):
    manager = api_client(demo, "zhao.manager")
    shared = manager.post(SAVED, json={**PIPELINE, "shared": True}).json()
    runtime = runtime_of(demo)
    totals = {}
    for login in ("qian.rep", "zhao.manager", "admin"):
        with acting_as(runtime, login) as ctx:
            from kht.reports import service

            result = service.run_report(ctx, shared["key"])
            spec = record_kinds(ctx)["opportunity"]
            listed = spec.query(ctx, filters=[parse_filter("amount:gte:0")])
            assert result.totals[0] == count(ctx.session, listed), login
            for row in result.rows:
                assert _drilled(ctx, "opportunity", row.drill) == row.values[0], row.labels
            for line in result.pivot.cells:
                for cell in line:
                    if cell.drill:
                        assert _drilled(ctx, "opportunity", cell.drill) == cell.value
            totals[login] = result.totals[0]
            if login == "qian.rep":
                owners = service.run_report(ctx, shared["key"], dimensions=["owner_id"])
                assert {row.keys[0] for row in owners.rows} <= {ctx.user_id, None}
    assert totals["qian.rep"] < totals["zhao.manager"] < totals["admin"]


def test_bad_builder_input_is_a_422_naming_the_field(demo):
    client = api_client(demo, "qian.rep")
    cases = [
        ({"dimensions": ["nowhere"]}, "nowhere"),
        ({"measures": ["sum:name"]}, "name"),  # an aggregate on a text field
        ({"measures": ["avg:ext.custom.missing"]}, "ext.custom.missing"),
        ({"filters": ["secret:eq:1"]}, "secret"),
        ({"dimensions": ["name:month"]}, "name"),
        ({"chart": "radar"}, "chart"),
        ({"dimensions": []}, "dimensions"),
        ({"kind": "spaceship"}, "kind"),
    ]
    for change, named in cases:
        for url in (f"{SAVED}/preview", SAVED):
            answer = client.post(url, json={**PIPELINE, **change})
            assert answer.status_code == 422, (change, answer.text)
            assert answer.json()["field"] == named, (change, answer.text)
    untitled = client.post(SAVED, json={**PIPELINE, "title": " "})  # a preview needs none
    assert untitled.status_code == 422 and untitled.json()["field"] == "title"
    assert client.get(SAVED).json() == []  # nothing half-saved


def test_the_builder_offers_and_accepts_only_fields_the_user_may_see(demo):
    runtime = runtime_of(demo)
    grant(runtime, "marketing", "customers", ops=())  # leads, but not the customers they became
    client = api_client(demo, "zhou.marketing")
    lead = {"title": "线索", "kind": "lead", "dimensions": ["source"]}
    assert client.post(f"{SAVED}/preview", json=lead).status_code == 200
    for change in ({"dimensions": ["customer_id"]}, {"filters": ["customer_id:eq:1"]}):
        answer = client.post(SAVED, json={**lead, **change})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "customer_id"
        assert "may not see" in answer.json()["message"]
    refused = client.get("/api/v1/reports/leads.by_source", params={"d": "customer_id"})
    assert refused.status_code == 422 and refused.json()["field"] == "customer_id"
    with acting_as(runtime, "zhou.marketing") as ctx:
        from kht.reports.saved import builder_columns

        offered = builder_columns(ctx, "lead")
        assert "customer_id" not in offered and "source" in offered
    # a kind the user may not view at all
    assert client.post(f"{SAVED}/preview", json={**lead, "kind": "order"}).status_code == 403


def test_the_builder_pages_preview_save_edit_copy_and_delete(demo):
    from sqlalchemy import update

    from kht.auth.models import User
    from kht.testing import page_client

    runtime = runtime_of(demo)
    add_user(runtime, "mgr", "sales_manager", department="销售部")
    add_user(runtime, "english", "sales_rep", department="销售部")
    with runtime.ctx() as ctx:
        ctx.session.execute(update(User).where(User.login == "english").values(language="en"))
    client = page_client(demo, "mgr")
    page = client.get("/reports/builder", params={"kind": "opportunity"})
    assert page.status_code == 200, page.text
    assert "报表设计器" in page.text and "报表名称" in page.text
    assert 'id="builder-shared"' in page.text  # a manager may share
    assert 'value="sum:amount"' in page.text and 'value="created_at:quarter"' in page.text
    form = {
        "kind": "opportunity",
        "title": "季度商机",
        "rows": "stage_id",
        "columns": "created_at:quarter",
        "m": ["count", "sum:amount"],
        "f": "amount:gte:0",
        "chart": "bar",
        "category": "opportunities",
    }
    shown = client.post("/reports/builder", data={**form, "action": "preview"})
    assert shown.status_code == 200, shown.text
    assert 'id="report-pivot"' in shown.text and 'class="report-drill"' in shown.text
    bad = client.post("/reports/builder", data={**form, "m": "sum:name", "action": "preview"})
    assert bad.status_code == 422 and 'id="builder-error"' in bad.text
    saved = client.post("/reports/builder", data={**form, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    url = saved.headers["location"]
    assert url.startswith("/reports/saved.")
    catalogue = client.get("/reports").text
    assert "季度商机" in catalogue and "私有" in catalogue and 'id="report-new"' in catalogue
    report = client.get(url).text
    assert 'id="report-edit"' in report and 'id="report-pivot"' in report
    report_id = int(url.rsplit(".", 1)[1])
    editing = client.get(f"/reports/builder/{report_id}")
    assert editing.status_code == 200 and 'value="季度商机"' in editing.text
    unversioned = client.post(f"/reports/builder/{report_id}", data={**form, "action": "save"})
    assert unversioned.status_code == 422 and 'id="builder-error"' in unversioned.text
    changed = client.post(
        f"/reports/builder/{report_id}",
        data={**form, "title": "季度商机 2", "version": "1", "shared": "1", "action": "save"},
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    assert (
        "季度商机 2"
        in api_client(demo, "qian.rep").get(url.replace("/reports/", "/api/v1/reports/")).text
    )
    copied = client.post(f"/reports/{url.rsplit('/', 1)[1]}/copy", follow_redirects=False)
    assert copied.status_code == 303 and copied.headers["location"].startswith("/reports/builder/")
    gone = client.post(f"/reports/builder/{report_id}/delete", follow_redirects=False)
    assert gone.status_code == 303
    assert client.get(url).status_code == 404
    english = page_client(demo, "english")
    assert "New report" in english.get("/reports").text
    built = english.get("/reports/builder", params={"kind": "customer"}).text
    assert "Report builder" in built and "Save report" in built
    assert 'id="builder-shared"' not in built  # a rep may not share
