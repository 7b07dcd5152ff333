"""A list's total without a full COUNT(*): exact up to a limit, an honest estimate past it.

Every list (page and API) asks `total_of` for its total with the list's own query, which is
already limited to the reader's scope and filtered. First it counts that query's rows, but
no further than the limit (`KHT_LIST_EXACT_COUNT_LIMIT`, 10,000): a total at or under it is
exact and costs at most that many rows. Past it, the total is an estimate, rounded to three
significant figures, never under what was counted, and flagged as such (`Total.exact`); the
exact count is one link or `exact=true` away. The estimate comes from:

- PostgreSQL, for a reader who sees every record of the kind: the planner's row estimate
  for the query (EXPLAIN), which reads the table's statistics, not its rows.
- Otherwise (SQLite, or a reader whose scope is limited): a sample. The query's matches are
  counted in `WINDOWS` id ranges of `WINDOW` ids spread evenly from the kind's smallest to
  its largest id, and scaled by the share of ids sampled. This assumes matches are spread
  evenly over ids; records created in a burst (one import) can put it off, hence "about".

Why not the planner for a limited scope: its figure multiplies the scope's selectivity by
each filter's selectivity over *all* records, so a rep could read how common a value is
among records they may not see. A sample counts only rows the scoped query returns; the one
other input is the kind's id range, which the ids a user sees already show.
"""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
from sqlalchemy import ClauseElement, Executable, Select, func, or_, select
from sqlalchemy.ext.compiler import compiles

from kht.lists.engine import count

WINDOWS = 8  # id ranges sampled
WINDOW = 1250  # ids per range: 10,000 ids read at most, by primary key


class Total(msgspec.Struct, frozen=True):
    """How many records a list has; `exact` False: an estimate (shown as "about N")."""

    count: int
    exact: bool = True


class Explain(Executable, ClauseElement):
    """`EXPLAIN (FORMAT JSON) <statement>` on PostgreSQL, with the statement's parameters."""

    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def bounded_count(session: Any, query: Select[Any], most: int) -> int:
    """How many rows `query` returns, counting no further than `most`."""
    limited = query.order_by(None).limit(most).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def planner_rows(session: Any, query: Select[Any]) -> int:
    """PostgreSQL's estimate of the rows `query` returns (from statistics, no rows read)."""
    plan = session.execute(Explain(query.order_by(None))).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _windows(low: int, high: int) -> list[tuple[int, int]]:
    """`WINDOWS` ranges of `WINDOW` ids spread evenly over [low, high]."""
    step = (high - low + 1) / WINDOWS
    return [(low + int(i * step), low + int(i * step) + WINDOW - 1) for i in range(WINDOWS)]


def sampled_rows(session: Any, query: Select[Any], id_column: Any) -> int:
    """An estimate of the rows `query` returns from its matches in a few id ranges."""
    low, high = session.execute(select(func.min(id_column), func.max(id_column))).one()
    if low is None:
        return 0
    span = high - low + 1
    if span <= WINDOWS * WINDOW:
        return count(session, query)
    ranges = _windows(low, high)
    hits = count(session, query.where(or_(*(id_column.between(a, b) for a, b in ranges))))
    return round(hits * span / (WINDOWS * WINDOW))


def about(number: int) -> int:
    """`number` rounded to three significant figures (12,437 -> 12,400)."""
    if number < 1000:
        return number
    scale = 10 ** (int(math.log10(number)) - 2)
    return round(number / scale) * scale


def total_of(
    session: Any,
    query: Select[Any],
    id_column: Any,
    *,
    limit: int,
    exact: bool = False,
    whole: bool = False,
) -> Total:
    """The total of a list whose (scoped, filtered) query is `query`: exact up to `limit`
    rows or when `exact`, else an estimate (see the module). `whole`: the reader sees every
    record of the kind, so PostgreSQL's planner may estimate it."""
    if exact:
        return Total(count(session, query))
    counted = bounded_count(session, query, limit + 1)
    if counted <= limit:
        return Total(counted)
    if whole and session.get_bind().dialect.name == "postgresql":
        guess = planner_rows(session, query)
    else:
        guess = sampled_rows(session, query, id_column)
    return Total(about(max(guess, counted)), exact=False)


__all__ = ["Total", "about", "bounded_count", "total_of"]
