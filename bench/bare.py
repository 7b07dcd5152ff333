"""The bare baseline: a minimal litestar app with sync handlers and hand-written Core queries.

It does what kht's endpoints do for the benchmarked operations, with nothing else: no
authentication, no permission or scope resolution (the scope is passed in as a fixed list
of owner ids, the way a hand-written query would have it), no hooks, no plugin manager, no
custom-field validation. Writes are an INSERT/UPDATE plus one audit-row INSERT in one
transaction, as the issue defines the baseline for writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar, get, patch, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import Engine, case, func, insert, select, text, update

from kht.audit.models import AuditEntry
from kht.customers.models import Customer
from kht.db.base import utcnow
from kht.db.engine import READONLY
from kht.search.models import SearchDocument
from kht.search.tokens import fts5_expression, parse_query, tsquery_expression

customers = Customer.__table__
audit = AuditEntry.__table__
documents = SearchDocument.__table__


@dataclass(frozen=True)
class Scopes:
    """Who the bare app acts as: each name maps to the owner ids it may see (plus the pool)."""

    user_id: int
    owners: dict[str, list[int]]


class NewCustomer(msgspec.Struct, kw_only=True):
    name: str
    phone: str = ""
    email: str = ""
    ext: dict[str, dict[str, Any]] = {}


class CustomerPatch(msgspec.Struct, kw_only=True):
    version: int
    address: str


def _row(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def build_app(engine: Engine, scopes: Scopes) -> Litestar:
    """The baseline app on `engine` acting for `scopes`."""
    reader = engine.execution_options(**{READONLY: True})
    postgres = engine.dialect.name == "postgresql"

    def visible(who: str) -> Any:
        owners = scopes.owners[who]
        return (customers.c.owner_id.in_(owners) | customers.c.owner_id.is_(None)) & (
            customers.c.deleted_at.is_(None)
        )

    @get("/customers", sync_to_thread=True)
    def list_customers(
        who: FromQuery[str] = "rep", industry: FromQuery[str] = ""
    ) -> dict[str, Any]:
        where = visible(who)
        if industry:
            where = where & (customers.c.ext[("custom", "industry")].as_string() == industry)
        page = (
            select(customers)
            .where(where)
            .order_by(customers.c.updated_at.desc(), customers.c.id.desc())
            .limit(50)
        )
        with reader.connect() as connection:
            rows = connection.execute(page).all()
            total = connection.scalar(select(func.count()).select_from(customers).where(where))
        return {"items": [_row(r) for r in rows], "total": total, "page": 1, "page_size": 50}

    @get("/customers/{customer_id:int}", sync_to_thread=True)
    def get_customer(customer_id: FromPath[int]) -> dict[str, Any]:
        query = select(customers).where(
            customers.c.id == customer_id, customers.c.deleted_at.is_(None)
        )
        with reader.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise NotFoundException()
        return _row(row)

    @get("/search", sync_to_thread=True)
    def search(q: FromQuery[str], who: FromQuery[str] = "rep") -> dict[str, Any]:
        parsed = parse_query(q)
        owner = documents.c.owner_id
        scope = owner.in_(scopes.owners[who]) | owner.is_(None)
        if postgres:
            match = text(
                "to_tsvector('simple', search_documents.tokens) @@ to_tsquery('simple', :q)"
            ).bindparams(q=tsquery_expression(parsed))
            phrases = [documents.c.tokens.contains(" ".join(p)) for p in parsed.phrases]
            query = select(documents, func.count().over().label("total")).where(
                scope, match, *phrases
            )
        else:
            query = (
                select(documents, func.count().over().label("total"))
                .join(text("search_fts"), text("search_fts.rowid = search_documents.id"))
                .where(scope, text("search_fts MATCH :q").bindparams(q=fts5_expression(parsed)))
            )
        title = func.lower(documents.c.title)
        first = case((title == parsed.text, 0), (title.startswith(parsed.text), 1), else_=2)
        query = query.order_by(
            first, func.length(documents.c.title), documents.c.kind, documents.c.record_id
        ).limit(20)
        with reader.connect() as connection:
            rows = connection.execute(query).all()
        items = [
            {"kind": r.kind, "record_id": r.record_id, "title": r.title, "subtitle": r.subtitle}
            for r in rows
        ]
        return {"items": items, "total": rows[0].total if rows else 0}

    @post("/customers", sync_to_thread=True)
    def create_customer(data: JSONBody[NewCustomer]) -> dict[str, Any]:
        now = utcnow()
        values = {
            "name": data.name,
            "phone": data.phone,
            "email": data.email,
            "ext": data.ext,
            "owner_id": scopes.user_id,
            "created_by_id": scopes.user_id,
            "updated_by_id": scopes.user_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        with engine.begin() as connection:
            row = connection.execute(insert(customers).values(**values).returning(customers)).one()
            connection.execute(
                insert(audit).values(
                    at=now,
                    user_id=scopes.user_id,
                    kind="customer",
                    record_id=row.id,
                    action="create",
                    changes={"name": [None, data.name]},
                )
            )
        return _row(row)

    @patch("/customers/{customer_id:int}", sync_to_thread=True)
    def update_customer(
        customer_id: FromPath[int], data: JSONBody[CustomerPatch]
    ) -> dict[str, Any]:
        now = utcnow()
        with engine.begin() as connection:
            old = connection.scalar(
                select(customers.c.address).where(customers.c.id == customer_id)
            )
            row = connection.execute(
                update(customers)
                .where(customers.c.id == customer_id, customers.c.version == data.version)
                .values(
                    address=data.address,
                    version=data.version + 1,
                    updated_at=now,
                    updated_by_id=scopes.user_id,
                )
                .returning(customers)
            ).first()
            if row is None:
                raise HTTPException(status_code=409, detail="stale version")
            connection.execute(
                insert(audit).values(
                    at=now,
                    user_id=scopes.user_id,
                    kind="customer",
                    record_id=customer_id,
                    action="update",
                    changes={"address": [old, data.address]},
                )
            )
        return _row(row)

    return Litestar(
        route_handlers=[list_customers, get_customer, search, create_customer, update_customer],
        openapi_config=None,
        debug=False,
    )
