"""Reclaim rules: customers of a category nobody followed up for N days go back to the pool."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from kht.cli import _add_plugin_commands, cli
from kht.customers.models import Customer, CustomerCategory
from kht.errors import Forbidden
from kht.pool import service

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def categories(team) -> dict[str, int]:
    with team.ctx("admin") as ctx:
        rows = {
            "normal": CustomerCategory(name="普通客户", reclaim_days=30, position=1),
            "key": CustomerCategory(name="重点客户", reclaim_days=None, position=2),
            "hot": CustomerCategory(name="热线客户", reclaim_days=7, position=3),
        }
        ctx.session.add_all(rows.values())
        ctx.session.flush()
        return {key: row.id for key, row in rows.items()}


def customer(team, category_id, **values) -> int:
    values.setdefault("created_at", days_ago(100))
    return team.customer(
        values.pop("name", "客户"), owner="rep1", category_id=category_id, **values
    )


def owner_of(team, customer_id: int) -> int | None:
    with team.ctx(None) as ctx:
        return ctx.session.get(Customer, customer_id).owner_id


def test_customers_untouched_longer_than_their_category_allows_go_back_to_the_pool(
    team, categories
):
    stale = customer(team, categories["normal"], last_contact_at=days_ago(31))
    fresh = customer(team, categories["normal"], last_contact_at=days_ago(29))
    never_contacted = customer(team, categories["normal"])
    recently_claimed = customer(
        team, categories["normal"], last_contact_at=days_ago(90), claimed_at=days_ago(3)
    )
    new = customer(team, categories["normal"], created_at=days_ago(2))
    key_account = customer(team, categories["key"], last_contact_at=days_ago(400))
    hot = customer(team, categories["hot"], last_contact_at=days_ago(8))
    no_category = customer(team, None, last_contact_at=days_ago(400))
    with team.ctx(None) as ctx:
        counts = service.reclaim(ctx, NOW)
    assert counts == {"普通客户": 2, "热线客户": 1}
    for reclaimed in (stale, never_contacted, hot):
        assert owner_of(team, reclaimed) is None
    for kept in (fresh, recently_claimed, new, key_account, no_category):
        assert owner_of(team, kept) == team.users["rep1"]


def test_each_reclaimed_customer_is_audited_with_the_cause(team, categories):
    stale = customer(team, categories["normal"], last_contact_at=days_ago(45))
    with team.ctx(None) as ctx:
        service.reclaim(ctx, NOW)
    entry = team.audit("customer", stale)[0]
    assert entry.user_id is None
    assert entry.changes["owner_id"] == [team.users["rep1"], None]
    assert entry.changes["reason"] == [None, "reclaimed after 30 days without follow-up"]
    with team.ctx(None) as ctx:
        assert ctx.session.get(Customer, stale).version == 2


def test_a_dry_run_counts_without_moving_anything(team, categories):
    stale = customer(team, categories["normal"], last_contact_at=days_ago(45))
    with team.ctx(None) as ctx:
        assert service.reclaim(ctx, NOW, dry_run=True) == {"普通客户": 1, "热线客户": 0}
    assert owner_of(team, stale) == team.users["rep1"]


def test_only_administrators_of_customers_may_run_a_reclaim_by_hand(team, categories):
    with team.ctx("east_mgr") as ctx, pytest.raises(Forbidden):
        service.reclaim(ctx, NOW)
    with team.ctx("admin") as ctx:
        assert service.reclaim(ctx, NOW) == {"普通客户": 0, "热线客户": 0}


def test_the_worker_entry_point_runs_one_reclaim_as_the_system(team, categories):
    stale = customer(team, categories["hot"], last_contact_at=datetime.now(UTC) - timedelta(9))
    assert service.run_reclaim(team.runtime) == {"普通客户": 0, "热线客户": 1}
    assert owner_of(team, stale) is None


def test_the_cli_reclaims_and_supports_a_dry_run(team, categories):
    stale = customer(team, categories["hot"], last_contact_at=datetime.now(UTC) - timedelta(9))
    _add_plugin_commands(team.runtime)
    runner = CliRunner()
    dry = runner.invoke(cli, ["pool", "reclaim", "--dry-run"], obj=team.runtime)
    assert dry.exit_code == 0, dry.output
    assert "热线客户: 1 would be reclaimed" in dry.output
    assert owner_of(team, stale) == team.users["rep1"]
    done = runner.invoke(cli, ["pool", "reclaim"], obj=team.runtime)
    assert done.exit_code == 0, done.output
    assert "total: 1 reclaimed" in done.output
    assert owner_of(team, stale) is None
