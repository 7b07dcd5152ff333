"""How well care works (关怀效果): per care strategy, the customers it reached and what they
did next, beside the customers no strategy reached.

For each care strategy and a period of the reader's days: runs carried out (cared), failed
and skipped; delivered (an email the SMTP server took, an SMS the carrier reported
delivered; a task, call or notification once it exists); followed up (an action done on
the customer within `window_days` after the care); ordered (an order of the customer within
`window_days` after); churned (the customer moved to the lifecycle stage `lost`, 流失,
within `window_days` after). The baseline row counts the customers no strategy cared for in the
period, with a contact or an order within `window_days` from the period's start, so the
rates compare like with like. A contact's care counts for its customer.

Everything is read through the reader's scope (kht.record_service.visible): a run about a
record they may not see is not counted, so a rep sees their own customers' figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec
from sqlalchemy import func, select

from kht import record_service as records
from kht.actions.models import Action
from kht.auth.permissions import require
from kht.automation.care import PURPOSE
from kht.automation.models import DONE, FAILED, SKIPPED, Rule, Run
from kht.context import Ctx
from kht.errors import ValidationError
from kht.records import record_kind

CHUNK = 500
# The lifecycle stage a churned customer moves to (the seeded 流失 stage).
CHURN_STAGE = "lost"
# The outcome the mail and SMS actions write on their run (kht.automation.builtin).
_SENT = re.compile(r"^(mail|sms) (\d+) ")


class CareRow(msgspec.Struct, kw_only=True):
    """One line of the report: a strategy (rule_id None: the customers nobody cared for)."""

    rule_id: int | None
    name: str
    channel: str = ""
    cared: int = 0
    failed: int = 0
    skipped: int = 0
    delivered: int = 0
    customers: int = 0
    followed_up: int = 0
    ordered: int = 0
    churned: int = 0

    @property
    def followed_up_rate(self) -> float | None:
        return round(100 * self.followed_up / self.customers, 1) if self.customers else None

    @property
    def ordered_rate(self) -> float | None:
        return round(100 * self.ordered / self.customers, 1) if self.customers else None

    @property
    def churned_rate(self) -> float | None:
        return round(100 * self.churned / self.customers, 1) if self.customers else None


def _bounds(ctx: Ctx, since: date, until: date) -> tuple[datetime, datetime]:
    """The UTC instants of the reader's days `since` to `until` (both included)."""
    if until < since:
        raise ValidationError("the period ends before it starts", "until")
    if not (date(1900, 1, 1) <= since and until <= date(9000, 1, 1)):
        raise ValidationError("a day between 1900 and 9000", "since")
    if (until - since).days > 3660:
        raise ValidationError("at most ten years at once", "since")
    start = datetime.combine(since, time(), tzinfo=ctx.zone)
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=ctx.zone)
    return start.astimezone(ctx.now().tzinfo), end.astimezone(ctx.now().tzinfo)


def _visible_ids(ctx: Ctx, kind: str) -> Any:
    return records.visible(ctx, record_kind(ctx, kind)).with_only_columns(
        record_kind(ctx, kind).model.id
    )


def _channel(rule: Rule) -> str:
    action = (rule.actions or [{}])[0]
    kind = action.get("type", "")
    if kind == "plan_action":
        return (action.get("params") or {}).get("type", "task")
    return {"send_mail": "email", "send_sms": "sms", "notify": "notify"}.get(kind, kind)


def _runs(ctx: Ctx, rule: Rule, start: datetime, end: datetime) -> Iterator[list[Run]]:
    """The strategy's runs in the period about records the reader may see, in chunks."""
    visible = _visible_ids(ctx, rule.kind)
    query = (
        select(Run)
        .where(Run.rule_id == rule.id, Run.created_at >= start, Run.created_at < end)
        .where(Run.record_id.in_(visible))
        .order_by(Run.id)
    )
    last = 0
    while True:
        chunk = list(ctx.session.scalars(query.where(Run.id > last).limit(CHUNK)))
        if not chunk:
            return
        yield chunk
        last = chunk[-1].id


def _customers_of(ctx: Ctx, kind: str, ids: list[int]) -> dict[int, int]:
    """record id -> its customer id (a customer is its own)."""
    if kind == "customer":
        return {i: i for i in ids}
    from kht.contacts.models import Contact

    rows = ctx.session.execute(select(Contact.id, Contact.customer_id).where(Contact.id.in_(ids)))
    return {row.id: row.customer_id for row in rows if row.customer_id is not None}


def _delivered(ctx: Ctx, runs: list[Run]) -> int:
    """Runs whose message reached its recipient (mail sent, SMS delivered); a task, call or
    notification is there once the run is done."""
    from kht.mail.models import OutgoingMail
    from kht.sms.models import SmsMessage

    mails, texts, plain = [], [], 0
    for run in runs:
        found = [_SENT.match(item.get("note", "")) for item in run.done or []]
        sent = [match for match in found if match]
        if not sent:
            plain += 1
        for match in sent:
            (mails if match.group(1) == "mail" else texts).append(int(match.group(2)))
    count = plain
    if mails:
        count += ctx.session.scalar(
            select(func.count()).where(OutgoingMail.id.in_(mails), OutgoingMail.status == "sent")
        )
    if texts:
        count += ctx.session.scalar(
            select(func.count()).where(SmsMessage.id.in_(texts), SmsMessage.status == "delivered")
        )
    return count


def _next_steps(
    ctx: Ctx, starts: dict[int, datetime], window: timedelta
) -> tuple[set[int], set[int], set[int]]:
    """Of the customers (id -> when cared), those with an action done, those with an order
    placed and those moved to the churn stage within `window` after."""
    from kht.lifecycle.models import StageChange
    from kht.sales.orders.models import Order

    if not starts:
        return set(), set(), set()
    low, high = min(starts.values()), max(starts.values()) + window
    done_at = func.coalesce(Action.done_at, Action.created_at)
    acts = select(Action.customer_id, done_at).where(
        Action.customer_id.in_(set(starts)),
        Action.status == "done",
        Action.deleted_at.is_(None),
        done_at >= low,
        done_at < high,
    )
    orders = select(Order.customer_id, Order.created_at).where(
        Order.customer_id.in_(set(starts)),
        Order.deleted_at.is_(None),
        Order.created_at >= low,
        Order.created_at < high,
    )

    def within(rows: Any) -> set[int]:
        return {cid for cid, at in rows if starts[cid] <= _aware(at) < starts[cid] + window}

    churns = select(StageChange.record_id, StageChange.at).where(
        StageChange.kind == "customer",
        StageChange.record_id.in_(set(starts)),
        StageChange.to_stage == CHURN_STAGE,
        StageChange.at >= low,
        StageChange.at < high,
    )
    return (
        within(ctx.session.execute(acts)),
        within(ctx.session.execute(orders)),
        within(ctx.session.execute(churns)),
    )


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _strategy_row(
    ctx: Ctx, rule: Rule, start: datetime, end: datetime, window: timedelta
) -> tuple[CareRow, set[int]]:
    row = CareRow(rule_id=rule.id, name=rule.name, channel=_channel(rule))
    cared: dict[int, datetime] = {}
    for chunk in _runs(ctx, rule, start, end):
        done = [run for run in chunk if run.status == DONE]
        row.failed += sum(run.status == FAILED for run in chunk)
        row.skipped += sum(run.status == SKIPPED for run in chunk)
        row.cared += len(done)
        row.delivered += _delivered(ctx, done)
        owners = _customers_of(ctx, rule.kind, [run.record_id for run in done])
        for run in done:
            customer = owners.get(run.record_id)
            if customer is not None:
                at = _aware(run.finished_at or run.created_at)
                cared[customer] = min(at, cared.get(customer, at))
    followed, ordered, churned = _next_steps(ctx, cared, window)
    row.customers, row.followed_up, row.ordered = len(cared), len(followed), len(ordered)
    row.churned = len(churned)
    return row, set(cared)


def _baseline(ctx: Ctx, cared: set[int], start: datetime, window: timedelta) -> CareRow:
    """The reader's live customers that no strategy cared for in the period."""
    row = CareRow(rule_id=None, name="")
    query = _visible_ids(ctx, "customer").order_by(record_kind(ctx, "customer").model.id)
    last = 0
    model_id = record_kind(ctx, "customer").model.id
    while True:
        ids = list(ctx.session.scalars(query.where(model_id > last).limit(CHUNK * 4)))
        if not ids:
            return row
        last = ids[-1]
        starts = {cid: start for cid in ids if cid not in cared}
        followed, ordered, churned = _next_steps(ctx, starts, window)
        row.customers += len(starts)
        row.followed_up += len(followed)
        row.ordered += len(ordered)
        row.churned += len(churned)


def effectiveness(ctx: Ctx, since: date, until: date, window_days: int = 30) -> list[CareRow]:
    """The care-effectiveness report for the reader's days `since`..`until`: one row per
    care strategy, then the baseline (rule_id None). Needs `view` on customers."""
    require(ctx.user, "customers", "view")
    if not 1 <= window_days <= 365:
        raise ValidationError("the window is 1 to 365 days", "window_days")
    start, end = _bounds(ctx, since, until)
    window = timedelta(days=window_days)
    rules = ctx.session.scalars(select(Rule).where(Rule.purpose == PURPOSE).order_by(Rule.name))
    rows, cared = [], set()
    for rule in rules:
        if not ctx.user.can(record_kind(ctx, rule.kind).module, "view"):
            continue  # a strategy about records the reader may not see at all (contacts)
        row, reached = _strategy_row(ctx, rule, start, end, window)
        rows.append(row)
        cared |= reached
    return [*rows, _baseline(ctx, cared, start, window)]
