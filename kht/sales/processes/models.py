"""Processes (of opportunities, campaigns, projects …): ordered stages with exit gates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kht.db.base import Base, IdMixin, JSONType, TimestampMixin, VersionMixin

OUTCOMES = ("open", "won", "lost", "closed")


class Process(IdMixin, TimestampMixin, VersionMixin, Base):
    """A named process for records of `kind`; `plugin` names the pack that contributed it
    ('' = administrator). The table keeps its historical `sales_` name."""

    __tablename__ = "sales_processes"

    key: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40), default="opportunity")
    plugin: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    stages: Mapped[list[ProcessStage]] = relationship(
        back_populates="process", order_by="ProcessStage.position", lazy="selectin"
    )


# The product lines (business lines) whose opportunities use a process by default.
process_business_lines = Table(
    "sales_process_business_lines",
    Base.metadata,
    Column("process_id", ForeignKey("sales_processes.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "business_line_id",
        ForeignKey("business_lines.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class ProcessStage(IdMixin, Base):
    """One stage; leaving it needs the `required_actions` logged and `required_fields` filled.

    A retired stage (`active` false) keeps its id, so opportunities that passed through it
    keep their history when an administrator changes the process.
    """

    __tablename__ = "sales_process_stages"
    __table_args__ = (Index("uq_sales_process_stages_key", "process_id", "key", unique=True),)

    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    probability: Mapped[int] = mapped_column(Integer, default=0)  # percent, 0..100
    outcome: Mapped[str] = mapped_column(String(10), default="open")
    required_actions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    required_fields: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # A role key: leaving the stage needs a user with that role to approve (kht.processes).
    approval_role: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    process: Mapped[Process] = relationship(back_populates="stages")
