"""Keeping the search documents in step with their records, a batch at a time.

The listener only notes what each event means for the index (rebuild, remove, new owner)
in a per-transaction queue (kht/audit/deferred.py); the queue is written when it holds
`BATCH` records, before a savepoint or the transaction commits, and before anything reads
`search_documents`. Writing loads each kind's records with one SELECT per batch, builds
their documents and writes them with executemany. Documents are built from the records
as they are when written, so several events about one record need only its last action.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, delete, insert, literal, select, update
from sqlalchemy.orm import Session

from kht.audit.deferred import BATCH, buffer_of, flush_pending
from kht.context import Ctx
from kht.db.custom_fields import CustomField, FieldDef
from kht.fields import plugin_fields
from kht.search.documents import SEARCHABLE_TYPES, SOURCES, build_document
from kht.search.models import SearchDocument

__all__ = ["IndexQueue", "queue_of", "write_documents"]

documents = SearchDocument.__table__
REFRESH, REMOVE, OWNER = "refresh", "remove", "owner"
_DOC_COLUMNS = ("owner_id", "title", "subtitle", "tokens")


class IndexQueue:
    """What the events of this transaction asked of the index, record by record."""

    tables = frozenset({documents.name, "search_fts"})

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx  # for the plugins' declared fields
        self.actions: dict[tuple[str, int], tuple[str, int | None]] = {}
        self.contacts_of: set[int] = set()  # customers whose contacts show a changed name

    def __len__(self) -> int:
        return len(self.actions) + len(self.contacts_of)

    def note(self, kind: str, record_id: int, action: str, owner: int | None = None) -> None:
        key = (kind, record_id)
        if action == OWNER:
            before = self.actions.get(key)
            if before is not None:
                # A rebuild reads the new owner anyway; a removed document needs a rebuild.
                action = REFRESH if before[0] != OWNER else OWNER
        self.actions[key] = (action, owner)
        if len(self) >= BATCH:
            flush_pending(self.ctx.session)

    def write(self, session: Session, connection: Connection) -> None:
        actions, customers = self.actions, self.contacts_of
        self.actions, self.contacts_of = {}, set()
        if customers:
            model = SOURCES["contact"].model
            for chunk in _chunks(sorted(customers)):
                contacts = connection.execute(
                    select(model.id).where(model.customer_id.in_(chunk), model.deleted_at.is_(None))
                ).scalars()
                actions.update({("contact", cid): (REFRESH, None) for cid in contacts})
        by_kind: dict[str, dict[int, tuple[str, int | None]]] = {}
        for (kind, record_id), action in actions.items():
            by_kind.setdefault(kind, {})[record_id] = action
        for kind, wanted in by_kind.items():
            _write_kind(self.ctx, connection, kind, wanted)


def queue_of(ctx: Ctx) -> IndexQueue:
    """The index queue of `ctx`'s transaction."""
    queue = buffer_of(ctx.session, "search", lambda: IndexQueue(ctx))
    queue.ctx = ctx
    return queue


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _write_kind(
    ctx: Ctx, conn: Connection, kind: str, wanted: dict[int, tuple[str, int | None]]
) -> None:
    removed = [rid for rid, (action, _) in wanted.items() if action == REMOVE]
    rebuilt = [rid for rid, (action, _) in wanted.items() if action == REFRESH]
    owners = {rid: owner for rid, (action, owner) in wanted.items() if action == OWNER}
    if owners:
        # A hand-over moves many records: only the scope column changes, where a document
        # exists (one that is missing is built).
        have = set(_existing(conn, kind, list(owners)))
        moved = [{"b_record_id": rid, "b_owner": owners[rid]} for rid in owners if rid in have]
        if moved:
            conn.execute(
                update(documents)
                .where(documents.c.kind == kind, documents.c.record_id == bindparam("b_record_id"))
                .values(owner_id=bindparam("b_owner")),
                moved,
            )
        rebuilt += [rid for rid in owners if rid not in have]
    _remove(conn, kind, removed)
    if rebuilt:
        write_documents(ctx, conn, kind, rebuilt)


def _existing(conn: Connection, kind: str, ids: list[int]) -> list[int]:
    found: list[int] = []
    for chunk in _chunks(sorted(ids)):
        query = select(documents.c.record_id).where(
            documents.c.kind == kind, documents.c.record_id.in_(chunk)
        )
        found += conn.execute(query).scalars()
    return found


def _remove(conn: Connection, kind: str, ids: list[int]) -> None:
    for chunk in _chunks(sorted(ids)):
        conn.execute(
            delete(documents).where(documents.c.kind == kind, documents.c.record_id.in_(chunk))
        )


def index_fields(ctx: Ctx, conn: Connection, kind: str) -> list[FieldDef]:
    """The searchable fields of `kind`, the administrator's read on `conn` (see `write`)."""
    query = (
        select(CustomField.__table__)
        .where(CustomField.kind == kind, CustomField.active)
        .order_by(CustomField.position, CustomField.id)
    )
    # Plain rows, not session objects: this may run while a savepoint is being opened.
    admin = [CustomField(**row._mapping).to_def() for row in conn.execute(query)]
    return [f for f in plugin_fields(ctx, kind) + admin if f.type in SEARCHABLE_TYPES]


def write_documents(ctx: Ctx, conn: Connection, kind: str, record_ids: list[int]) -> None:
    """Rebuild the documents of these records (removed when the record is gone or deleted)."""
    source = SOURCES[kind]
    fields = index_fields(ctx, conn, kind)
    query = source.select()
    if not fields:  # no custom field to index: skip decoding every record's `ext`
        query = query.with_only_columns(
            *[literal(None).label("ext") if c.key == "ext" else c for c in query.selected_columns]
        )
    for chunk in _chunks(sorted(set(record_ids))):
        rows = conn.execute(query.where(source.model.id.in_(chunk))).all()
        live = {row.id: row for row in rows if row.deleted_at is None}
        _remove(conn, kind, [rid for rid in chunk if rid not in live])
        if not live:
            continue
        docs = [build_document(kind, row, fields) for row in live.values()]
        have = set(_existing(conn, kind, list(live)))
        fresh = [doc for doc in docs if doc["record_id"] not in have]
        changed = [
            {"b_record_id": doc["record_id"], **{k: doc[k] for k in _DOC_COLUMNS}}
            for doc in docs
            if doc["record_id"] in have
        ]
        if fresh:
            conn.execute(insert(documents), fresh)
        if changed:
            conn.execute(
                update(documents).where(
                    documents.c.kind == kind, documents.c.record_id == bindparam("b_record_id")
                ),
                changed,
            )
