"""Global search over customers, contacts, leads and articles, and the upkeep of its index.

Searching goes through the data scope per kind, so the search box can never show a record
its user could not open. The index (`search_documents`, plus FTS5 on SQLite or a GIN
tsvector index on PostgreSQL) is kept in step by `on_event` inside the transaction of the
change, and can be rebuilt from the records with `reindex`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    column,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    table,
    text,
    true,
)

from kht.audit.deferred import flush_pending
from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible
from kht.context import Ctx
from kht.errors import NotAuthenticated, ValidationError
from kht.events import (
    Event,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
)
from kht.progress import Reporter, quietly
from kht.search.documents import SOURCES, Source, build_document, searchable_fields
from kht.search.index import OWNER, REFRESH, REMOVE, IndexQueue, queue_of, write_documents
from kht.search.models import SearchDocument
from kht.search.schemas import SearchHit
from kht.search.tokens import Query, fts5_expression, parse_query, tsquery_expression

__all__ = [
    "KINDS",
    "MAIL",
    "mail_hits",
    "matching_records",
    "on_event",
    "refresh",
    "reindex",
    "related_records",
    "search",
    "sources",
]

KINDS: tuple[str, ...] = tuple(SOURCES)
# Mail is searched too, within the mail permissions (kht.mail.archive), but not indexed here.
MAIL = "mail"
DEFAULT_LIMIT = 20
CANDIDATES = 200  # documents a `related_records` ranks
MAX_LIMIT = 100
BATCH = 1000
# Changes that alter a document; anything else (stage, notes...) leaves it as it is.
INDEXED_CHANGES = frozenset(
    {"name", "phone", "mobile", "email", "company", "customer_id", "ext", "owner_id"}
)

documents = SearchDocument.__table__
_fts = table("search_fts", column("rowid"))


# ---------------------------------------------------------------- searching


def sources(kind: str | None) -> list[Source]:
    """The searchable kinds: all of them, or `kind` alone (422 naming `kind` if unknown)."""
    if kind in (None, ""):
        return list(SOURCES.values())
    if kind == MAIL:
        return []
    if kind not in SOURCES:
        raise ValidationError(f"kind must be one of: {', '.join((*KINDS, MAIL))}", "kind")
    return [SOURCES[kind]]


def mail_hits(ctx: Ctx, q: str, limit: int) -> tuple[list[SearchHit], int]:
    """Mail the user may read matching `q` (subject, sender, text), newest first: mail outside
    their permission is never found (kht.mail.archive.readable)."""
    from kht.mail.archive import list_messages

    if ctx.user is None or not ctx.user.can(MAIL, "view") or not q.strip():
        return [], 0
    rows, total = list_messages(ctx, q=q, page_size=limit)
    hits = [
        SearchHit(
            kind=MAIL,
            record_id=m.id,
            title=m.subject,
            subtitle=f"{m.from_name} <{m.from_address}>".strip(),
            url=f"/mail/{m.id}",
        )
        for m in rows
    ]
    return hits, total


def _in_scope(ctx: Ctx, kinds: list[Source]) -> ColumnElement[bool]:
    """Documents whose record the user may view, kind by kind (none of a module not granted)."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    viewable = [s for s in kinds if ctx.user.can(s.module, "view")]
    # A kind's own visibility (an article's drafts): None when this user sees all of them.
    narrowed = {s.kind: s.visible(ctx, documents.c.record_id) for s in viewable if s.visible}
    narrowed = {kind: clause for kind, clause in narrowed.items() if clause is not None}
    everything = [
        s.kind for s in viewable if ctx.user.scope(s.module) == "all" and s.kind not in narrowed
    ]
    if len(everything) == len(SOURCES):
        # No condition at all: a kind filter would steer SQLite onto the (kind, owner) index.
        return true()
    clauses = [documents.c.kind.in_(everything)] if everything else []
    clauses += [
        and_(
            documents.c.kind == s.kind,
            owned_by_visible(
                ctx.user,
                documents.c.owner_id,
                s.module,
                owner_index=False,
                shared=[(s.kind, documents.c.record_id)],
            ),
            narrowed.get(s.kind, true()),
        )
        for s in viewable
        if s.kind not in everything
    ]
    return or_(*clauses) if clauses else false()


def _matching(ctx: Ctx, query: Query, stmt: Select[Any]) -> Select[Any]:
    """`stmt` narrowed to documents matching every part of `query`."""
    if query.indexed:
        if ctx.session.get_bind().dialect.name == "sqlite":
            stmt = stmt.join(_fts, _fts.c.rowid == documents.c.id).where(
                text("search_fts MATCH :fts_query").bindparams(fts_query=fts5_expression(query))
            )
        else:
            # The exact expression of the GIN index, so the planner can use it; the bigrams
            # of a phrase must also follow each other in the tokens text (substring order).
            stmt = stmt.where(
                text(
                    "to_tsvector('simple', search_documents.tokens) "
                    "@@ to_tsquery('simple', :ts_query)"
                ).bindparams(ts_query=tsquery_expression(query)),
                *[documents.c.tokens.contains(" ".join(p), autoescape=True) for p in query.phrases],
            )
    # Lone characters have no token of their own inside longer runs: scan the titles.
    for char in query.chars:
        stmt = stmt.where(documents.c.title.contains(char, autoescape=True))
    return stmt


def _ranking(query: Query) -> list[Any]:
    """Exact title first, then titles starting with the query, then shorter titles."""
    title = func.lower(documents.c.title)
    first = case(
        (title == query.text, 0),
        (title.startswith(query.text, autoescape=True), 1),
        else_=2,
    )
    return [first, func.length(documents.c.title), documents.c.kind, documents.c.record_id]


def search(
    ctx: Ctx, q: str, *, kind: str | None = None, limit: int = DEFAULT_LIMIT
) -> tuple[list[SearchHit], int]:
    """Records in the user's scope matching `q` (best first, at most `limit`) and how many match,
    then (all kinds, or `kind="mail"`) the mail the user may read matching `q`.

    Chinese matches as a substring (同方 finds 清华同方威视), Latin words and digits by
    prefix, names also by pinyin (qinghua, qhtf). Any text is accepted: search syntax in
    `q` is treated as punctuation, so a query can never fail.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    if kind == MAIL:
        return mail_hits(ctx, q, limit)
    records, total = _records(ctx, q, kind, limit)
    if kind not in (None, ""):
        return records, total
    mail, mail_total = mail_hits(ctx, q, max(1, limit - len(records)))
    return records + mail[: limit - len(records)], total + mail_total


def _records(ctx: Ctx, q: str, kind: str | None, limit: int) -> tuple[list[SearchHit], int]:
    scope = _in_scope(ctx, sources(kind))
    flush_pending(ctx.session)  # documents of this transaction's changes still waiting
    query = parse_query(q)
    if query.empty:
        return [], 0
    # The window count is taken over every match before LIMIT: one pass gives page and total.
    columns = select(documents, func.count().over().label("total")).where(scope)
    ranked = _matching(ctx, query, columns).order_by(*_ranking(query)).limit(limit)
    rows = ctx.session.execute(ranked).all()
    hits = [
        SearchHit(
            kind=row.kind,
            record_id=row.record_id,
            title=row.title,
            subtitle=row.subtitle,
            url=SOURCES[row.kind].url_of(row.record_id),
        )
        for row in rows
    ]
    return hits, rows[0].total if rows else 0


def matching_records(ctx: Ctx, kind: str, q: str) -> Select[Any] | None:
    """Ids of `kind`'s records whose search document matches `q`, for a list's search box.

    The same matching as the global search (pinyin such as qhtf, phone tails, Chinese
    substrings), unscoped: the list that uses it is already scoped. None when `kind` has no
    documents or `q` has nothing the index can match (lone characters are left to the list).
    """
    query = parse_query(q)
    if kind not in SOURCES or not query.indexed:
        return None
    flush_pending(ctx.session)  # documents of this transaction's changes still waiting
    ids = select(documents.c.record_id).where(documents.c.kind == kind)
    return _matching(ctx, query, ids)


def related_records(ctx: Ctx, kind: str, about: str, limit: int) -> list[int]:
    """Ids of `kind`'s records sharing the most words with `about` (any of them, not all),
    best first, at most `limit`: "articles about this ticket's subject". Unscoped: the
    caller narrows the ids to what its user may see."""
    query = parse_query(about)
    terms = sorted({t for phrase in query.phrases for t in phrase} | set(query.words))
    if kind not in SOURCES or not terms:
        return []
    flush_pending(ctx.session)
    stmt = select(documents.c.record_id, documents.c.tokens).where(documents.c.kind == kind)
    if ctx.session.get_bind().dialect.name == "sqlite":
        any_term = " OR ".join(fts5_expression(Query(words=[t])) or "" for t in terms)
        stmt = stmt.join(_fts, _fts.c.rowid == documents.c.id).where(
            text("search_fts MATCH :fts_query").bindparams(fts_query=any_term)
        )
    else:
        any_term = " | ".join(tsquery_expression(Query(words=[t])) or "" for t in terms)
        stmt = stmt.where(
            text(
                "to_tsvector('simple', search_documents.tokens) @@ to_tsquery('simple', :ts_query)"
            ).bindparams(ts_query=any_term)
        )
    rows = ctx.session.execute(stmt.limit(CANDIDATES)).all()
    scored = [(_shared(terms, row.tokens), row.record_id) for row in rows]
    return [rid for score, rid in sorted(scored, key=lambda p: (-p[0], p[1]))[:limit]]


def _shared(terms: list[str], tokens: str) -> int:
    """How many of `terms` a document's tokens hold (Chinese bigrams exactly, words as a
    prefix of one of its words)."""
    have = set(tokens.split())
    return sum(
        1
        for term in terms
        if term in have or (term.isascii() and any(t.startswith(term) for t in have))
    )


# ---------------------------------------------------------------- keeping the index


def refresh(ctx: Ctx, kind: str, record_ids: Iterable[int]) -> None:
    """Rebuild the documents of these records now (removed when gone or deleted)."""
    ids = list(record_ids)
    if ids:
        flush_pending(ctx.session)
        ctx.session.flush()  # the documents are built from the rows in the database
        write_documents(ctx, ctx.session.connection(), kind, ids)


def _on_update(queue: IndexQueue, event: RecordUpdated) -> None:
    changed = set(event.changes) & (SOURCES[event.kind].changes or INDEXED_CHANGES)
    if not changed:
        return
    if changed == {"owner_id"}:
        queue.note(event.kind, event.record_id, OWNER, event.changes["owner_id"][1])
        return
    queue.note(event.kind, event.record_id, REFRESH)
    if event.kind == "customer" and "name" in changed:
        queue.contacts_of.add(event.record_id)


def on_event(ctx: Ctx, event: Event) -> None:
    """Keep the documents of customers, contacts, leads and articles in step with their records.

    The index is written in batches (kht/search/index.py); a search in the same
    transaction writes what is waiting first.
    """
    if event.kind not in SOURCES:
        return
    queue = queue_of(ctx)
    if isinstance(event, RecordCreated | RecordRestored):
        queue.note(event.kind, event.record_id, REFRESH)
    elif isinstance(event, RecordDeleted):
        queue.note(event.kind, event.record_id, REMOVE)
    elif isinstance(event, RecordUpdated):
        _on_update(queue, event)
    elif isinstance(event, RecordsMerged):
        for merged in event.merged_ids:
            queue.note(event.kind, merged, REMOVE)
        queue.note(event.kind, event.record_id, REFRESH)
        if event.kind == "customer":
            queue.contacts_of.add(event.record_id)


def _reindex_kind(ctx: Ctx, source: Source, progress: Reporter) -> int:
    """Rebuild one kind's documents in batches of Core selects and executemany inserts."""
    ctx.session.execute(delete(documents).where(documents.c.kind == source.kind))
    fields = searchable_fields(ctx, source.kind)
    model = source.model
    alive = model.deleted_at.is_(None)
    live = source.select().where(alive).order_by(model.id).limit(BATCH)
    last, count = 0, 0
    total = ctx.session.scalar(select(func.count()).select_from(model).where(alive)) or 0
    with progress(f"reindexing {source.kind}", total) as bar:
        while rows := ctx.session.execute(live.where(model.id > last)).all():
            ctx.session.execute(
                insert(documents), [build_document(source.kind, r, fields) for r in rows]
            )
            last, count = rows[-1].id, count + len(rows)
            bar(count)
    return count


def reindex(ctx: Ctx, kind: str | None = None, *, progress: Reporter = quietly) -> dict[str, int]:
    """Rebuild the search documents of `kind` (every kind when None); returns counts by kind.

    For the `kht search reindex` command (no acting user, `progress` on its terminal) and
    administrators; on SQLite a full reindex also rebuilds the FTS5 index itself.
    """
    if ctx.user is not None:
        require(ctx.user, "users", "admin")
    flush_pending(ctx.session)  # what waits would otherwise land on top of the rebuild
    if kind is None and ctx.session.get_bind().dialect.name == "sqlite":
        # First bring an FTS index that drifted from its table (a bad restore) back in line:
        # the delete triggers below would otherwise fail on entries it lacks.
        ctx.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    return {source.kind: _reindex_kind(ctx, source, progress) for source in sources(kind)}
