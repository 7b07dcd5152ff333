"""Forecast, payment forecast and funnel results (money as decimal strings in JSON)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class RepRow(msgspec.Struct, kw_only=True):
    """One owner's numbers inside a department (owner None: the shared pool)."""

    user_id: int | None
    name: str
    weighted: Decimal
    commit: Decimal
    best_case: Decimal
    won: Decimal
    open_count: int
    won_count: int
    quota: Decimal | None
    attainment: Decimal | None


class ForecastRow(msgspec.Struct, kw_only=True):
    """A department with its whole subtree rolled in (department None: no department).

    `weighted` is the sum of amount x probability / 100 of open opportunities expected to
    close in the period, `commit` the open amount in forecast category commit, `best_case`
    commit plus the best-case amount, `won` the amount won (closed) in the period;
    `attainment` is won / quota (a fraction: 0.75 is 75 %), None without a quota.
    """

    department_id: int | None
    name: str
    parent_id: int | None
    depth: int
    weighted: Decimal
    commit: Decimal
    best_case: Decimal
    won: Decimal
    open_count: int
    won_count: int
    quota: Decimal | None
    attainment: Decimal | None
    reps: list[RepRow] = []


class Forecast(msgspec.Struct, kw_only=True):
    """The forecast of one period; `end` is its last day; `total` sums the top rows."""

    period: str
    start: date
    end: date
    label: str
    department_id: int | None
    rows: list[ForecastRow]
    total: ForecastRow


class PaymentMonth(msgspec.Struct, kw_only=True):
    """One month: `planned` falls due in it, `received` came in during it, `expected` is the
    part of its planned amount still unpaid (payments settle the oldest plans first)."""

    month: date
    label: str
    planned: Decimal
    received: Decimal
    expected: Decimal


class PaymentForecast(msgspec.Struct, kw_only=True):
    """Expected receivables by month; `overdue` is still unpaid from plans due before `start`."""

    start: date
    months: list[PaymentMonth]
    overdue: Decimal
    expected_total: Decimal


class FunnelStage(msgspec.Struct, kw_only=True):
    """One stage: opportunities that entered it in the period (`reached`, their `amount` on
    entry), how many of those went further (`advanced`; `conversion` = advanced / reached in
    %), how many are in it now (`current`, `current_amount`), and the average stay in days
    (stays still going count until now; None for won/lost stages)."""

    stage_id: int
    key: str
    name: str
    position: int
    outcome: str
    reached: int
    amount: Decimal
    advanced: int
    conversion: Decimal | None
    current: int
    current_amount: Decimal
    avg_days: Decimal | None


class Funnel(msgspec.Struct, kw_only=True):
    process_id: int
    process_name: str
    start: date
    end: date
    stages: list[FunnelStage]


class ConversionCell(msgspec.Struct, kw_only=True):
    stage_id: int
    reached: int
    advanced: int
    conversion: Decimal | None


class ConversionMonth(msgspec.Struct, kw_only=True):
    month: date
    label: str
    stages: list[ConversionCell]


class StageName(msgspec.Struct, kw_only=True):
    stage_id: int
    name: str


class ConversionOverTime(msgspec.Struct, kw_only=True):
    """Per month of entry: of the opportunities that entered each stage, how many went on."""

    process_id: int
    stages: list[StageName]
    months: list[ConversionMonth]
