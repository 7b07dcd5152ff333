"""The record team table: who besides the owner's scope may read or edit one record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class TeamMember(IdMixin, Base):
    """One user on one record's team (`kind` + `record_id`), with a role and an access.

    The scope (kht.auth.scope) reads this table by (user, kind, record): that index is what
    keeps a list's `id IN (my team records)` branch cheap at a million rows.
    """

    __tablename__ = "record_team_members"
    __table_args__ = (
        UniqueConstraint("kind", "record_id", "user_id", name="uq_record_team_members_member"),
        Index("ix_record_team_members_user_kind_record", "user_id", "kind", "record_id"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Free text (presales engineer, regional lead...): packs suggest their own roles.
    role: Mapped[str] = mapped_column(String(60), default="")
    # "read" or "edit" (kht.teams.service.ACCESS).
    access: Mapped[str] = mapped_column(String(4), default="read")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, default=None
    )
