"""The settings store: defaults, saving with a version (409 when stale), bad values (422
naming the field), the audit of each change, the API, the generated page and who may use
them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kht.audit.models import AuditEntry
from kht.errors import Conflict, Forbidden, ValidationError
from kht.settings import service
from kht.settings.models import StoredSettings
from kht.testing import csrf_token, put_settings
from tests.settings.tuning_plugin import Tuning
from tests.team import build_team

PLUGIN = "tests.settings.tuning_plugin"
URL = "/admin/settings/tuning"
API = "/api/v1/settings/tuning"


@pytest.fixture
def shop(kht_app):
    return build_team(kht_app, plugins=("tuning",), extra=(PLUGIN,))


def test_the_defaults_until_a_save_then_the_saved_values_with_their_version(shop):
    with shop.ctx("admin") as ctx:
        assert service.read_settings(ctx, "tuning") == (Tuning(), 0)
        value = Tuning(discount_pct=20, credit_limit=Decimal("80000.50"), grades=["A", "B"])
        assert service.save_settings(ctx, "tuning", value, 0) == (value, 1)
    with shop.ctx("rep1") as ctx:  # anyone's code reads them; only managers change them
        assert service.get_settings(ctx, "tuning").credit_limit == Decimal("80000.50")


def test_a_stale_version_is_a_conflict_and_changes_nothing(shop):
    with shop.ctx("admin") as ctx:
        service.save_settings(ctx, "tuning", Tuning(discount_pct=5), 0)
    with shop.ctx("admin") as ctx, pytest.raises(Conflict) as refused:
        service.save_settings(ctx, "tuning", Tuning(discount_pct=6), 0)
    assert refused.value.field == "version"
    with shop.ctx("admin") as ctx:
        assert service.read_settings(ctx, "tuning") == (Tuning(discount_pct=5), 1)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"discount_pct": 101}, "discount_pct"),
        ({"credit_limit": "lots"}, "credit_limit"),
        ({"mode": "loose"}, "mode"),
        ({"steps": [{"name": ""}]}, "steps[0].name"),
        ({"colour": "red"}, "colour"),
        ({"mode": "relaxed", "discount_pct": 60}, "discount_pct"),  # the declaration's rule
    ],
)
def test_a_bad_value_is_refused_naming_its_field(shop, values, field):
    with shop.ctx("admin") as ctx, pytest.raises(ValidationError) as refused:
        service.save_settings(ctx, "tuning", values, 0)
    assert refused.value.field == field


def test_each_save_is_audited_with_the_old_and_new_values(shop):
    with shop.ctx("admin") as ctx:
        service.save_settings(ctx, "tuning", Tuning(discount_pct=15, notify=False), 0)
        row_id = ctx.session.query(StoredSettings.id).filter_by(owner="tuning").scalar()
    (entry,) = shop.audit("settings", row_id)
    assert isinstance(entry, AuditEntry) and entry.action == "update"
    assert entry.changes == {"discount_pct": [10, 15], "notify": [True, False]}
    assert entry.user_id == shop.users["admin"]


def test_only_those_with_the_right_may_read_or_change_them(shop):
    with shop.ctx("rep1") as ctx:
        with pytest.raises(Forbidden):
            service.read_settings(ctx, "tuning")
        with pytest.raises(Forbidden):
            service.save_settings(ctx, "tuning", Tuning(), 0)
    rep = shop.client("rep1")
    assert rep.get(API).status_code == 403
    assert rep.put(API, json={"version": 0, "settings": {}}).status_code == 403
    with shop.browser("rep1") as page:
        assert page.get(URL).status_code == 403
        assert URL not in page.get("/").text


def test_the_api_reads_saves_and_refuses(shop):
    admin = shop.client("admin")
    read = admin.get(API).json()
    assert read == {
        "owner": "tuning",
        "version": 0,
        "settings": {
            "discount_pct": 10,
            "credit_limit": "50000.00",
            "notify": True,
            "mode": "strict",
            "grades": ["A"],
            "greetings": ["您好"],
            "visits": {"A": 4},
            "steps": [],
        },
    }
    saved = put_settings(admin, "tuning", {"credit_limit": "1234.50", "steps": [{"name": "回访"}]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    assert saved.json()["settings"]["steps"] == [{"name": "回访", "days": 7}]
    stale = admin.put(API, json={"version": 0, "settings": {}})
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    bad = admin.put(API, json={"version": 1, "settings": {"discount_pct": -1}})
    assert bad.status_code == 422 and bad.json()["field"] == "discount_pct"
    assert admin.get("/api/v1/settings/nobody").status_code == 404


def test_the_page_draws_each_field_and_saves_the_form(shop):
    with shop.browser("admin") as page:
        shown = page.get(URL)
        assert shown.status_code == 200
        text = shown.text
        assert (
            'name="discount_pct" id="discount_pct" value="10" type="number" min="0" max="100"'
            in text
        )
        assert 'name="credit_limit" id="credit_limit" value="50000.00" inputmode="decimal"' in text
        assert 'name="notify" value="1" id="notify" checked' in text
        assert '<option value="relaxed">Relaxed</option>' in text
        assert 'name="grades" value="A" id="grades-1" checked' in text
        assert 'name="visits.B"' in text and 'data-kind="json"' in text
        form = {
            "version": "0",
            "discount_pct": "30",
            "credit_limit": "120,000.00",
            "mode": "relaxed",
            "grades": ["B", "C"],
            "greetings": "您好\n\n早上好 ",
            "visits.A": "6",
            "visits.C": "1",
            "steps": '[{"name": "电话回访", "days": 3}]',
            "_csrf_token": csrf_token(page),
        }
        saved = page.post(URL, data=form, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        assert 'id="notice"' in page.get(saved.headers["location"]).text
    with shop.ctx("admin") as ctx:
        value, version = service.read_settings(ctx, "tuning")
    assert version == 1
    assert value.credit_limit == Decimal("120000.00") and value.notify is False
    assert value.grades == ["B", "C"] and value.greetings == ["您好", "早上好"]
    assert value.visits == {"A": 6, "C": 1} and value.steps[0].days == 3


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"discount_pct": "abc"}, "discount_pct", 422),
        ({"steps": "[{"}, "steps", 422),
        ({"visits.B": "40"}, "visits", 422),
        ({"version": "7"}, "version", 409),
    ],
)
def test_a_refused_form_shows_the_message_at_its_field_and_keeps_what_was_typed(
    shop, changes, field, status
):
    with shop.browser("admin") as page:
        form = {"version": "0", "discount_pct": "10", "credit_limit": "1", "mode": "strict"}
        form.update(changes, _csrf_token=csrf_token(page))
        refused = page.post(URL, data=form)
    assert refused.status_code == status
    assert 'id="form-error"' in refused.text
    if status == 422:
        assert f'id="{field}-error"' in refused.text
        typed = next(iter(changes.values())).replace('"', "&#34;")
        assert typed in refused.text
    with shop.ctx("admin") as ctx:
        assert service.read_settings(ctx, "tuning")[1] == 0


def test_the_admin_home_links_each_settings_page(shop):
    with shop.browser("admin") as page:
        home = page.get("/admin").text
    assert 'href="/admin/settings/tuning"' in home and 'href="/admin/settings/service"' in home
