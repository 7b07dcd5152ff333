"""Contribution and the Pareto (ABC) classes: orders and consumption over the rolling
window, margin where a cost is known, growth, roll-up to the group, classes on a known
dataset, key accounts made for class A groups and class changes kept as history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kht.settings.service import get_settings, save_settings
from plugins.key_account.models import Account, ClassChange, Contribution
from plugins.key_account.schemas import Settings
from tests.plugins.key_account.conftest import TODAY


def rows(operator, level: str) -> dict[int, Contribution]:
    with operator.on() as ctx:
        found = ctx.session.scalars(select(Contribution).where(Contribution.level == level))
        return {row.customer_id: row for row in found}


def accounts(operator) -> dict[int, Account]:
    with operator.on() as ctx:
        return {a.customer_id: a for a in ctx.session.scalars(select(Account))}


def test_revenue_is_orders_and_consumption_in_the_window_with_margin_where_cost_is_known(
    operator,
):
    c = operator.company("中国银行江苏分行")
    operator.order(c, "1000", date(2026, 3, 1))
    operator.order(c, "999", date(2025, 6, 15))  # a day before the 365-day window
    operator.usage(c, date(2026, 5, 1), "500", cost="300")
    operator.usage(c, date(2026, 4, 1), "200")  # cost unknown: no margin from it
    operator.nightly()
    row = rows(operator, "customer")[c]
    assert row.revenue == Decimal("1700.00")
    assert row.previous_revenue == Decimal("999.00")
    assert row.margin == Decimal("200.00")
    assert row.quarter_revenue == Decimal("700.00")  # 2026-03-17 .. 06-15
    assert row.previous_quarter_revenue == Decimal("1000.00")


def test_a_group_rolls_up_its_subsidiaries_and_branches(operator):
    group = operator.company("国家电网")
    east = operator.company("国网江苏", parent=group)
    branch = operator.company("国网南京供电", parent=east)
    alone = operator.company("独立客户")
    operator.order(group, "100")
    operator.order(east, "200")
    operator.usage(branch, date(2026, 6, 1), "300")
    operator.order(alone, "50")
    operator.nightly()
    groups = rows(operator, "group")
    assert groups[group].revenue == Decimal("600.00")
    assert groups[alone].revenue == Decimal("50.00")
    assert set(groups) == {group, alone}
    assert rows(operator, "customer")[east].revenue == Decimal("200.00")


def test_pareto_classes_on_a_known_dataset(operator):
    amounts = ["50", "20", "10", "8", "5", "4", "2", "1"]  # total 100
    ids = [operator.company(f"客户{i}") for i in range(len(amounts))]
    for customer, amount in zip(ids, amounts, strict=True):
        operator.order(customer, amount)
    quiet = operator.company("没有收入")
    operator.order(quiet, "70", date(2024, 1, 1))  # before both windows
    operator.nightly()
    groups = rows(operator, "group")
    # The accounts before each make 0, 50, 70 (A: under 80%), 80, 88, 93 (B: under 95%), 97, 99.
    assert [groups[i].abc_class for i in ids] == ["A", "A", "A", "B", "B", "B", "C", "C"]
    assert [groups[i].rank for i in ids] == list(range(1, 9))
    assert groups[ids[2]].cumulative_pct == Decimal("80.00")
    assert quiet not in groups
    # Class A groups become key accounts, owned by the customer's owner (the KAM).
    made = accounts(operator)
    assert set(made) == set(ids[:3])
    assert {a.abc_class for a in made.values()} == {"A"}
    assert made[ids[0]].owner_id == operator.users["rep1"]


def test_thresholds_are_configurable_and_refused_out_of_order(operator):
    ids = [operator.company(f"客户{i}") for i in range(4)]
    for customer, amount in zip(ids, ["40", "30", "20", "10"], strict=True):
        operator.order(customer, amount)
    with operator.on() as ctx:
        save_settings(ctx, "key_account", Settings(class_a_pct=50, class_b_pct=90), 0)
    operator.nightly()
    assert [rows(operator, "group")[i].abc_class for i in ids] == ["A", "A", "B", "C"]
    import pytest

    from kht.plugin_api import ValidationError

    with operator.on() as ctx, pytest.raises(ValidationError) as error:
        save_settings(ctx, "key_account", Settings(class_a_pct=90, class_b_pct=80), 1)
    assert error.value.field == "class_b_pct"
    with operator.on() as ctx:
        assert get_settings(ctx, "key_account").class_a_pct == 50


def test_a_class_change_is_kept_as_history_and_announced(operator):
    big = operator.company("中国移动大客户")
    small = operator.company("小客户")
    operator.order(big, "900")
    operator.order(small, "100")
    operator.nightly()
    account = accounts(operator)[big]
    assert account.abc_class == "A" and account.class_since == TODAY
    # Next quarter the small customer grows past the big one.
    later = date(2026, 9, 15)
    operator.order(small, "5000", later)
    operator.nightly(later)
    with operator.on(later) as ctx:
        changes = list(ctx.session.scalars(select(ClassChange).order_by(ClassChange.id)))
    moves = [(c.account_id, c.from_class, c.to_class, c.changed_on) for c in changes]
    small_account = accounts(operator)[small].id
    assert moves == [
        (account.id, "", "A", TODAY),
        (account.id, "A", "B", later),
        (small_account, "", "A", later),
    ]
    operator.nightly(later)  # nothing changed: no new history
    with operator.on(later) as ctx:
        assert len(list(ctx.session.scalars(select(ClassChange)))) == 3


def test_the_settings_page_is_linked_from_the_pareto_page_and_saves(operator):
    from kht.testing import csrf_token

    with operator.browser("admin") as page:
        pareto = page.get("/key-accounts/pareto").text
        assert 'id="settings-link" href="/admin/settings/key_account"' in pareto
        shown = page.get("/admin/settings/key_account")
        assert shown.status_code == 200 and "A 类界线（%）" in shown.text
        form = {"version": "0", "window_days": "180", "class_a_pct": "70", "class_b_pct": "60"}
        refused = page.post(
            "/admin/settings/key_account", data={**form, "_csrf_token": csrf_token(page)}
        )
        assert refused.status_code == 422 and 'id="class_b_pct-error"' in refused.text
        form["class_b_pct"] = "90"
        saved = page.post(
            "/admin/settings/key_account",
            data={**form, "_csrf_token": csrf_token(page)},
            follow_redirects=False,
        )
        assert saved.status_code == 303
    with operator.browser("rep1") as page:
        assert 'id="settings-link"' not in page.get("/key-accounts/pareto").text
    with operator.on() as ctx:
        assert get_settings(ctx, "key_account").window_days == 180


def test_the_packs_migration_moves_its_settings_row_into_the_store_and_back(operator):
    from alembic import command
    from sqlalchemy import text

    from kht.db.migrate import alembic_config
    from kht.plugins import migration_dirs

    with operator.on() as ctx:
        save_settings(ctx, "key_account", Settings(class_a_pct=60), 0)
    runtime = operator.runtime
    config = alembic_config(runtime.engine, migration_dirs(runtime.found))
    command.downgrade(config, "0001_key_account")
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SELECT version FROM key_account_settings")).scalar() == 1
        assert (
            connection.execute(
                text("SELECT count(*) FROM settings WHERE owner = 'key_account'")
            ).scalar()
            == 0
        )
    command.upgrade(config, "key_account@head")
    with operator.on() as ctx:
        assert get_settings(ctx, "key_account").class_a_pct == 60
