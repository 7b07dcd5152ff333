"""What a search document says about a customer, contact, lead or knowledge article.

Each searchable kind has a `Source`: the permission module that scopes it, its page URL, and
one Core select of the columns a document is built from (the same select serves the event
listener and the batch reindex, so both build identical documents). A kind whose records
are not people or companies (an article) names its own `document` builder, the changes that
alter its document, and `visible`: who may find which of its documents beyond the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, literal, select

from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.db.custom_fields import FieldDef
from kht.fields import fields_for
from kht.knowledge.documents import article_columns, article_document, articles_visible
from kht.knowledge.models import Article
from kht.leads.models import Lead
from kht.search.tokens import phone_tokens, pinyin_tokens, text_tokens

__all__ = ["SOURCES", "Source", "build_document", "searchable_fields"]

# Custom-field types whose values are worth finding from the search box.
SEARCHABLE_TYPES = frozenset({"text", "long_text", "phone", "email", "url"})
MAX_FIELD_CHARS = 2000  # of one custom text value (notes-like fields can be long)
MAX_TOKENS_CHARS = 20000  # keeps PostgreSQL phrase positions (< 16384) meaningful
TITLE_CHARS = 300


@dataclass(frozen=True)
class Source:
    """A searchable record kind: its model, permission module, page and document columns."""

    kind: str
    model: Any
    module: str
    url: str  # with {id}
    label_zh: str
    label_en: str
    columns: Callable[[], Select[Any]]
    # `document(row) -> {title, subtitle, tokens}` for a kind that is not a person or company.
    document: Callable[[Any], dict[str, str]] | None = None
    # The changed fields that alter a document (None: the people/company fields, INDEXED).
    changes: frozenset[str] | None = None
    # `visible(ctx, record_id_column) -> condition | None`: which documents the user may
    # find beyond the module's scope (an article's drafts only by its editors); None: all.
    visible: Callable[[Ctx, Any], ColumnElement[bool] | None] | None = None

    def select(self) -> Select[Any]:
        """id, owner_id, deleted_at, name, phone, mobile, email, company, ext of each record."""
        return self.columns()

    def url_of(self, record_id: int) -> str:
        return self.url.format(id=record_id)

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


def _document_columns(model: Any, *, mobile: Any = None, company: Any = None) -> Select[Any]:
    """What a search document is built from; a kind without a mobile or a company gives ''."""
    blank = literal("")
    return select(
        model.id,
        model.owner_id,
        model.deleted_at,
        model.name,
        model.phone,
        (blank if mobile is None else mobile).label("mobile"),
        model.email,
        (blank if company is None else company).label("company"),
        model.ext,
    )


def _customers() -> Select[Any]:
    return _document_columns(Customer)


def _contacts() -> Select[Any]:
    columns = _document_columns(Contact, mobile=Contact.mobile, company=Customer.name)
    return columns.outerjoin(Customer, Contact.customer_id == Customer.id)


def _leads() -> Select[Any]:
    return _document_columns(Lead, company=Lead.company)


SOURCES: dict[str, Source] = {
    source.kind: source
    for source in (
        Source(
            "customer", Customer, "customers", "/customers/{id}", "客户", "Customers", _customers
        ),
        Source("contact", Contact, "contacts", "/contacts/{id}", "联系人", "Contacts", _contacts),
        Source("lead", Lead, "leads", "/leads/{id}", "线索", "Leads", _leads),
        Source(
            "article",
            Article,
            "knowledge",
            "/knowledge/{id}",
            "知识库",
            "Knowledge",
            article_columns,
            document=article_document,
            changes=frozenset({"title", "body", "status", "ext"}),
            visible=articles_visible,
        ),
    )
}


def searchable_fields(ctx: Ctx, kind: str) -> list[FieldDef]:
    """The custom fields of `kind` whose text goes into the index."""
    return [f for f in fields_for(ctx, kind) if f.type in SEARCHABLE_TYPES]


def _custom_tokens(ext: dict[str, Any] | None, fields: list[FieldDef]) -> list[str]:
    tokens: list[str] = []
    for f in fields:
        value = ((ext or {}).get(f.namespace) or {}).get(f.name)
        if isinstance(value, str) and value:
            value = value[:MAX_FIELD_CHARS]
            tokens += phone_tokens(value) if f.type == "phone" else text_tokens(value)
    return tokens


def _joined(tokens: list[str]) -> str:
    text = " ".join(tokens)
    if len(text) <= MAX_TOKENS_CHARS:
        return text
    return text[:MAX_TOKENS_CHARS].rsplit(" ", 1)[0]


def build_document(kind: str, row: Any, fields: list[FieldDef]) -> dict[str, Any]:
    """The search_documents row of one record (a row of its Source's select)."""
    source = SOURCES[kind]
    if source.document is not None:
        own = source.document(row)
        tokens = own["tokens"].split() + _custom_tokens(row.ext, fields)
        return {
            "kind": kind,
            "record_id": row.id,
            "owner_id": row.owner_id,
            "title": own["title"][:TITLE_CHARS],
            "subtitle": own["subtitle"][:TITLE_CHARS],
            "tokens": _joined(tokens),
        }
    name = row.name or ""
    tokens = (
        text_tokens(name)
        + pinyin_tokens(name)
        + phone_tokens(row.phone)
        + phone_tokens(row.mobile)
        + text_tokens(row.email)
        + text_tokens(row.company)
        + _custom_tokens(row.ext, fields)
    )
    shown = [row.company, row.mobile, row.phone, row.email]
    return {
        "kind": kind,
        "record_id": row.id,
        "owner_id": row.owner_id,
        "title": name[:TITLE_CHARS],
        "subtitle": " · ".join(part for part in shown if part)[:TITLE_CHARS],
        "tokens": _joined(tokens),
    }
