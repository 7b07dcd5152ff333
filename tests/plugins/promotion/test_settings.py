"""The pack's settings through the core settings store: the generated page (linked from the
territories page), a visit frequency per grade, the audit forms as JSON, the pack's migration
moving its old row in."""

from __future__ import annotations

import json

from kht.settings.service import get_settings
from kht.testing import csrf_token

URL = "/admin/settings/promotion"


def test_a_manager_of_the_pack_changes_the_settings_on_their_page(field):
    with field.browser("admin") as page:
        assert f'href="{URL}"' in page.get("/promotion/territories").text
        shown = page.get(URL)
        assert shown.status_code == 200 and "签到半径（米）" in shown.text
        assert 'name="visits_per_month.B" id="visits_per_month-2" value="2"' in shown.text
        form = {
            "version": "0",
            "radius_m": "150",
            "visits_per_month.A": "8",
            "audit_forms": json.dumps({"default": [{"metric": "posm", "brand": "清泉"}]}),
            "_csrf_token": csrf_token(page),
        }
        saved = page.post(URL, data=form, follow_redirects=False)
        assert saved.status_code == 303, saved.text
    with field.ctx("admin") as ctx:
        value = get_settings(ctx, "promotion")
    assert value.radius_m == 150 and value.visits_per_month == {"A": 8}
    assert [item.metric for item in value.audit_forms["default"]] == ["posm"]


def test_a_bad_audit_form_is_refused_at_its_field_and_a_rep_may_not_open_the_page(field):
    with field.browser("admin") as page:
        form = {"version": "0", "audit_forms": '{"default": [{"metric": "colour"}]}'}
        refused = page.post(URL, data={**form, "_csrf_token": csrf_token(page)})
    assert refused.status_code == 422 and 'id="audit_forms-error"' in refused.text
    with field.browser("rep1") as page:
        assert page.get(URL).status_code == 403
        assert 'id="settings-link"' not in page.get("/promotion/territories").text
