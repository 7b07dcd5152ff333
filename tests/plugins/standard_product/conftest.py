"""A shop selling standard products: the pack enabled, an administrator, reps, a marketer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead
from kht.value.models import ValueScore
from kht.value.service import score_record
from plugins.standard_product import fields as f
from plugins.standard_product.schemas import Settings
from plugins.standard_product.service import LEAD_SCORE, save_settings
from tests.team import Team, build_team

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

# The target profile of the README's worked examples.
PROFILE = Settings(
    target_industries=["automotive", "machinery"],
    target_sizes=["staff_200_999", "staff_1000_plus"],
    target_timeframes=["within_1_month", "months_1_3"],
    target_budgets=["from_500k_to_2m", "over_2m"],
    target_products=["equipment", "maintenance"],
    threshold=60,
    routing="none",
)
assert all(v in f.INDUSTRY.choice_keys for v in PROFILE.target_industries)


class Shop(Team):
    @contextmanager
    def at(self, login: str | None, when: datetime = NOW) -> Iterator[Any]:
        """A context acting as `login` whose clock reads `when`."""
        with self.ctx(login) as ctx:
            ctx.clock = lambda: when
            yield ctx

    def settings(self, **changes: Any) -> Settings:
        import msgspec

        values = msgspec.structs.replace(PROFILE, **changes)
        with self.at("admin") as ctx:
            return save_settings(ctx, values)

    def lead(self, values: dict[str, Any], owner: str | None = None, name: str = "测试线索") -> int:
        """An unowned lead (or owned by `owner`) with the pack's field `values`."""
        with self.at("admin") as ctx:
            owner_id = self.users[owner] if owner else None
            data = LeadCreate(name=name, ext={"standard_product": values} if values else {})
            return create_lead(ctx, data, owner_id=owner_id).id

    def act(self, lead_id: int, type_: str, days_ago: int = 0) -> None:
        """Log a done action on the lead, `days_ago` days before NOW."""
        with self.at("admin", NOW - timedelta(days=days_ago)) as ctx:
            log_action(
                ctx, ActionCreate(kind="lead", record_id=lead_id, type=type_, subject="跟进")
            )

    def rescore(self, lead_id: int) -> Decimal:
        with self.at(None) as ctx:
            (row,) = score_record(ctx, "lead", lead_id)
            return Decimal(row.score)

    def parts(self, lead_id: int) -> list[tuple[str, str]]:
        with self.at(None) as ctx:
            row = ctx.session.scalar(
                select(ValueScore).where(
                    ValueScore.record_id == lead_id, ValueScore.model_key == LEAD_SCORE
                )
            )
            return [(p["label_en"], p["points"]) for p in row.parts]


@pytest.fixture
def shop(kht_app) -> Shop:
    team = build_team(kht_app, plugins=["standard_product"])
    return Shop(app=team.app, runtime=team.runtime, users=team.users)
