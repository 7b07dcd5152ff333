"""Demo quotas: this year's quarters for the demo reps, their sales groups and the department."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from kht.auth.service import find_user
from kht.context import Ctx
from kht.org.service import find_department
from kht.sales.quotas import periods
from kht.sales.quotas.models import Quota
from kht.sales.quotas.schemas import QuotaCreate
from kht.sales.quotas.service import create_quota

# target type, login or department name, quarterly amount (the size of the generated company)
DEMO_QUOTAS = (
    ("user", "qian.rep", "15000000.00"),
    ("user", "feng.rep", "12000000.00"),
    ("user", "sun.rep", "15000000.00"),
    ("user", "chen.rep", "12000000.00"),
    ("user", "zhao.manager", "10000000.00"),
    ("user", "wang.manager", "10000000.00"),
    ("department", "华东销售组", "60000000.00"),
    ("department", "华北销售组", "60000000.00"),
    ("department", "销售部", "120000000.00"),
)


def load(ctx: Ctx) -> None:
    """Create the quotas that are missing (idempotent; demo users missing are skipped)."""
    year = ctx.today().year
    for target, name, amount in DEMO_QUOTAS:
        if target == "user":
            found: Any = find_user(ctx.session, name)
        else:
            found = find_department(ctx.session, name)
        if found is None:
            continue
        for start in periods.starts_in_year("quarter", year):
            exists = ctx.session.scalar(
                select(Quota.id).where(
                    Quota.target_type == target,
                    Quota.target_id == found.id,
                    Quota.period == "quarter",
                    Quota.period_start == start,
                )
            )
            if exists is None:
                data = QuotaCreate(
                    target_type=target,
                    target_id=found.id,
                    period="quarter",
                    period_start=start,
                    amount=Decimal(amount),
                )
                create_quota(ctx, data)
