"""Search documents for generated data, built in parallel processes.

The same documents `kht.search.service.reindex` would write (kht's own `Source.select()` and
`build_document`), but the tokens, pinyin above all (about 150 us a name), are computed by a
pool of processes, one per CPU, while the main process reads and inserts in batches.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, NamedTuple

BATCH = 10_000  # records read, tokenised and inserted at a time
PIECE = 1_000  # records a worker tokenises per task


class Row(NamedTuple):
    """The columns of a search Source's select, as build_document reads them."""

    id: int
    owner_id: int | None
    deleted_at: Any
    name: str
    phone: str
    mobile: str
    email: str
    company: str
    ext: Any


def _build(task: tuple[str, list[Any], list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    from kht.search.documents import build_document

    kind, fields, rows = task
    return [build_document(kind, Row(*row), fields) for row in rows]


def write_all(ctx: Any, processes: int | None = None, bar: Any = None) -> dict[str, int]:
    """Insert the documents of every live customer, contact and lead (the table must be
    empty); `bar` (kht.progress.Bar) advances by the records of each batch."""
    from sqlalchemy import insert

    from kht.search.documents import SOURCES, searchable_fields
    from kht.search.models import SearchDocument

    processes = processes or os.cpu_count() or 1
    documents = SearchDocument.__table__
    written: dict[str, int] = {}
    # fork: workers inherit the imported kht modules and pypinyin's dictionaries.
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for kind, source in SOURCES.items():
            fields = searchable_fields(ctx, kind)
            model = source.model
            # Deleted records are skipped here, not in SQL: with `deleted_at IS NULL` in the
            # WHERE, SQLite (no statistics yet) walks the live-records index and sorts every
            # live row for each batch, which made 1M customers quadratic.
            ordered = source.select().order_by(model.id)
            last, written[kind] = 0, 0
            while batch := ctx.session.execute(ordered.where(model.id > last).limit(BATCH)).all():
                rows = [r for r in batch if r.deleted_at is None]
                pieces = [
                    (kind, fields, [tuple(r) for r in rows[i : i + PIECE]])
                    for i in range(0, len(rows), PIECE)
                ]
                docs = [doc for built in pool.map(_build, pieces) for doc in built]
                if docs:
                    ctx.session.execute(insert(documents), docs)
                last, written[kind] = batch[-1].id, written[kind] + len(rows)
                if bar is not None:
                    bar.advance(len(rows))
    return written
