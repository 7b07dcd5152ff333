"""One search document per searchable record, kept in step by the search listener.

`tokens` holds the searchable text as space-separated tokens: Latin words lower-cased and
every two-character window of CJK runs, so a full-text index finds 同方 inside
清华同方威视 on both SQLite (FTS5) and PostgreSQL (GIN over a 'simple' tsvector).
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "record_id", name="uq_search_documents_record"),
        Index("ix_search_documents_owner", "kind", "owner_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    tokens: Mapped[str] = mapped_column(Text, default="")
