"""The pack's tables: scorecard criteria and scores (every score kept: the history), the
buying committee, project documents and their versions, competitors per project, outcomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import Base, BusinessRecord, ExtensibleMixin, IdMixin, UtcDateTime, utcnow

OPPORTUNITY = "opportunities.id"


def _opportunity() -> Mapped[int]:
    return mapped_column(ForeignKey(OPPORTUNITY, ondelete="CASCADE"), index=True)


def _user() -> Mapped[int | None]:
    return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class Criterion(BusinessRecord, ExtensibleMixin, Base):
    """A scorecard criterion (fit, budget, ...): scored 0-5, weighted; `guidance` says what
    each score means. Retired (`active` False) or deleted criteria keep their old scores. A
    record kind (criteria.py): edited on the core's pages and API."""

    __tablename__ = "project_sales_criteria"

    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_zh: Mapped[str] = mapped_column(String(60))
    label_en: Mapped[str] = mapped_column(String(60))
    weight: Mapped[int] = mapped_column(Integer, default=1)
    guidance_zh: Mapped[str] = mapped_column(Text, default="")
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Score(IdMixin, Base):
    """One score given to one criterion of one project. Never changed: a new score is a new
    row, so the latest per criterion is the scorecard and all of them its history."""

    __tablename__ = "project_sales_scores"
    __table_args__ = (Index("ix_project_sales_scores_latest", "opportunity_id", "criterion_key"),)

    opportunity_id: Mapped[int] = _opportunity()
    criterion_key: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    # The weighted total (0-100) of the whole scorecard once this score was given.
    total_after: Mapped[int] = mapped_column(Integer, default=0)
    scored_by_id: Mapped[int | None] = _user()
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Settings(IdMixin, Base):
    """The pack's settings (one row): the gate's minimum score, when a key person counts as
    not contacted."""

    __tablename__ = "project_sales_settings"

    min_score: Mapped[int] = mapped_column(Integer, default=60)
    contact_days: Mapped[int] = mapped_column(Integer, default=30)


class CommitteeMember(IdMixin, Base):
    """A contact on a project's buying committee."""

    __tablename__ = "project_sales_committee"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "contact_id", name="uq_project_sales_committee"),
    )

    opportunity_id: Mapped[int] = _opportunity()
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    attitude: Mapped[str] = mapped_column(String(10), default="neutral")
    # 1 (barely know them) .. 5 (trusted), and 1 (little say) .. 5 (decides).
    strength: Mapped[int] = mapped_column(Integer, default=1)
    influence: Mapped[int] = mapped_column(Integer, default=3)
    reports_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    last_contacted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Document(IdMixin, Base):
    """A document of a project's folder (the proposal, the tender, ...); its files are the
    versions, each a core attachment of the opportunity."""

    __tablename__ = "project_sales_documents"

    opportunity_id: Mapped[int] = _opportunity()
    title: Mapped[str] = mapped_column(String(200))
    doc_type: Mapped[str] = mapped_column(String(20), default="other")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DocumentVersion(IdMixin, Base):
    """One uploaded version of a document: who, when, and the attachment holding it."""

    __tablename__ = "project_sales_document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_project_sales_document_versions"),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("project_sales_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = _user()
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Rival(IdMixin, Base):
    """A competitor (a core competitor record) on one project: its offer, where it is strong
    and weak here, and our strategy against it."""

    __tablename__ = "project_sales_rivals"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "competitor_id", name="uq_project_sales_rivals"),
    )

    opportunity_id: Mapped[int] = _opportunity()
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitors.id", ondelete="CASCADE"))
    offer: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")
    strategy: Mapped[str] = mapped_column(Text, default="")


class Outcome(IdMixin, Base):
    """Why a project was won or lost, and to whom (a lost one needs a reason)."""

    __tablename__ = "project_sales_outcomes"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey(OPPORTUNITY, ondelete="CASCADE"), unique=True
    )
    won: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(30))
    winner_id: Mapped[int | None] = mapped_column(
        ForeignKey("competitors.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


MODELS = [Criterion, Score, Settings, CommitteeMember, Document, DocumentVersion, Rival, Outcome]
