"""The scorecard's criteria are a record kind: administrators list, add, change and retire
them through the core's API and pages; the key is given once; a change rescores projects;
sales reps read them and may change nothing."""

from __future__ import annotations

from decimal import Decimal

from kht.testing import page_client
from plugins.project_sales import scorecard

API = "/api/v1/project-sales-criteria"


def criterion_id(sales, key: str) -> int:
    with sales.client("admin") as admin:
        found = admin.get(API, params={"f": f"key:eq:{key}"}).json()["items"]
    return found[0]["id"]


def test_administrators_add_change_and_retire_criteria_and_projects_are_rescored(sales):
    project = sales.project()
    scored = sales.api("rep1", "POST", f"{project}/scorecard", json={"scores": {"fit": 5}})
    assert scored.status_code == 200
    with sales.client("admin") as admin:
        listed = admin.get(API, params={"sort": "position"}).json()
        assert [c["key"] for c in listed["items"]][:3] == ["fit", "budget", "authority"]
        added = admin.post(
            API,
            json={"key": "references", "label_zh": "案例", "label_en": "References", "weight": 3},
        )
        assert added.status_code == 201, added.text
        fit = criterion_id(sales, "fit")
        version = admin.get(f"{API}/{fit}").json()["version"]
        changed = admin.patch(f"{API}/{fit}", json={"version": version, "weight": 5})
        assert changed.status_code == 200, changed.text
        stale = admin.patch(f"{API}/{fit}", json={"version": version, "weight": 1})
        assert stale.status_code == 409
    # fit 5 x 5 of (5+2+2+2+1+1+1+3) x 5 = 25 / 85 = 29.4 -> 29
    with sales.client("rep1") as rep:
        scores = rep.get(f"/api/v1/scores/opportunity/{project}").json()
    assert [Decimal(s["score"]) for s in scores] == [Decimal("29")]
    with sales.client("admin") as admin:
        assert admin.delete(f"{API}/{criterion_id(sales, 'references')}").status_code in (200, 204)
    with sales.ctx("rep1") as ctx:
        keys = [c.key for c in scorecard.criteria(ctx)]
        assert "references" not in keys and scorecard.total_of(ctx, project) == 36  # 25 / 70


def test_bad_criteria_are_refused_naming_the_field(sales):
    with sales.client("admin") as admin:
        twice = admin.post(API, json={"key": "fit", "label_zh": "匹配", "label_en": "Fit"})
        bad_key = admin.post(API, json={"key": "Fit!", "label_zh": "匹配", "label_en": "Fit"})
        heavy = admin.post(
            API, json={"key": "luck", "label_zh": "运气", "label_en": "Luck", "weight": 11}
        )
        fit = criterion_id(sales, "fit")
        version = admin.get(f"{API}/{fit}").json()["version"]
        rekey = admin.patch(f"{API}/{fit}", json={"version": version, "key": "fitness"})
    assert (twice.status_code, twice.json()["field"]) == (422, "key")
    assert bad_key.status_code in (400, 422) and "key" in bad_key.text
    assert heavy.status_code in (400, 422) and "weight" in heavy.text
    assert (rekey.status_code, rekey.json()["field"]) == (422, "key")


def test_sales_reps_read_the_criteria_and_change_nothing(sales):
    with sales.client("rep1") as rep:
        assert rep.get(API).json()["total"] == 7
        refused = rep.post(API, json={"key": "luck", "label_zh": "运气", "label_en": "Luck"})
        fit = criterion_id(sales, "fit")
        version = rep.get(f"{API}/{fit}").json()["version"]
        change = rep.patch(f"{API}/{fit}", json={"version": version, "weight": 9})
    assert refused.status_code == 403 and change.status_code == 403


def test_the_criteria_have_their_list_and_form_pages(sales):
    with page_client(sales.app, "admin") as admin:
        listing = admin.get("/project-sales-criteria")
        form = admin.get("/project-sales-criteria/new")
    assert listing.status_code == 200 and "匹配度" in listing.text
    assert form.status_code == 200 and 'name="weight"' in form.text
