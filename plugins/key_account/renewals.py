"""Automatic renewal of agreements whose renewal terms are `automatic`.

The nightly run (periodic task `key_account.nightly`) renews every live, active agreement
with automatic renewal whose end date has passed: a new agreement for the next term (the
same customer, title, type, value, notice period, terms, owner and custom fields; it starts
the day after the old one ends and runs as long: whole months when the old term was whole
months, else the same number of days), and the old one becomes `renewed`. The new one names
the old (`renewed_from_id`, unique), so a term renews once however often or concurrently
the run goes; both writes go through the record service, so the audit log has them (by the
system). The account team is told: the agreement's owner, the owners of its customer and of
the customer's group, and the record teams of both. Agreements renewed by agreement
(`manual`) or not at all (`none`) are never renewed here: their reminders are care rules
(see care.py). An agreement whose next term has ended too (a worker stopped for long) is
renewed again in the same run, up to MAX_TERMS terms.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kht.actions.service import notify
from kht.customers.service import SPEC as CUSTOMERS
from kht.plugin_api import (
    N_,
    Ctx,
    create_record,
    customer_group_of,
    translations,
    update_record,
)
from kht.teams.service import member_ids
from plugins.key_account.models import Agreement
from plugins.key_account.service import AGREEMENTS, _next_number

MAX_TERMS = 36
TITLE = N_("Agreement %(number)s renewed automatically until %(end)s")
BODY = N_("%(title)s: %(number)s is renewed by %(new)s, from %(start)s to %(end)s.")
COPIED = (
    "customer_id",
    "title",
    "agreement_type",
    "value",
    "notice_days",
    "renewal_terms",
    "notes",
)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, kept to the month's last day where it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def next_term(start: date, end: date) -> tuple[date, date]:
    """The term after [start, end]: from the next day, as long (whole months if it was)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if months >= 1 and add_months(start, months) == after:
        return after, add_months(after, months) - timedelta(days=1)
    return after, after + (end - start)


def due(ctx: Ctx, today: date) -> list[Agreement]:
    """Live, active, automatically renewed agreements that ended before `today` and have no
    renewal yet (unscoped: the system's run)."""
    successor = Agreement.__table__.alias("successor")
    query = select(Agreement).where(
        Agreement.deleted_at.is_(None),
        Agreement.status == "active",
        Agreement.renewal_terms == "automatic",
        Agreement.end_date < today,
        ~select(successor.c.id).where(successor.c.renewed_from_id == Agreement.id).exists(),
    )
    return list(ctx.session.scalars(query.order_by(Agreement.end_date, Agreement.id)))


def _free_number(ctx: Ctx, day: date) -> str:
    number = _next_number(ctx, day)
    prefix, _, count = number.rpartition("-")
    serial = int(count)
    while ctx.session.scalar(select(Agreement.id).where(Agreement.number == number)):
        serial += 1
        number = f"{prefix}-{serial:04d}"
    return number


def team_of_agreement(ctx: Ctx, agreement: Agreement) -> set[int]:
    """Whom a renewal concerns: the agreement's owner, the owners of its customer and of the
    customer's group, and the record teams of both customers."""
    customer = CUSTOMERS.model
    group = ctx.session.scalar(select(customer_group_of(agreement.customer_id)))
    customers = {agreement.customer_id, group} - {None}
    owners = ctx.session.scalars(select(customer.owner_id).where(customer.id.in_(customers)))
    users = {agreement.owner_id, *owners, *member_ids(ctx, "customer", customers)}
    return {u for u in users if u is not None}


def renew(ctx: Ctx, agreement: Agreement, today: date) -> Agreement | None:
    """Renew one agreement for its next term as the system (see the module); None when a
    renewal of it exists already (another run made it first)."""
    start, end = next_term(agreement.start_date, agreement.end_date)
    values: dict[str, Any] = {name: getattr(agreement, name) for name in COPIED}
    values.update(
        number=_free_number(ctx, today),
        status="active",
        start_date=start,
        end_date=end,
        notice_date=end - timedelta(days=agreement.notice_days),
        renewed_from_id=agreement.id,
        ext=dict(agreement.ext or {}),
    )
    try:
        with ctx.session.begin_nested():
            renewed = create_record(
                ctx, AGREEMENTS, values, owner_id=agreement.owner_id, operation=None
            )
    except IntegrityError:  # a concurrent run renewed it first: the unique index held
        return None
    update_record(ctx, AGREEMENTS, agreement, None, {"status": "renewed"}, operation=None)
    words = {
        "number": agreement.number,
        "new": renewed.number,
        "title": agreement.title,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }

    def texts(language: str) -> tuple[str, str]:
        gettext = translations(language).gettext
        return gettext(TITLE) % words, gettext(BODY) % words

    notify(
        ctx,
        sorted(team_of_agreement(ctx, agreement)),
        texts,
        url=f"/{AGREEMENTS.plural}/{renewed.id}",
        kind=AGREEMENTS.kind,
        record_id=renewed.id,
    )
    return renewed


def renew_due(ctx: Ctx) -> int:
    """Renew every automatic agreement that has ended (see the module); how many terms."""
    today = ctx.today()
    done = 0
    for _ in range(MAX_TERMS):
        found = due(ctx, today)
        if not found:
            break
        done += sum(renew(ctx, agreement, today) is not None for agreement in found)
    return done
